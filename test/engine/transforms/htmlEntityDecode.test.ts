import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { htmlEntityDecode } from '../../../src/engine/transforms/htmlEntityDecode.js';
import { check } from './check.js';

describe('t:htmlEntityDecode', () => {
  it('decodes numeric entities of any length and five named ones (libmodsecurity 3.0.9 outputs)', () => {
    check(htmlEntityDecode, [
      ['&#x', '&#x'],
      ['&#', '&#'],
      ['&', '&'],
      ['&#x41', 'A'],
      ['&#X41;', 'A'],
      ['&#65', 'A'],
      ['&#65;b', 'Ab'],
      ['&#x;', '&#x;'],
      ['&#;', '&#;'],
      ['&#0065', 'A'],
      ['&#256;', '\x00'],
      ['&#x141;', 'A'],
      ['&#99999999999999999999;', '\xff'],
      ['&#9223372036854775806;', '\xfe'],
      ['&#9223372036854775808;', '\xff'],
      ['&#18446744073709551617;', '\xff'],
      ['&#x7ffffffffffffffe;', '\xfe'],
      ['&#x8000000000000001;', '\xff'],
      ['&#x00000000000000000041;', 'A'],
      ['&#00000000000000000009223372036854775806;', '\xfe'],
      ['&lt', '<'],
      ['&LT;', '<'],
      ['&Lt;x', '<x'],
      ['&ltx;', '&ltx;'],
      ['&amp;amp;', '&amp;'],
      ['&quot', '"'],
      ['&nbsp;', '\xa0'],
      ['&apos;', '&apos;'],
      ['&colon;', '&colon;'],
      ['&lbrace;', '&lbrace;'],
      ['&#x41&#x42', 'AB'],
      ['&&lt;', '&<'],
      ['a&', 'a&'],
      ['&#a', '&#a'],
      ['&#x24;&#00000000000000000000000000000000000000000000000123;jndi', '${jndi'],
    ]);
  });

  it('decodes &#x without a semicolon and stops at the first non-digit', () => {
    check(htmlEntityDecode, [
      ['&#x3cscript&#x3e', '<script>'],
      ['&#x3c;script&#x3e;', '<script>'],
      ['&#60script', '<script'],
      ['&#x3g', '\x03g'],
      ['&#X', '&#X'],
    ]);
  });

  it('stays linear on huge numbers and many ampersands', () => {
    const zeros = '0'.repeat(1_000_000);
    assert.equal(htmlEntityDecode(`&#${zeros}65;`), 'A');
    assert.equal(htmlEntityDecode(`&#x${zeros}41`), 'A');
    assert.equal(htmlEntityDecode(`&#1${zeros};`), '\xff');
    assert.equal(htmlEntityDecode('&'.repeat(500_000)), '&'.repeat(500_000));
    assert.equal(htmlEntityDecode('&#'.repeat(300_000)), '&#'.repeat(300_000));
    assert.equal(htmlEntityDecode('&lt;'.repeat(300_000)), '<'.repeat(300_000));
    assert.equal(htmlEntityDecode('&' + 'a'.repeat(1_000_000)), '&' + 'a'.repeat(1_000_000));
  });
});
