import { describe, it } from 'node:test';
import { base64Encode } from '../../../src/engine/transforms/base64Encode.js';
import { check } from './check.js';

describe('t:base64Encode', () => {
  it('encodes every byte, NULs included (libmodsecurity 3.0.9 outputs)', () => {
    check(base64Encode, [
      ['', ''],
      ['a', 'YQ=='],
      ['ab', 'YWI='],
      ['abc', 'YWJj'],
      ['\x00\xff\x00', 'AP8A'],
    ]);
  });
});
