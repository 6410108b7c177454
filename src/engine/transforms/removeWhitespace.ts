import { isCSpace } from './bytes.js';
import type { TransformDefinition } from './types.js';

/** True for the bytes t:removeWhitespace deletes: C `isspace` and NBSP (0xA0). */
function isRemoved(c: number): boolean {
  return isCSpace(c) || c === 0xa0;
}

/**
 * t:removeWhitespace — delete every C `isspace` byte (space, \t, \n, \v, \f, \r) and
 * every 0xA0 (NBSP). Note that t:compressWhitespace does not treat 0xA0 as whitespace.
 */
export function removeWhitespace(input: string): string {
  const n = input.length;
  let i = 0;
  while (i < n && !isRemoved(input.charCodeAt(i))) i++;
  if (i === n) return input;
  const b = Buffer.from(input, 'latin1');
  let d = i;
  for (; i < n; i++) {
    const c = b[i]!;
    if (!isRemoved(c)) b[d++] = c;
  }
  return b.toString('latin1', 0, d);
}

export const removeWhitespaceTransform: TransformDefinition = { name: 'removeWhitespace', fn: removeWhitespace };
