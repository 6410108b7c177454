import { trimStartIndex } from './trim.js';
import type { TransformDefinition } from './types.js';

/** t:trimLeft — remove leading whitespace (C `isspace`). */
export function trimLeft(input: string): string {
  const s = trimStartIndex(input);
  return s === 0 ? input : input.slice(s);
}

export const trimLeftTransform: TransformDefinition = { name: 'trimLeft', fn: trimLeft };
