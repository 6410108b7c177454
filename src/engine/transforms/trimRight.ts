import { trimEndIndex } from './trim.js';
import type { TransformDefinition } from './types.js';

/** t:trimRight — remove trailing whitespace (C `isspace`). */
export function trimRight(input: string): string {
  const e = trimEndIndex(input, 0);
  return e === input.length ? input : input.slice(0, e);
}

export const trimRightTransform: TransformDefinition = { name: 'trimRight', fn: trimRight };
