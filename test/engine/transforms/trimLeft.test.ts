import { describe, it } from 'node:test';
import { trimLeft } from '../../../src/engine/transforms/trimLeft.js';
import { check } from './check.js';

describe('t:trimLeft', () => {
  it('strips C isspace at the start (libmodsecurity 3.0.9 outputs)', () => {
    check(trimLeft, [
      [' \t\n\r\x0b\x0ca b \t\n\r\x0b\x0c', 'a b \t\n\r\x0b\x0c'],
      ['\xa0a', '\xa0a'],
      [' \t\n\r\x0b\x0c', ''],
    ]);
  });
});
