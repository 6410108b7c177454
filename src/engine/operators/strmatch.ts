/**
 * `@strmatch text`: true when the parameter occurs in the value (case-sensitive).
 * libmodsecurity v3 implements it as a plain substring search, like `@contains`;
 * the Snort-style `|hex|` notation ModSecurity v2 documented is not decoded by v3,
 * and is not decoded here either.
 */
import type { OperatorDefinition } from './types.js';

export const strmatch: OperatorDefinition = {
  name: 'strmatch',
  factory: (param) => ({ match: (input) => input.includes(param) }),
};
