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
/*EXTRA*/
});
