import { isCSpace } from './bytes.js';
import type { TransformDefinition } from './types.js';

/** Index of the first byte that is not C `isspace` (space, \t, \n, \v, \f, \r). */
export function trimStartIndex(s: string): number {
  let i = 0;
  const n = s.length;
  while (i < n && isCSpace(s.charCodeAt(i))) i++;
  return i;
}

/** One past the last byte that is not C `isspace`, never below `from`. */
export function trimEndIndex(s: string, from: number): number {
  let e = s.length;
  while (e > from && isCSpace(s.charCodeAt(e - 1))) e--;
  return e;
}

/** t:trim — remove leading and trailing whitespace (C `isspace`; NUL and 0xA0 are kept). */
export function trim(input: string): string {
  const s = trimStartIndex(input);
  const e = trimEndIndex(input, s);
  return s === 0 && e === input.length ? input : input.slice(s, e);
}

export const trimTransform: TransformDefinition = { name: 'trim', fn: trim };
