import { isCSpace } from './bytes.js';
import type { TransformDefinition } from './types.js';

/** 1 for the bytes t:removeWhitespace deletes: C `isspace`, 0xA0 and 0xC2. */
const REMOVED: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = isCSpace(c) || c === 0xa0 || c === 0xc2 ? 1 : 0;
  return t;
})();

function isRemoved(c: number): boolean {
  return REMOVED[c & 0xff] === 1 && c <= 0xff;
}

/**
 * t:removeWhitespace — delete every C `isspace` byte (space, \t, \n, \v, \f, \r), every
 * 0xA0 and every 0xC2. libmodsecurity 3.0.x removes the two bytes of a UTF-8 no-break space
 * (C2 A0) by deleting each of them wherever it occurs, so `\xc2\xa1` gives `\xa1`; vpatch
 * keeps that (see docs/transformations.md). t:compressWhitespace treats neither as space.
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
