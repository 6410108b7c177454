import { describe, it } from 'node:test';
import { normalizePathWin } from '../../../src/engine/transforms/normalizePathWin.js';
import { check } from './check.js';

describe('t:normalizePathWin', () => {
  it('also turns backslashes into slashes (libmodsecurity 3.0.9 outputs)', () => {
    check(normalizePathWin, [
      ['\\a\\b\\..\\c', '/a/c'],
      ['c:\\windows\\..\\boot.ini', 'c:/boot.ini'],
      ['a\\/\\b', 'a\\b'],
      ['\\..\\..\\x', '/x'],
      ['\\\\server\\share\\..\\x', '/server/x'],
      ['a\\\\b', 'a/b'],
      ['..\\a\\..\\..', ''],
      ['\\a\\.\\b\\', '/a/b/'],
      ['/a\\b/../c', '/a/c'],
      ['\\\\a\\\\..\\\\b', '\\b'],
    ]);
  });
});
