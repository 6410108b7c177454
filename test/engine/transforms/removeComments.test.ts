import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { removeComments } from '../../../src/engine/transforms/removeComments.js';
import { check } from './check.js';

describe('t:removeComments', () => {
  it('removes /* */ and <!-- --> comments and cuts at -- or # (libmodsecurity 3.0.9 outputs)', () => {
    check(removeComments, [
      ['a/*b*/c', 'ac'],
      ['a/*b*/', 'a\x00'],
      ['a/*b', 'a '],
      ['a--b', 'a'],
      ['a#b', 'a'],
      ['a<!--b-->c', 'ac'],
      ['a<!--b-->', 'a\x00'],
      ['/*a*//*b*/c', '/*b*/c'],
      ['a*/b', 'a*/b'],
      ['x/*a*/--y', 'x--y'],
      ['-->', ''],
      ['a-b', 'a-b'],
      ['a/b', 'a/b'],
      ['<!-x', '<!-x'],
      ['/*a-->b', 'b'],
      ['<!--a*/b', 'b'],
      ['\'/**/OR/**/1=1--', '\'OR1=1'],
    ]);
  });

  it('stays linear on many comment markers', () => {
    const n = 200_000;
    assert.equal(removeComments('a/**/'.repeat(n) + 'b'), 'a'.repeat(n) + 'b');
    assert.equal(removeComments('/*x*/ '.repeat(n)), ' '.repeat(n));
    assert.equal(removeComments('/*' + '*'.repeat(1_000_000)), ' ');
    assert.equal(removeComments('<!--x-->y'.repeat(n)), 'y'.repeat(n));
  });
});
