/**
 * `@contains text`: true when the parameter occurs in the value (case-sensitive).
 * An empty parameter matches every value. As in v3, TX.0 is not set under
 * `capture` (v3 only logs the match offset).
 */
import type { OperatorDefinition } from './types.js';

export const contains: OperatorDefinition = {
  name: 'contains',
  factory: (param) => ({ match: (input) => input.includes(param) }),
};
