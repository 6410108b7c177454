/** `@beginsWith text`: true when the value starts with the parameter (case-sensitive). */
import type { OperatorDefinition } from './types.js';

export const beginsWith: OperatorDefinition = {
  name: 'beginsWith',
  factory: (param) => ({ match: (input) => input.startsWith(param) }),
};
