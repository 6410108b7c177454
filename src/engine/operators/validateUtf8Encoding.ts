/**
 * `@validateUtf8Encoding`: true when the value is not valid UTF-8.
 *
 * The checks are libmodsecurity v3's (src/operators/validate_utf8_encoding.cc):
 * a lead byte 0x80-0xBF or 0xF8-0xFF, a missing or non-continuation byte, a
 * sequence cut short by the end of the value, an overlong form (including C0/C1
 * leads), a UTF-16 surrogate (U+D800-U+DFFF) and a lead byte 0xF5-0xF7 are all
 * invalid. One deviation: v3 means to restrict characters to U+10FFFF (its code
 * says so) but only tests the lead byte, so F4 90 80 80 (U+110000) and above pass
 * there; vpatch rejects them. The parameter is ignored.
 */
import type { OperatorDefinition } from './types.js';

function isContinuation(input: string, i: number): boolean {
  return (input.charCodeAt(i) & 0xc0) === 0x80;
}

export function isInvalidUtf8(input: string): boolean {
  const n = input.length;
  let i = 0;
  while (i < n) {
    const c = input.charCodeAt(i);
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c > 0xff) return true; // not a byte string
    let length: number;
    let min: number;
    let cp: number;
    if ((c & 0xe0) === 0xc0) {
      length = 2;
      min = 0x80;
      cp = c & 0x1f;
    } else if ((c & 0xf0) === 0xe0) {
      length = 3;
      min = 0x800;
      cp = c & 0x0f;
    } else if ((c & 0xf8) === 0xf0) {
      if (c >= 0xf5) return true;
      length = 4;
      min = 0x10000;
      cp = c & 0x07;
    } else {
      return true;
    }
    if (n - i < length) return true;
    for (let k = 1; k < length; k++) {
      if (!isContinuation(input, i + k)) return true;
      cp = (cp << 6) | (input.charCodeAt(i + k) & 0x3f);
    }
    if (cp < min) return true; // overlong
    if (cp >= 0xd800 && cp <= 0xdfff) return true; // surrogate
    if (cp > 0x10ffff) return true; // beyond Unicode (see the note above)
    i += length;
  }
  return false;
}

export const validateUtf8Encoding: OperatorDefinition = {
  name: 'validateUtf8Encoding',
  factory: () => ({ match: (input) => isInvalidUtf8(input) }),
};
