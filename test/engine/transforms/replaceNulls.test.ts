import { describe, it } from 'node:test';
import { replaceNulls } from '../../../src/engine/transforms/replaceNulls.js';
import { check } from './check.js';

describe('t:replaceNulls', () => {
  it('replaces NUL bytes with spaces (libmodsecurity 3.0.9 outputs)', () => {
    check(replaceNulls, [
      ['\x00a\x00\x00b\x00', ' a  b '],
      ['ab', 'ab'],
      ['\x00', ' '],
    ]);
  });
});
