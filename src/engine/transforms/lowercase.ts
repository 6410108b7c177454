import type { TransformDefinition } from './types.js';

/** Latin-1 capitals that String#toLowerCase would fold but "C" locale `tolower` keeps. */
const LATIN1_UPPER = /[\xc0-\xd6\xd8-\xde\u0100-\uffff]/;

/**
 * t:lowercase — ASCII `A-Z` to `a-z`; every other byte unchanged (ModSecurity uses
 * `tolower` in the "C" locale, so bytes >= 0x80 are not folded).
 */
export function lowercase(input: string): string {
  if (!LATIN1_UPPER.test(input)) return input.toLowerCase();
  const n = input.length;
  let i = 0;
  for (; i < n; i++) {
    const c = input.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) break;
  }
  if (i === n) return input;
  const b = Buffer.from(input, 'latin1');
  for (; i < n; i++) {
    const c = b[i]!;
    if (c >= 0x41 && c <= 0x5a) b[i] = c | 0x20;
  }
  return b.toString('latin1');
}

export const lowercaseTransform: TransformDefinition = { name: 'lowercase', fn: lowercase };
