import type { TransformDefinition } from './types.js';

/** t:base64Encode — standard base64 with `=` padding over all bytes (NULs included). */
export function base64Encode(input: string): string {
  return Buffer.from(input, 'latin1').toString('base64');
}

export const base64EncodeTransform: TransformDefinition = { name: 'base64Encode', fn: base64Encode };
