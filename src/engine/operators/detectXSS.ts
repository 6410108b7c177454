/**
 * `@detectXSS`: XSS detection with an HTML tokenizer (see src/engine/detect/xss/).
 * The parameter is ignored. On a match with `capture`, ModSecurity v3 stores the whole
 * inspected value in TX.0; so does this operator.
 */
import { isXss } from '../detect/xss/index.js';
import type { Captures, OperatorDefinition } from './types.js';

export const detectXSS: OperatorDefinition = {
  name: 'detectXSS',
  factory: () => ({
    match(input: string, captures: Captures | null): boolean {
      if (!isXss(input)) return false;
      if (captures !== null) captures.groups[0] = input;
      return true;
    },
  }),
};
