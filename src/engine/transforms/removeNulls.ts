import type { TransformDefinition } from './types.js';

/** t:removeNulls — delete every 0x00 byte. */
export function removeNulls(input: string): string {
  return input.indexOf('\0') === -1 ? input : input.split('\0').join('');
}

export const removeNullsTransform: TransformDefinition = { name: 'removeNulls', fn: removeNulls };
