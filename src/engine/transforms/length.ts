import type { TransformDefinition } from './types.js';

/** t:length — the value's length in bytes, as decimal digits. */
export function length(input: string): string {
  return String(input.length);
}

export const lengthTransform: TransformDefinition = { name: 'length', fn: length };
