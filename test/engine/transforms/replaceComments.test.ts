import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replaceComments } from '../../../src/engine/transforms/replaceComments.js';
import { check } from './check.js';

describe('t:replaceComments', () => {
  it('replaces each /* */ comment with one space (libmodsecurity 3.0.9 outputs)', () => {
    check(replaceComments, [
      ['a/*b*/c', 'a c'],
      ['a/*b', 'a '],
      ['a*/b', 'a*/b'],
      ['/*/', ' '],
      ['/**/', ' '],
      ['/*a*//*b*/', '  '],
      ['a/*b*/c/*d', 'a c '],
      ['a<!--b-->c', 'a<!--b-->c'],
      ['a--b', 'a--b'],
      ['UNION/**/SELECT', 'UNION SELECT'],
    ]);
  });

  it('stays linear on many comment markers', () => {
    const n = 200_000;
    assert.equal(replaceComments('a/**/'.repeat(n)), 'a '.repeat(n));
    assert.equal(replaceComments('/*' + '*'.repeat(1_000_000)), ' ');
    assert.equal(replaceComments('*/ '.repeat(n)), '*/ '.repeat(n));
  });
});
