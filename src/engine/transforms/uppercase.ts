import type { TransformDefinition } from './types.js';

/** Bytes that String#toUpperCase would change although "C" locale `toupper` keeps them. */
const LATIN1_LOWER = /[\xb5\xdf-\xff\u0100-\uffff]/;

/** t:uppercase — ASCII `a-z` to `A-Z`; every other byte unchanged ("C" locale `toupper`). */
export function uppercase(input: string): string {
  if (!LATIN1_LOWER.test(input)) return input.toUpperCase();
  const n = input.length;
  let i = 0;
  for (; i < n; i++) {
    const c = input.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) break;
  }
  if (i === n) return input;
  const b = Buffer.from(input, 'latin1');
  for (; i < n; i++) {
    const c = b[i]!;
    if (c >= 0x61 && c <= 0x7a) b[i] = c & 0xdf;
  }
  return b.toString('latin1');
}

export const uppercaseTransform: TransformDefinition = { name: 'uppercase', fn: uppercase };
