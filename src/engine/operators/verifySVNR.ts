/**
 * `@verifySVNR regex`: finds Austrian social insurance numbers
 * (Sozialversicherungsnummer) with the regex and matches when one has a valid
 * check digit. As in libmodsecurity v3 (src/operators/verify_svnr.cc): the first
 * ten digits are used (fewer fail, reading stops at a NUL byte), the check digit is
 * the fourth digit, weights 3 7 9 _ 5 8 4 2 1 6, sum mod 11 (10 counts as 0).
 * Repeated-digit numbers, 0123456789 and 1234567890 are rejected; v3's list also
 * names 8888888888 and 9999999999 but its loop stops before them, so v3 accepts
 * those two; vpatch rejects them. Every capture group of a match is a candidate;
 * TX.0 receives the accepted one under `capture`.
 */
import type { OperatorDefinition } from './types.js';
import { compileVerifyRegex, verifyOperator } from './verify-regex.js';

const svnr = new Int8Array(10);
const WEIGHTS = [3, 7, 9, 0, 5, 8, 4, 2, 1, 6] as const;

export function svnrValid(text: string): boolean {
  let count = 0;
  for (let i = 0; i < text.length && count < 10; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) break;
    if (c >= 0x30 && c <= 0x39) svnr[count++] = c - 0x30;
  }
  if (count !== 10) return false;
  let same = true;
  let up0 = true; // 0123456789
  let up1 = true; // 1234567890
  for (let i = 0; i < 10; i++) {
    if (svnr[i] !== svnr[0]) same = false;
    if (svnr[i] !== i) up0 = false;
    if (svnr[i] !== (i + 1) % 10) up1 = false;
  }
  if (same || up0 || up1) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += svnr[i]! * WEIGHTS[i]!;
  sum %= 11;
  if (sum === 10) sum = 0;
  return sum === svnr[3];
}

export const verifySVNR: OperatorDefinition = {
  name: 'verifySVNR',
  factory: (param) => verifyOperator(compileVerifyRegex('verifySVNR', param), svnrValid, true, 2),
};
