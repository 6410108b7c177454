import { describe, it } from 'node:test';
import { uppercase } from '../../../src/engine/transforms/uppercase.js';
import { check } from './check.js';

describe('t:uppercase', () => {
  it('folds ASCII only (libmodsecurity 3.0.9 outputs)', () => {
    check(uppercase, [
      ['abcXYZ', 'ABCXYZ'],
      ['\xe0\xe9\xfe', '\xe0\xe9\xfe'],
      ['@[`{', '@[`{'],
      ['z\x00a', 'Z\x00A'],
    ]);
  });
});
