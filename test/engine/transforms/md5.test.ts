import { describe, it } from 'node:test';
import { md5 } from '../../../src/engine/transforms/md5.js';
import { check } from './check.js';

describe('t:md5', () => {
  it('gives the raw 16-byte digest (libmodsecurity 3.0.9 outputs)', () => {
    check(md5, [
      ['', '\xd4\x1d\x8c\xd9\x8f\x00\xb2\x04\xe9\x80\t\x98\xec\xf8B~'],
      ['abc', '\x90\x01P\x98<\xd2O\xb0\xd6\x96?}(\xe1\x7fr'],
      ['\x00\xff', '\xd0}4\xef\xacc(\x00z\xd6|~\n\x98^\x00'],
    ]);
  });
});
