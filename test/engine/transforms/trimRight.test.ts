import { describe, it } from 'node:test';
import { trimRight } from '../../../src/engine/transforms/trimRight.js';
import { check } from './check.js';

describe('t:trimRight', () => {
  it('strips C isspace at the end (libmodsecurity 3.0.9 outputs)', () => {
    check(trimRight, [
      [' \t\n\r\x0b\x0ca b \t\n\r\x0b\x0c', ' \t\n\r\x0b\x0ca b'],
      ['a\xa0', 'a\xa0'],
      [' \t\n\r\x0b\x0c', ''],
    ]);
  });
});
