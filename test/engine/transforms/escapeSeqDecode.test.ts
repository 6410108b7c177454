import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeSeqDecode } from '../../../src/engine/transforms/escapeSeqDecode.js';
import { check } from './check.js';

describe('t:escapeSeqDecode', () => {
  it('decodes ANSI C escapes; unknown ones lose the backslash (libmodsecurity 3.0.9 outputs)', () => {
    check(escapeSeqDecode, [
      ['\\x41', 'A'],
      ['\\X41', 'A'],
      ['\\x4', 'x4'],
      ['\\xzz', 'xzz'],
      ['\\xag', 'xag'],
      ['\\101', 'A'],
      ['\\400', '\x00'],
      ['\\777', '\xff'],
      ['\\666', '\xb6'],
      ['\\0', '\x00'],
      ['\\08', '\x008'],
      ['\\9', '9'],
      ['\\q', 'q'],
      ['\\', '\\'],
      ['\\\\', '\\'],
      ['\\n\\t\\v\\?\\a\\b\\f\\r', '\n\t\x0b?\x07\x08\x0c\r'],
      ['\\\'\\"', '\'"'],
      ['\\1234', 'S4'],
      ['\\u0041', 'u0041'],
    ]);
  });

  it('stays linear and correct on large inputs', () => {
    const n = 200_000;
    assert.equal(escapeSeqDecode('\\101'.repeat(n)), 'A'.repeat(n));
    assert.equal(escapeSeqDecode('\\x'.repeat(n)), 'x'.repeat(n));
  });
});
