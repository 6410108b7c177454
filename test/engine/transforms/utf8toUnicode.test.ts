import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { utf8toUnicode } from '../../../src/engine/transforms/utf8toUnicode.js';
import { check } from './check.js';

describe('t:utf8toUnicode', () => {
  it('turns UTF-8 sequences into %uXXXX and keeps v3\'s handling of invalid input (libmodsecurity 3.0.9 outputs)', () => {
    check(utf8toUnicode, [
      ['a\xc3\xa9b', 'a%u00e9b'],
      ['\xe2\x82\xac', '%u20ac'],
      ['\xf0\x9f\x98\x80', '%u1f600'],
      ['\xc3', ''],
      ['\xc3A', 'A'],
      ['\xe2\x82', '\x82'],
      ['\xe2\x82A', '\x82A'],
      ['\x80', '\x80'],
      ['\xff', '\xff'],
      ['a\x00b', 'ab'],
      ['\x00', ''],
      ['\xc0\xaf', '%u002f\xc0'],
      ['\xe0\x80\xaf', '%u002f\xe0'],
      ['\xf0\x80\x80\xaf', '%u002f\xf0'],
      ['\xed\xa0\x80', '%ud800\xed'],
      ['\xf5\x80\x80\x80', '\xf5%u140000'],
      ['\xf7\xbf\xbf\xbf', '\xf7%u1fffff'],
      ['\xf8\x88\x80\x80\x80', '\xf8\x88\x80\x80\x80'],
      ['\xc3\xa9\x00', '%u00e9'],
      ['\xef\xbc\x9c', '%uff1c'],
      ['plain ascii', 'plain ascii'],
      ['\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf', '%u0080%u07ff%u0800%uffff%u10000%u10ffff'],
    ]);
  });

  it('stays linear and correct on large inputs', () => {
    const n = 200_000;
    assert.equal(utf8toUnicode('\xc3\xa9'.repeat(n)), '%u00e9'.repeat(n));
    assert.equal(utf8toUnicode('\xe2'.repeat(n)), '');
    assert.equal(utf8toUnicode('\x80'.repeat(n)), '\x80'.repeat(n));
  });
});
