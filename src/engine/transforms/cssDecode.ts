import { HEX_VALUE, fromBytes, isCSpace, toBytes } from './bytes.js';
import type { TransformDefinition } from './types.js';

/**
 * t:cssDecode — ModSecurity v3 `CssDecode::css_decode_inplace` (CSS 2 escapes):
 * - `\` + 1-6 hex digits: only the last two digits are used (one digit: its value); for
 *   four digits, and for five or six digits whose leading digits are `0` / `00`, the
 *   full-width ASCII range U+FF01-U+FF5E gets 0x20 added (`\ff41` gives `a`). One
 *   whitespace byte (C `isspace`) after a hex escape is swallowed;
 * - `\` + newline: both removed (line continuation);
 * - `\` + any other byte: that byte;
 * - a lone `\` at the very end is removed.
 * NUL bytes are ordinary bytes (libmodsecurity 3.0.9 cut the result at the first NUL; see
 * docs/transformations.md).
 */
export function cssDecode(input: string): string {
  const first = input.indexOf('\\');
  if (first === -1) return input;
  const b = toBytes(input);
  const n = b.length;
  let d = first;
  let i = first;
  while (i < n) {
    const c = b[i]!;
    if (c !== 0x5c) {
      b[d++] = c;
      i++;
      continue;
    }
    if (i + 1 >= n) {
      // Backslash at the end: continuation to nothing.
      i++;
      continue;
    }
    i++; // skip the backslash
    let j = 0;
    while (j < 6 && i + j < n && HEX_VALUE[b[i + j]!]! >= 0) j++;
    if (j > 0) {
      let v: number;
      let fullCheck = false;
      if (j === 1) {
        v = HEX_VALUE[b[i]!]!;
      } else {
        v = (HEX_VALUE[b[i + j - 2]!]! << 4) | HEX_VALUE[b[i + j - 1]!]!;
        if (j === 4) fullCheck = true;
        else if (j === 5) fullCheck = b[i] === 0x30;
        else if (j === 6) fullCheck = b[i] === 0x30 && b[i + 1] === 0x30;
      }
      if (
        fullCheck &&
        v > 0x00 &&
        v < 0x5f &&
        (b[i + j - 3]! | 0x20) === 0x66 /* f */ &&
        (b[i + j - 4]! | 0x20) === 0x66
      ) {
        v += 0x20;
      }
      b[d++] = v;
      // A single whitespace after a hex escape is ignored.
      if (i + j < n && isCSpace(b[i + j]!)) j++;
      i += j;
    } else if (b[i] === 0x0a) {
      i++;
    } else {
      b[d++] = b[i++]!;
    }
  }
  return fromBytes(b, 0, d);
}

export const cssDecodeTransform: TransformDefinition = { name: 'cssDecode', fn: cssDecode };
