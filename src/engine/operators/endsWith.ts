/** `@endsWith text`: true when the value ends with the parameter (case-sensitive). */
import type { OperatorDefinition } from './types.js';

export const endsWith: OperatorDefinition = {
  name: 'endsWith',
  factory: (param) => ({ match: (input) => input.endsWith(param) }),
};
