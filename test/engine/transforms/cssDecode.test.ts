import { describe, it } from 'node:test';
import { cssDecode } from '../../../src/engine/transforms/cssDecode.js';
import { check } from './check.js';

describe('t:cssDecode', () => {
  it('decodes CSS escapes, swallowing one whitespace after a hex escape (libmodsecurity 3.0.9 outputs)', () => {
    check(cssDecode, [
      ['\\41', 'A'],
      ['\\041 B', 'AB'],
      ['\\000041B', 'AB'],
      ['\\ff41', 'a'],
      ['\\0ff41', 'a'],
      ['\\00ff41', 'a'],
      ['\\1ff41', 'A'],
      ['\\ff5f', '_'],
      ['\\g', 'g'],
      ['\\\n', ''],
      ['\\', ''],
      ['a\\', 'a'],
      ['\\41\t\tB', 'A\tB'],
      ['\\ffffff', '\xff'],
      ['\\41\x0bB', 'AB'],
      ['\\1234567', 'V7'],
      ['\\a', '\n'],
      ['\\\\', '\\'],
      ['\\"', '"'],
      ['j\\61vascript', 'javascript'],
    ]);
  });
/*EXTRA*/
});
