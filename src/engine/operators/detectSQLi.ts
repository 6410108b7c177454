/**
 * `@detectSQLi`: SQL injection detection by token fingerprint (see src/engine/detect/sqli/).
 * The parameter is ignored. On a match the fingerprint goes to capture group 0 (TX.0), as
 * ModSecurity v3 does.
 */
import { detectSqli } from '../detect/sqli/index.js';
import type { Captures, OperatorDefinition } from './types.js';

export const detectSQLi: OperatorDefinition = {
  name: 'detectSQLi',
  factory: () => ({
    match(input: string, captures: Captures | null): boolean {
      const r = detectSqli(input);
      if (!r.isInjection) return false;
      if (captures !== null) captures.groups[0] = r.fingerprint;
      return true;
    },
  }),
};
