import { describe, it } from 'node:test';
import { parityZero7bit } from '../../../src/engine/transforms/parityZero7bit.js';
import { check } from './check.js';

describe('t:parityZero7bit', () => {
  it('clears bit 7 (libmodsecurity 3.0.9 outputs)', () => {
    check(parityZero7bit, [
      ['abc', 'abc'],
      ['\x80\xbf\xc3\xa9\xff', '\x00?C)\x7f'],
      ['\x00\x7f', '\x00\x7f'],
    ]);
  });
});
