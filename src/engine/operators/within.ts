/**
 * `@within text`: true when the value occurs anywhere in the parameter, a plain
 * substring test (it does not split the parameter into tokens). An empty value is
 * within anything. libmodsecurity v3, src/operators/within.cc.
 */
import type { OperatorDefinition } from './types.js';

export const within: OperatorDefinition = {
  name: 'within',
  factory: (param) => ({ match: (input) => input.length === 0 || param.includes(input) }),
};
