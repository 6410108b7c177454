/**
 * `@verifyCPF regex`: finds Brazilian CPF candidates with the regex and matches
 * when one has valid check digits. As in libmodsecurity v3
 * (src/operators/verify_cpf.cc): the first eleven digits are used (other
 * characters are ignored, fewer than eleven fail, reading stops at a NUL byte), the
 * eleven repeated-digit numbers and 01234567890 are rejected, and both mod-11 check
 * digits must agree. Every capture group of a match is a candidate; TX.0 receives
 * the accepted one under `capture`.
 */
import type { OperatorDefinition } from './types.js';
import { compileVerifyRegex, verifyOperator } from './verify-regex.js';

const cpf = new Int8Array(11);

export function cpfValid(text: string): boolean {
  let count = 0;
  for (let i = 0; i < text.length && count < 11; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) break;
    if (c >= 0x30 && c <= 0x39) cpf[count++] = c - 0x30;
  }
  if (count !== 11) return false;
  let same = true;
  let sequence = cpf[10] === 0; // 01234567890
  for (let i = 0; i < 11; i++) {
    if (cpf[i] !== cpf[0]) same = false;
    if (i < 10 && cpf[i] !== i) sequence = false;
  }
  if (same || sequence) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += cpf[i]! * (10 - i);
  let factor = sum % 11;
  const check1 = factor < 2 ? 0 : 11 - factor;
  sum = check1 * 2;
  for (let i = 0; i < 9; i++) sum += cpf[i]! * (11 - i);
  factor = sum % 11;
  const check2 = factor < 2 ? 0 : 11 - factor;
  return cpf[9] === check1 && cpf[10] === check2;
}

export const verifyCPF: OperatorDefinition = {
  name: 'verifyCPF',
  factory: (param) => verifyOperator(compileVerifyRegex('verifyCPF', param), cpfValid, true, 2),
};
