import { describe, it } from 'node:test';
import { parityOdd7bit } from '../../../src/engine/transforms/parityOdd7bit.js';
import { check } from './check.js';

describe('t:parityOdd7bit', () => {
  it('sets bit 7 from the parity of all 8 bits (libmodsecurity 3.0.9 outputs)', () => {
    check(parityOdd7bit, [
      ['abc', 'ab\xe3'],
      ['\x80\xbf\xc3\xa9\xff', '\x00?\xc3\xa9\xff'],
      ['\x00\x7f', '\x80\x7f'],
    ]);
  });
});
