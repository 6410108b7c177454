/**
 * `@containsWord word`: true when the parameter occurs in the value delimited on
 * both sides by the start or end of the value or by a character that is not an
 * ASCII letter. As in libmodsecurity v3 (src/operators/contains_word.cc), digits,
 * `_` and bytes above 0x7F count as delimiters, an empty parameter always matches,
 * and an empty value never matches a non-empty parameter. Every occurrence is
 * tried, not only the first.
 */
import type { OperatorDefinition } from './types.js';

function isAsciiLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

export function containsWordIn(input: string, word: string): boolean {
  if (word.length === 0) return true;
  const n = input.length;
  const m = word.length;
  let pos = input.indexOf(word);
  while (pos >= 0) {
    const before = pos === 0 || !isAsciiLetter(input.charCodeAt(pos - 1));
    const after = pos + m === n || !isAsciiLetter(input.charCodeAt(pos + m));
    if (before && after) return true;
    pos = input.indexOf(word, pos + 1);
  }
  return false;
}

export const containsWord: OperatorDefinition = {
  name: 'containsWord',
  factory: (param) => ({ match: (input) => containsWordIn(input, param) }),
};
