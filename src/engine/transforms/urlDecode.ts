import { HEX_VALUE, fromBytes, toBytes } from './bytes.js';
import type { TransformDefinition } from './types.js';

/**
 * t:urlDecode — ModSecurity v3 `urldecode_nonstrict_inplace`: `+` becomes a space and
 * `%XX` with two valid hex digits becomes that byte. A `%` that does not start a valid
 * escape (bad digits, or fewer than two bytes left) is copied as is and decoding resumes
 * at the next byte, so `%%41` gives `%A`.
 */
export function urlDecode(input: string): string {
  if (input.indexOf('%') === -1 && input.indexOf('+') === -1) return input;
  const b = toBytes(input);
  const n = b.length;
  let d = 0;
  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (c === 0x25 /* % */) {
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
    } else {
      b[d++] = c === 0x2b /* + */ ? 0x20 : c;
      i++;
    }
  }
  return fromBytes(b, 0, d);
}

export const urlDecodeTransform: TransformDefinition = { name: 'urlDecode', fn: urlDecode };
