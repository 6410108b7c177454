/**
 * `@lt N`: true when the value, read as an integer, is less than N. Both sides
 * go through C's `atoll` as in libmodsecurity v3 (src/operators/lt.cc): leading
 * whitespace is skipped, text after the digits is ignored, and a value without a
 * number counts as 0. The parameter is converted once, when the rule is compiled.
 */
import { atoll, compareInt } from './int-parse.js';
import type { OperatorDefinition } from './types.js';

export const lt: OperatorDefinition = {
  name: 'lt',
  factory: (param) => {
    const limit = atoll(param);
    return { match: (input) => compareInt(atoll(input), limit) < 0 };
  },
};
