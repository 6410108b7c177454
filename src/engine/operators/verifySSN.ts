/**
 * `@verifySSN regex`: finds US social security number candidates with the regex
 * and matches when one is plausible. The checks are libmodsecurity v3's
 * (src/operators/verify_ssn.cc): exactly nine digits (other characters ignored),
 * not all equal and not an ascending run, area, group and serial all non-zero,
 * area below 740 and not 666. Every capture group of a match is a candidate, as in
 * v3; TX.0 receives the accepted one under `capture`. (v3 reruns the regex on every
 * suffix of the value; see docs/operators.md for how vpatch searches.)
 */
import type { OperatorDefinition } from './types.js';
import { compileVerifyRegex, verifyOperator } from './verify-regex.js';

const digits = new Int8Array(9);

export function ssnValid(text: string): boolean {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) continue;
    if (count < 9) digits[count] = c - 0x30;
    count++;
  }
  if (count !== 9) return false;
  let ascending = 0;
  let repeated = 0;
  for (let i = 0; i < 8; i++) {
    if (digits[i] === digits[i + 1]! - 1) ascending++;
    if (digits[i] === digits[i + 1]) repeated++;
  }
  if (ascending === 8 || repeated === 8) return false;
  const area = digits[0]! * 100 + digits[1]! * 10 + digits[2]!;
  const group = digits[3]! * 10 + digits[4]!;
  const serial = digits[5]! * 1000 + digits[6]! * 100 + digits[7]! * 10 + digits[8]!;
  if (area === 0 || group === 0 || serial === 0) return false;
  if (area >= 740 || area === 666) return false;
  return true;
}

export const verifySSN: OperatorDefinition = {
  name: 'verifySSN',
  factory: (param) => verifyOperator(compileVerifyRegex('verifySSN', param), ssnValid, true, 2),
};
