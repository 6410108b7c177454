import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizePath } from '../../../src/engine/transforms/normalizePath.js';
import { check } from './check.js';

describe('t:normalizePath', () => {
  it('collapses slashes, self- and back-references like v3 (libmodsecurity 3.0.9 outputs)', () => {
    check(normalizePath, [
      ['/a/b/../c', '/a/c'],
      ['a/../../b', '../b'],
      ['/../a', '/a'],
      ['/a/./b/', '/a/b/'],
      ['a//b', 'a/b'],
      ['./a', 'a'],
      ['/a/b/..', '/a'],
      ['/a/b/../', '/a/'],
      ['..', '..'],
      ['/..', ''],
      ['/.', ''],
      ['a/.', 'a'],
      ['.', ''],
      ['/', '/'],
      ['//', '/'],
      ['a/b/c/../../..', ''],
      ['/a/b/c/../../../..', ''],
      ['../a/../..', ''],
      ['/a/.b/..c/', '/a/.b/..c/'],
      ['/a\\b/../c', '/c'],
      ['/a/b/%2e%2e/c', '/a/b/%2e%2e/c'],
      ['/etc/./passwd\x00.jpg', '/etc/passwd\x00.jpg'],
      ['/x/../../../etc/passwd', '/etc/passwd'],
    ]);
  });

  it('resolves long chains in linear time', () => {
    const n = 100_000;
    assert.equal(normalizePath('a/'.repeat(n) + '../'.repeat(n)), '');
    assert.equal(normalizePath('/a'.repeat(n) + '/..'.repeat(n)), '');
    assert.equal(normalizePath('/'.repeat(500_000) + 'x'), '/x');
    assert.equal(normalizePath('./'.repeat(n) + 'x'), 'x');
    assert.equal(normalizePath('../'.repeat(n)), '../'.repeat(n));
  });

  it('keeps v3 quirks: the root is lost on /.. and a back-reference survives after hitting the root', () => {
    check(normalizePath, [
      ['/..', ''],
      ['/.', ''],
      ['a/../b/../c/../', 'b/../'],
    ]);
  });
});
