import { describe, it } from 'node:test';
import { removeNulls } from '../../../src/engine/transforms/removeNulls.js';
import { check } from './check.js';

describe('t:removeNulls', () => {
  it('deletes NUL bytes (libmodsecurity 3.0.9 outputs)', () => {
    check(removeNulls, [
      ['\x00a\x00\x00b\x00', 'ab'],
      ['ab', 'ab'],
      ['\x00', ''],
    ]);
  });
});
