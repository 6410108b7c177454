import { HEX_VALUE, fromBytes, toBytes } from './bytes.js';
import type { Transform, TransformDefinition } from './types.js';

/**
 * A `SecUnicodeMapFile` table: index = code point 0x0000-0xFFFF, value = the byte it maps
 * to, or -1 for "not mapped". ModSecurity v3 initialises every entry to -1 and always maps
 * U+3002, U+FF61, U+FF0E and U+002E to `.` when a map file is configured.
 */
export type UnicodeMap = Int32Array;

/**
 * Build t:urlDecodeUni for an optional unicode map (ModSecurity v3 `UrlDecodeUni::inplace`).
 *
 * - `+` becomes a space; `%XX` (two valid hex digits) becomes that byte.
 * - `%uHHHH` / `%UHHHH` (four valid hex digits): with a map, a mapped code point becomes its
 *   mapped byte; otherwise the low byte is used, and for U+FF01-U+FF5E (full-width ASCII,
 *   high byte `ff` and low byte 0x01-0x5E) 0x20 is added, so `%uff41` gives `a`.
 * - An invalid or truncated `%u` escape copies `%u` and resumes after it; any other invalid
 *   `%` is copied alone and decoding resumes at the next byte.
 */
export function makeUrlDecodeUni(map: UnicodeMap | null): Transform {
  return (input: string): string => {
    if (input.indexOf('%') === -1 && input.indexOf('+') === -1) return input;
    const b = toBytes(input);
    const n = b.length;
    let d = 0;
    let i = 0;
    while (i < n) {
      const c = b[i]!;
      if (c !== 0x25 /* % */) {
        b[d++] = c === 0x2b /* + */ ? 0x20 : c;
        i++;
        continue;
      }
      if (i + 1 < n && (b[i + 1] === 0x75 /* u */ || b[i + 1] === 0x55 /* U */)) {
        if (i + 5 < n) {
          const h1 = HEX_VALUE[b[i + 2]!]!;
          const h2 = HEX_VALUE[b[i + 3]!]!;
          const h3 = HEX_VALUE[b[i + 4]!]!;
          const h4 = HEX_VALUE[b[i + 5]!]!;
          if (h1 >= 0 && h2 >= 0 && h3 >= 0 && h4 >= 0) {
            const mapped = map === null ? -1 : map[(h1 << 12) | (h2 << 8) | (h3 << 4) | h4]!;
            if (mapped !== -1) {
              b[d++] = mapped & 0xff;
            } else {
              let low = (h3 << 4) | h4;
              if (low > 0x00 && low < 0x5f && h1 === 0xf && h2 === 0xf) low += 0x20;
              b[d++] = low;
            }
            i += 6;
            continue;
          }
        }
        // Invalid or truncated %u escape: keep "%u" and go on after it.
        b[d++] = b[i++]!;
        b[d++] = b[i++]!;
        continue;
      }
      if (i + 2 < n) {
        const h = HEX_VALUE[b[i + 1]!]!;
        const l = HEX_VALUE[b[i + 2]!]!;
        if (h >= 0 && l >= 0) {
          b[d++] = (h << 4) | l;
          i += 3;
          continue;
        }
      }
      b[d++] = c;
      i++;
    }
    return fromBytes(b, 0, d);
  };
}

/** t:urlDecodeUni without a unicode map (the default; CRS configures none). */
export const urlDecodeUni: Transform = makeUrlDecodeUni(null);

export const urlDecodeUniTransform: TransformDefinition = { name: 'urlDecodeUni', fn: urlDecodeUni };
