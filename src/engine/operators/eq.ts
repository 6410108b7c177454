/**
 * `@eq N`: true when the value, read as an integer, equals N. Both sides go through
 * `std::stoi` as in libmodsecurity v3 (src/operators/eq.cc): leading whitespace is
 * skipped, text after the digits is ignored, and a value without a number, or one
 * outside the 32-bit range, counts as 0. The parameter is converted once.
 */
import { stoiOrZero } from './int-parse.js';
import type { OperatorDefinition } from './types.js';

export const eq: OperatorDefinition = {
  name: 'eq',
  factory: (param) => {
    const expected = stoiOrZero(param);
    return { match: (input) => stoiOrZero(input) === expected };
  },
};
