import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base64Decode } from '../../../src/engine/transforms/base64Decode.js';
import { check } from './check.js';

describe('t:base64Decode', () => {
  it('decodes strict base64 like mbed TLS; invalid input gives the empty string (libmodsecurity 3.0.9 outputs)', () => {
    check(base64Decode, [
      ['QUJD', 'ABC'],
      ['QUJDRA', 'ABC'],
      ['QUJDRA==', 'ABCD'],
      ['QUJDRA=', 'ABC'],
      ['QUJDRA===', ''],
      ['QU JD', ''],
      ['QUJD\nRA==', 'ABCD'],
      ['QUJD\r\nRA==', 'ABCD'],
      ['QUJD\rRA==', ''],
      ['QUJD  ', 'ABC'],
      ['  QUJD', ''],
      ['QUJD=QUJD', ''],
      ['QU*D', ''],
      ['QUJD\x00junk', 'ABC'],
      ['Zm9v-_', ''],
      ['', ''],
      ['====', ''],
      ['QUJD\n', 'ABC'],
      ['Q', ''],
      ['QQ', ''],
      ['QUI', ''],
      ['AAAA', '\x00\x00\x00'],
      ['////', '\xff\xff\xff'],
    ]);
  });

  it('round-trips large values', () => {
    const bytes = Buffer.alloc(1_000_000);
    for (let k = 0; k < bytes.length; k++) bytes[k] = (k * 7919) & 0xff;
    const raw = bytes.toString('latin1');
    assert.equal(base64Decode(bytes.toString('base64')), raw);
    assert.equal(base64Decode('QUJD'.repeat(100_000) + '*'), '');
  });
});
