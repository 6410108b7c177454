import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsDecode } from '../../../src/engine/transforms/jsDecode.js';
import { check } from './check.js';

describe('t:jsDecode', () => {
  it('decodes JavaScript escapes; invalid ones lose the backslash (libmodsecurity 3.0.9 outputs)', () => {
    check(jsDecode, [
      ['\\u0041', 'A'],
      ['\\U0041', 'U0041'],
      ['\\uff41', 'a'],
      ['\\uFF5E', '~'],
      ['\\u004', 'u004'],
      ['\\x41', 'A'],
      ['\\X41', 'X41'],
      ['\\x4', 'x4'],
      ['\\xg1', 'xg1'],
      ['\\101', 'A'],
      ['\\400', ' 0'],
      ['\\477', '\'7'],
      ['\\377', '\xff'],
      ['\\0', '\x00'],
      ['\\08', '\x008'],
      ['\\9', '9'],
      ['\\q', 'q'],
      ['\\', '\\'],
      ['a\\', 'a\\'],
      ['\\\\', '\\'],
      ['\\n\\t\\v\\a\\b\\f\\r', '\n\t\x0b\x07\x08\x0c\r'],
      ['\\u00', 'u00'],
      ['\\\'\\"', '\'"'],
      ['\\1234', 'S4'],
    ]);
  });

  it('stays linear and correct on large inputs', () => {
    const n = 200_000;
    assert.equal(jsDecode('\\x41'.repeat(n)), 'A'.repeat(n));
    assert.equal(jsDecode('\\u00'.repeat(n)), 'u00'.repeat(n));
    assert.equal(jsDecode('\\'.repeat(2 * n + 1)), '\\'.repeat(n + 1));
  });
});
