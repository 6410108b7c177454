import { describe, it } from 'node:test';
import { lowercase } from '../../../src/engine/transforms/lowercase.js';
import { check } from './check.js';

describe('t:lowercase', () => {
  it('folds ASCII only (libmodsecurity 3.0.9 outputs)', () => {
    check(lowercase, [
      ['ABCxyz', 'abcxyz'],
      ['\xc0\xc9\xde', '\xc0\xc9\xde'],
      ['@[`{', '@[`{'],
      ['Z\x00A', 'z\x00a'],
    ]);
  });
});
