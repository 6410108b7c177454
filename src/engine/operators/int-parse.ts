/**
 * The integer conversions libmodsecurity v3 applies to both sides of the numeric
 * comparison operators. `@eq` uses `std::stoi` (32-bit, 0 when the text has no
 * number or it does not fit); `@gt @ge @lt @le` use `atoll` (64-bit, saturating,
 * 0 when there is no number). Both skip leading C whitespace, accept one sign and
 * stop at the first non-digit. Conversions allocate only for values beyond 2^53.
 */
import { isCSpace } from './util.js';

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
/** Up to this many digits the value is exact in a double. */
const SAFE_DIGITS = 15;

function digitsEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    i++;
  }
  return i;
}

/** C's `atoll` (glibc: strtoll, saturating at the 64-bit limits). */
export function atoll(text: string): number | bigint {
  // Fast path without the helper object for the common short decimal.
  let i = 0;
  const n = text.length;
  while (i < n && isCSpace(text.charCodeAt(i))) i++;
  let negative = false;
  let c = text.charCodeAt(i);
  if (c === 0x2d || c === 0x2b) {
    negative = c === 0x2d;
    i++;
  }
  const start = i;
  let value = 0;
  while (i < n) {
    c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    if (i - start >= SAFE_DIGITS) return atollBig(text, start, negative);
    value = value * 10 + (c - 0x30);
    i++;
  }
  return negative ? 0 - value : value;
}

function atollBig(text: string, start: number, negative: boolean): number | bigint {
  let value = BigInt(text.slice(start, digitsEnd(text, start)));
  if (negative) value = -value;
  if (value > INT64_MAX) value = INT64_MAX;
  if (value < INT64_MIN) value = INT64_MIN;
  return Number.isSafeInteger(Number(value)) ? Number(value) : value;
}

/** `std::stoi` as v3's `@eq` calls it: 0 when there is no number or it is out of `int` range. */
export function stoiOrZero(text: string): number {
  let i = 0;
  const n = text.length;
  while (i < n && isCSpace(text.charCodeAt(i))) i++;
  let negative = false;
  const sign = text.charCodeAt(i);
  if (sign === 0x2d || sign === 0x2b) {
    negative = sign === 0x2d;
    i++;
  }
  const start = i;
  let value = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    value = value * 10 + (c - 0x30);
    if (value > 2 ** 32) return 0; // out of range either way
    i++;
  }
  if (i === start) return 0;
  if (negative) value = 0 - value;
  if (value > INT32_MAX || value < INT32_MIN) return 0;
  return value;
}

/** Compare two results of `atoll`; number and bigint compare exactly. */
export function compareInt(a: number | bigint, b: number | bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
