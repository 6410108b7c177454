import assert from 'node:assert/strict';
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

  it('keeps NUL bytes (libmodsecurity 3.0.9 cut the value at the first NUL it produced)', () => {
    check(cssDecode, [
      ['a\x00b', 'a\x00b'],
      ['\\0 x', '\x00x'],
      ['\\\x00  string', '\x00  string'],
      ['<\\000073 cript>', '<script>'],
      ['\\00 x', '\x00x'],
    ]);
  });

  it('stays linear and correct on large inputs', () => {
    const n = 200_000;
    assert.equal(cssDecode('\\41 '.repeat(n)), 'A'.repeat(n));
    assert.equal(cssDecode('\\'.repeat(2 * n)), '\\'.repeat(n));
  });
});
