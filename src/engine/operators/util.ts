/**
 * Small helpers shared by the operator implementations.
 */
import { EngineError } from '../errors.js';
import type { Captures, Operator } from './types.js';

/** The load-time error for a parameter an operator cannot compile. */
export function badArgument(operator: string, reason: string): EngineError {
  return new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `@${operator}: ${reason}`);
}

/**
 * Record `value` as TX.0, the way ModSecurity v3's operators do with
 * `storeOrUpdateFirst("0", ...)`: only group 0 is written, nothing else.
 */
export function setCapture0(captures: Captures, value: string): void {
  captures.groups.length = 0;
  captures.groups.push(value);
}

/** `isspace()` in the C locale: space, \t, \n, \v, \f, \r. */
export function isCSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

/** A C string ends at its first NUL; libmodsecurity passes `c_str()` to C parsers. */
export function cString(value: string): string {
  const nul = value.indexOf('\0');
  return nul < 0 ? value : value.slice(0, nul);
}

/** Shows a parameter or value in an error message without flooding it. */
export function quote(value: string, max = 120): string {
  const shown = value.length > max ? value.slice(0, max) + '...' : value;
  return JSON.stringify(shown);
}

export const ALWAYS: Operator = Object.freeze({ match: () => true });
export const NEVER: Operator = Object.freeze({ match: () => false });
