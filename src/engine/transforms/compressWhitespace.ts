import { isCSpace } from './bytes.js';
import type { TransformDefinition } from './types.js';

/**
 * t:compressWhitespace — every run of C `isspace` bytes (space, \t, \n, \v, \f, \r)
 * becomes one space. Unlike t:removeWhitespace, 0xA0 (NBSP) and 0xC2 are ordinary bytes
 * here, as in libmodsecurity 3.0.9 (its NBSP test never matches).
 */
export function compressWhitespace(input: string): string {
  const n = input.length;
  // Fast path: no whitespace other than single spaces between non-space bytes.
  let i = 0;
  for (; i < n; i++) {
    const c = input.charCodeAt(i);
    if (isCSpace(c) && (c !== 0x20 || (i + 1 < n && isCSpace(input.charCodeAt(i + 1))))) break;
  }
  if (i === n) return input;
  const b = Buffer.from(input, 'latin1');
  let d = i;
  let inSpace = false;
  for (; i < n; i++) {
    const c = b[i]!;
    if (isCSpace(c)) {
      if (!inSpace) {
        b[d++] = 0x20;
        inSpace = true;
      }
    } else {
      b[d++] = c;
      inSpace = false;
    }
  }
  return b.toString('latin1', 0, d);
}

export const compressWhitespaceTransform: TransformDefinition = { name: 'compressWhitespace', fn: compressWhitespace };
