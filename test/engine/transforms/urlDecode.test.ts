import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { urlDecode } from '../../../src/engine/transforms/urlDecode.js';
import { check } from './check.js';

describe('t:urlDecode', () => {
  it('decodes %XX and +, copies invalid or truncated escapes (libmodsecurity 3.0.9 outputs)', () => {
    check(urlDecode, [
      ['%', '%'],
      ['%4', '%4'],
      ['%41', 'A'],
      ['%4g', '%4g'],
      ['%g4', '%g4'],
      ['%%41', '%A'],
      ['a+b', 'a b'],
      ['%2B', '+'],
      ['%2b%2B', '++'],
      ['%e9', '\xe9'],
      ['%E9%', '\xe9%'],
      ['%%%', '%%%'],
      ['%u0041', '%u0041'],
      ['+%20+', '   '],
      ['%00', '\x00'],
      ['100%', '100%'],
      ['%zz%41', '%zzA'],
    ]);
  });

  it('stays linear and correct on large inputs', () => {
    const n = 300_000;
    assert.equal(urlDecode('%41'.repeat(n)), 'A'.repeat(n));
    assert.equal(urlDecode('%%'.repeat(n)), '%%'.repeat(n));
    assert.equal(urlDecode('+'.repeat(n)), ' '.repeat(n));
  });

  it('returns the very same string when there is nothing to decode', () => {
    const s = 'no escapes here \x00\xff';
    assert.equal(urlDecode(s), s);
  });
});
