/**
 * `@verifyCC regex`: finds credit-card-number candidates with the regex and
 * matches when one passes the Luhn (mod 10) check; TX.0 receives that candidate
 * under `capture`. As in libmodsecurity v3 (src/operators/verify_cc.cc), only the
 * whole match is checked (not its groups), every digit in it counts and other
 * characters are ignored, and a candidate without digits fails.
 */
import type { OperatorDefinition } from './types.js';
import { compileVerifyRegex, verifyOperator } from './verify-regex.js';

/** Luhn check over the decimal digits of `text`, other characters ignored. */
export function luhnValid(text: string): boolean {
  let sum = 0;
  let digits = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) continue;
    let d = c - 0x30;
    if (digits % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    digits++;
  }
  return digits > 0 && sum % 10 === 0;
}

export const verifyCC: OperatorDefinition = {
  name: 'verifyCC',
  factory: (param) => verifyOperator(compileVerifyRegex('verifyCC', param), luhnValid, false, 1),
};
