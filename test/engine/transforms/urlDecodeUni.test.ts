import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeUrlDecodeUni, urlDecodeUni } from '../../../src/engine/transforms/urlDecodeUni.js';
import { check } from './check.js';

describe('t:urlDecodeUni', () => {
  it('decodes %uHHHH to the low byte, full-width ASCII to ASCII (libmodsecurity 3.0.9 outputs)', () => {
    check(urlDecodeUni, [
      ['%u0041', 'A'],
      ['%U0041', 'A'],
      ['%uff41', 'a'],
      ['%uFF5e', '~'],
      ['%uff5f', '_'],
      ['%uff00', '\x00'],
      ['%uff01', '!'],
      ['%u1234', '4'],
      ['%u12', '%u12'],
      ['%u123g', '%u123g'],
      ['%u%41', '%uA'],
      ['%uff21%', 'A%'],
      ['%u004', '%u004'],
      ['+%u0020', '  '],
      ['%41%u0042', 'AB'],
      ['%uFFFF', '\xff'],
      ['%u', '%u'],
      ['%U', '%U'],
      ['%%u0041', '%A'],
      ['%u00e9', '\xe9'],
    ]);
  });

  it('uses a SecUnicodeMapFile table when one is given', () => {
    const map = new Int32Array(65536).fill(-1);
    map[0x3002] = 0x2e; // IDEOGRAPHIC FULL STOP -> '.', as v3 always sets when a map is loaded
    map[0x00e9] = 0x165; // mapped values are truncated to a byte, as v3 stores them in a char
    const decode = makeUrlDecodeUni(map);
    check(decode, [
      ['%u3002', '.'],
      ['%u00e9', 'e'],
      ['%uff41', 'a'], // unmapped: full-width rule still applies
      ['%u1234', '4'], // unmapped: low byte
      ['%41+', 'A '],
    ]);
    assert.equal(urlDecodeUni('%u3002'), '\x02');
  });

  it('stays linear and correct on large inputs', () => {
    const n = 200_000;
    assert.equal(urlDecodeUni('%u0041'.repeat(n)), 'A'.repeat(n));
    assert.equal(urlDecodeUni('%'.repeat(n)), '%'.repeat(n));
    assert.equal(urlDecodeUni('%u'.repeat(n)), '%u'.repeat(n));
    assert.equal(urlDecodeUni('%uff4'.repeat(n) + '1'), '%uff4'.repeat(n - 1) + 'a');
  });
});
