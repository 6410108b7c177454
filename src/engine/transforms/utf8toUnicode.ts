import type { TransformDefinition } from './types.js';

const HEX = '0123456789abcdef';

/**
 * t:utf8toUnicode — libmodsecurity 3.0.x `Utf8ToUnicode::inplace`, including its handling
 * of invalid input (which CRS relies on implicitly):
 * - ASCII bytes are copied, except NUL bytes, which are dropped;
 * - a well-formed 2-, 3- or 4-byte sequence becomes `%uXXXX` (lower-case hex, at least four
 *   digits, e.g. `%u00e9`, `%u1f600`);
 * - a lead byte 0xC0-0xF7 whose continuation bytes are missing or wrong is dropped and
 *   decoding resumes at the next byte; a lead byte 0xF5-0xF7 is also copied raw first;
 * - continuation bytes 0x80-0xBF and 0xF8-0xFF met on their own are copied raw;
 * - after a decoded overlong form or a surrogate (U+D800-U+DFFF) the lead byte is appended
 *   raw (once for each of the two conditions).
 */
export function utf8toUnicode(input: string): string {
  const n = input.length;
  let i = 0;
  while (i < n) {
    const c = input.charCodeAt(i);
    if (c === 0 || c >= 0x80) break;
    i++;
  }
  if (i === n) return input;
  const b = Buffer.from(input, 'latin1');
  // Worst case is 3.5 output bytes per input byte (a 2-byte overlong form gives 7).
  const out = Buffer.allocUnsafe(i + (n - i) * 4);
  b.copy(out, 0, 0, i);
  let d = i;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      if (c !== 0) out[d++] = c;
      i++;
      continue;
    }
    if (c < 0xc0 || c >= 0xf8) {
      out[d++] = c;
      i++;
      continue;
    }
    let len: number;
    let cp: number;
    if (c < 0xe0) {
      len = 2;
      cp = c & 0x1f;
    } else if (c < 0xf0) {
      len = 3;
      cp = c & 0x0f;
    } else {
      len = 4;
      cp = c & 0x07;
      if (c >= 0xf5) out[d++] = c;
    }
    let ok = i + len <= n;
    for (let k = 1; ok && k < len; k++) {
      const cc = b[i + k]!;
      if ((cc & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (cc & 0x3f);
    }
    if (!ok) {
      i++;
      continue;
    }
    out[d++] = 0x25; // %
    out[d++] = 0x75; // u
    let digits = 4;
    if (cp > 0xfffff) digits = 6;
    else if (cp > 0xffff) digits = 5;
    for (let shift = (digits - 1) * 4; shift >= 0; shift -= 4) out[d++] = HEX.charCodeAt((cp >> shift) & 0xf);
    if (cp >= 0xd800 && cp <= 0xdfff) out[d++] = c;
    if ((len === 2 && cp < 0x80) || (len === 3 && cp < 0x800) || (len === 4 && cp < 0x10000)) out[d++] = c;
    i += len;
  }
  return out.toString('latin1', 0, d);
}

export const utf8toUnicodeTransform: TransformDefinition = { name: 'utf8toUnicode', fn: utf8toUnicode };
