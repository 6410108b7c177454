import { describe, it } from 'node:test';
import { parityEven7bit } from '../../../src/engine/transforms/parityEven7bit.js';
import { check } from './check.js';

describe('t:parityEven7bit', () => {
  it('sets bit 7 from the parity of all 8 bits (libmodsecurity 3.0.9 outputs)', () => {
    check(parityEven7bit, [
      ['abc', '\xe1\xe2c'],
      ['\x80\xbf\xc3\xa9\xff', '\x80\xbfC)\x7f'],
      ['\x00\x7f', '\x00\xff'],
    ]);
  });
});
