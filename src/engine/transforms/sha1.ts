import { createHash } from 'node:crypto';
import type { TransformDefinition } from './types.js';

/** t:sha1 — the raw 20-byte SHA-1 digest of the value's bytes, as a byte string (not hex). */
export function sha1(input: string): string {
  return createHash('sha1').update(input, 'latin1').digest().toString('latin1');
}

export const sha1Transform: TransformDefinition = { name: 'sha1', fn: sha1 };
