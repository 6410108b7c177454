import { describe, it } from 'node:test';
import { trim } from '../../../src/engine/transforms/trim.js';
import { check } from './check.js';

describe('t:trim', () => {
  it('strips C isspace at both ends (libmodsecurity 3.0.9 outputs)', () => {
    check(trim, [
      [' \t\n\r\x0b\x0ca b \t\n\r\x0b\x0c', 'a b'],
      ['\xa0a\xa0', '\xa0a\xa0'],
      ['\x00a\x00', '\x00a\x00'],
      [' \t\n\r\x0b\x0c', ''],
      ['a', 'a'],
      ['', ''],
    ]);
  });
});
