/**
 * `@streq text`: true when the value equals the parameter exactly (case-sensitive,
 * byte for byte). v3 does not set TX.0 for this operator, even under `capture`.
 */
import type { OperatorDefinition } from './types.js';

export const streq: OperatorDefinition = {
  name: 'streq',
  factory: (param) => ({ match: (input) => input === param }),
};
