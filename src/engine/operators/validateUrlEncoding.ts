/**
 * `@validateUrlEncoding`: true when the value has a malformed percent-escape: a `%`
 * not followed by two hex digits, including a `%` in the last two bytes. An empty
 * value is valid. The parameter is ignored. (libmodsecurity v3,
 * src/operators/validate_url_encoding.cc.)
 */
import type { OperatorDefinition } from './types.js';

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

export function hasInvalidUrlEncoding(input: string): boolean {
  const n = input.length;
  let i = 0;
  while (i < n) {
    if (input.charCodeAt(i) === 0x25) {
      if (i + 2 >= n) return true;
      if (!isHex(input.charCodeAt(i + 1)) || !isHex(input.charCodeAt(i + 2))) return true;
      i += 3;
    } else {
      i++;
    }
  }
  return false;
}

export const validateUrlEncoding: OperatorDefinition = {
  name: 'validateUrlEncoding',
  factory: () => ({ match: (input) => hasInvalidUrlEncoding(input) }),
};
