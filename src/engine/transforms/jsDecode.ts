import { HEX_VALUE, fromBytes, toBytes } from './bytes.js';
import type { TransformDefinition } from './types.js';

/**
 * t:jsDecode — ModSecurity v3 `JsDecode::inplace`, JavaScript escapes:
 * - `\uHHHH` (lower-case `u`, four hex digits): the low byte; for U+FF01-U+FF5E (full-width
 *   ASCII) 0x20 is added, so `\uff41` gives `a`;
 * - `\xHH` (lower-case `x`, two hex digits): that byte;
 * - `\` + 1-3 octal digits: that value, using only two digits when three would exceed 0377;
 * - `\a \b \f \n \r \t \v`: the control character; `\` + any other byte: that byte (so an
 *   invalid `\x` or `\u` escape loses its backslash);
 * - a lone `\` at the very end is kept.
 */
export function jsDecode(input: string): string {
  const first = input.indexOf('\\');
  if (first === -1) return input;
  const b = toBytes(input);
  const n = b.length;
  let d = first;
  let i = first;
  while (i < n) {
    const c = b[i]!;
    if (c !== 0x5c /* \ */) {
      b[d++] = c;
      i++;
      continue;
    }
    if (i + 1 >= n) {
      // Not enough bytes: copy what is left (the backslash).
      b[d++] = c;
      i++;
      continue;
    }
    const e = b[i + 1]!;
    if (e === 0x75 /* u */ && i + 5 < n) {
      const h1 = HEX_VALUE[b[i + 2]!]!;
      const h2 = HEX_VALUE[b[i + 3]!]!;
      const h3 = HEX_VALUE[b[i + 4]!]!;
      const h4 = HEX_VALUE[b[i + 5]!]!;
      if (h1 >= 0 && h2 >= 0 && h3 >= 0 && h4 >= 0) {
        let v = (h3 << 4) | h4;
        if (v > 0x00 && v < 0x5f && h1 === 0xf && h2 === 0xf) v += 0x20;
        b[d++] = v;
        i += 6;
        continue;
      }
    }
    if (e === 0x78 /* x */ && i + 3 < n) {
      const h = HEX_VALUE[b[i + 2]!]!;
      const l = HEX_VALUE[b[i + 3]!]!;
      if (h >= 0 && l >= 0) {
        b[d++] = (h << 4) | l;
        i += 4;
        continue;
      }
    }
    if (e >= 0x30 && e <= 0x37) {
      // Up to three octal digits; the third only while the value stays within a byte.
      let j = 1;
      let v = e - 0x30;
      while (j < 3 && i + 1 + j < n) {
        const o = b[i + 1 + j]!;
        if (o < 0x30 || o > 0x37) break;
        if (j === 2 && e > 0x33) break;
        v = (v << 3) | (o - 0x30);
        j++;
      }
      b[d++] = v & 0xff;
      i += 1 + j;
      continue;
    }
    let out = e;
    switch (e) {
      case 0x61: out = 0x07; break; // \a
      case 0x62: out = 0x08; break; // \b
      case 0x66: out = 0x0c; break; // \f
      case 0x6e: out = 0x0a; break; // \n
      case 0x72: out = 0x0d; break; // \r
      case 0x74: out = 0x09; break; // \t
      case 0x76: out = 0x0b; break; // \v
    }
    b[d++] = out;
    i += 2;
  }
  return fromBytes(b, 0, d);
}

export const jsDecodeTransform: TransformDefinition = { name: 'jsDecode', fn: jsDecode };
