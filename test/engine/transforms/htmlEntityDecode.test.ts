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
/*EXTRA*/
});
