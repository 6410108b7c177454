import { createHash } from 'node:crypto';
import type { TransformDefinition } from './types.js';

/** t:md5 — the raw 16-byte MD5 digest of the value's bytes, as a byte string (not hex). */
export function md5(input: string): string {
  return createHash('md5').update(input, 'latin1').digest().toString('latin1');
}

export const md5Transform: TransformDefinition = { name: 'md5', fn: md5 };
