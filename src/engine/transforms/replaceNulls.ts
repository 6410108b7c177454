import type { TransformDefinition } from './types.js';

/** t:replaceNulls — replace every 0x00 byte with a space. */
export function replaceNulls(input: string): string {
  return input.indexOf('\0') === -1 ? input : input.replaceAll('\0', ' ');
}

export const replaceNullsTransform: TransformDefinition = { name: 'replaceNulls', fn: replaceNulls };
