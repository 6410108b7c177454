import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base64DecodeExt } from '../../../src/engine/transforms/base64DecodeExt.js';
import { check } from './check.js';

describe('t:base64DecodeExt', () => {
  it('decodes forgiving base64, skipping junk, with v3\'s padding quirks (libmodsecurity 3.0.9 outputs)', () => {
    check(base64DecodeExt, [
      ['QUJD', 'ABC'],
      ['QUJDRA', 'ABCD'],
      ['QUJDRA==', 'ABCD'],
      ['Q=', ''],
      ['Q==', ''],
      ['QUJDQ9', 'ABCC'],
      ['QUJD9', ''],
      ['QUJD9 ', 'ABC'],
      ['QUJDQ', 'ABC'],
      ['QUJDQ=', ''],
      ['QU JD', 'ABC'],
      ['QUJD\nRA==', 'ABCD'],
      ['QU*JD', 'ABC'],
      ['Zm9v-_YQ', 'fooa'],
      ['P.HNjcmlwdD4=', '<script>'],
      ['QUJD=RA', 'ABCD'],
      ['QUJD\x00RA', 'ABCD'],
      ['', ''],
      ['\xff\xfe', ''],
    ]);
  });

  it('decodes large values with junk mixed in', () => {
    const n = 200_000;
    assert.equal(base64DecodeExt('QU.JD\n'.repeat(n)), 'ABC'.repeat(n));
    assert.equal(base64DecodeExt('*'.repeat(n)), '');
  });
});
