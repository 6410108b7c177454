import { describe, it } from 'node:test';
import { hexEncode } from '../../../src/engine/transforms/hexEncode.js';
import { check } from './check.js';

describe('t:hexEncode', () => {
  it('encodes each byte as two lower-case hex digits (libmodsecurity 3.0.9 outputs)', () => {
    check(hexEncode, [
      ['ABC', '414243'],
      ['\x00\xff', '00ff'],
      ['', ''],
    ]);
  });
});
