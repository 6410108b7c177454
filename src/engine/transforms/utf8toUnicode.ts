import type { TransformDefinition } from './types.js';

/** Append `%u` and the code point in lower-case hex, zero-padded to at least 4 digits. */
function pushCodePoint(out: number[], cp: number): void {
  out.push(0x25, 0x75); // "%u"
  const digits = cp.toString(16);
  for (let k = digits.length; k < 4; k++) out.push(0x30);
  for (let k = 0; k < digits.length; k++) out.push(digits.charCodeAt(k));
}

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
  const out: number[] = [];
  const parts: string[] = [input.slice(0, i)];
  const b = Buffer.from(input, 'latin1');
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      if (c !== 0) out.push(c);
      i++;
    } else if (c < 0xc0 || c >= 0xf8) {
      out.push(c);
      i++;
    } else {
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
        if (c >= 0xf5) out.push(c);
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
      pushCodePoint(out, cp);
      if (cp >= 0xd800 && cp <= 0xdfff) out.push(c);
      if ((len === 2 && cp < 0x80) || (len === 3 && cp < 0x800) || (len === 4 && cp < 0x10000)) out.push(c);
      i += len;
    }
    if (out.length >= 8192) {
      parts.push(String.fromCharCode.apply(null, out));
      out.length = 0;
    }
  }
  if (out.length > 0) parts.push(String.fromCharCode.apply(null, out));
  return parts.join('');
}

export const utf8toUnicodeTransform: TransformDefinition = { name: 'utf8toUnicode', fn: utf8toUnicode };
