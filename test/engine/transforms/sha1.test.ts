import { describe, it } from 'node:test';
import { sha1 } from '../../../src/engine/transforms/sha1.js';
import { check } from './check.js';

describe('t:sha1', () => {
  it('gives the raw 20-byte digest (libmodsecurity 3.0.9 outputs)', () => {
    check(sha1, [
      ['', '\xda9\xa3\xee^kK\r2U\xbf\xef\x95`\x18\x90\xaf\xd8\x07\t'],
      ['abc', '\xa9\x99>6G\x06\x81j\xba>%qxP\xc2l\x9c\xd0\xd8\x9d'],
      ['\x00\xff', '\xaa>]\xcd\xd7{\x15?.Y\xbd\r\x87\x94\xfd\xe3<\xb4\xe4\x86'],
    ]);
  });
});
