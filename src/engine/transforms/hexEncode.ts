import type { TransformDefinition } from './types.js';

/** t:hexEncode — every byte becomes two lower-case hex digits. */
export function hexEncode(input: string): string {
  return Buffer.from(input, 'latin1').toString('hex');
}

export const hexEncodeTransform: TransformDefinition = { name: 'hexEncode', fn: hexEncode };
