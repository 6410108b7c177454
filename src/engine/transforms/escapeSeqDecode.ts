import { HEX_VALUE, fromBytes, toBytes } from './bytes.js';
import type { TransformDefinition } from './types.js';

/**
 * t:escapeSeqDecode — ModSecurity v3 `ansi_c_sequences_decode_inplace`, ANSI C escapes:
 * - `\a \b \f \n \r \t \v \\ \? \' \"`: the character;
 * - `\xHH` / `\XHH` (two hex digits): that byte;
 * - `\` + 1-3 octal digits: that value modulo 256 (`\666` gives 0xB6);
 * - `\` + any other byte: that byte, without the backslash (so `\8` gives `8` and an
 *   invalid `\xZZ` gives `xZZ`);
 * - a lone `\` at the very end is kept.
 */
export function escapeSeqDecode(input: string): string {
  const first = input.indexOf('\\');
  if (first === -1) return input;
  const b = toBytes(input);
  const n = b.length;
  let d = first;
  let i = first;
  while (i < n) {
    const c = b[i]!;
    if (c !== 0x5c || i + 1 >= n) {
      b[d++] = c;
      i++;
      continue;
    }
    const e = b[i + 1]!;
    let out = -1;
    switch (e) {
      case 0x61: out = 0x07; break; // \a
      case 0x62: out = 0x08; break; // \b
      case 0x66: out = 0x0c; break; // \f
      case 0x6e: out = 0x0a; break; // \n
      case 0x72: out = 0x0d; break; // \r
      case 0x74: out = 0x09; break; // \t
      case 0x76: out = 0x0b; break; // \v
      case 0x5c: out = 0x5c; break; // \\
      case 0x3f: out = 0x3f; break; // \?
      case 0x27: out = 0x27; break; // \'
      case 0x22: out = 0x22; break; // \"
    }
    if (out !== -1) {
      b[d++] = out;
      i += 2;
      continue;
    }
    if (e === 0x78 || e === 0x58 /* x X */) {
      if (i + 3 < n) {
        const h = HEX_VALUE[b[i + 2]!]!;
        const l = HEX_VALUE[b[i + 3]!]!;
        if (h >= 0 && l >= 0) {
          b[d++] = (h << 4) | l;
          i += 4;
          continue;
        }
      }
    } else if (e >= 0x30 && e <= 0x37) {
      let j = 1;
      let v = e - 0x30;
      while (j < 3 && i + 1 + j < n) {
        const o = b[i + 1 + j]!;
        if (o < 0x30 || o > 0x37) break;
        v = (v << 3) | (o - 0x30);
        j++;
      }
      b[d++] = v & 0xff;
      i += 1 + j;
      continue;
    }
    // Unrecognised escape: keep the escaped byte, drop the backslash.
    b[d++] = e;
    i += 2;
  }
  return fromBytes(b, 0, d);
}

export const escapeSeqDecodeTransform: TransformDefinition = { name: 'escapeSeqDecode', fn: escapeSeqDecode };
