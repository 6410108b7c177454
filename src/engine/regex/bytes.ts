/**
 * Byte strings <-> the text RE2 sees. Bytes 0x80-0xFF become U+E080-U+E0FF (see emit.ts).
 * Most request values are pure ASCII: they pass through untouched after one scan.
 */
import { PUA_BASE } from './emit.js';

const HIGH = /[\x80-\xff]/;
const HIGH_G = /[\x80-\xff]/g;
const PUA_G = /[\ue080-\ue0ff]/g;

function toPua(c: string): string {
  return String.fromCharCode(c.charCodeAt(0) + PUA_BASE);
}

function fromPua(c: string): string {
  return String.fromCharCode(c.charCodeAt(0) - PUA_BASE);
}

// A one-entry cache: the engine tests the same value against many rules in a row.
let lastInput = '';
let lastMapped = '';

/** The RE2 subject for a byte string. */
export function toRe2Subject(input: string): string {
  if (input === lastInput) return lastMapped;
  const mapped = HIGH.test(input) ? input.replace(HIGH_G, toPua) : input;
  lastInput = input;
  lastMapped = mapped;
  return mapped;
}

/** Maps text that RE2 returned (a capture) back to bytes. */
export function fromRe2Text(text: string): string {
  return text.length === 0 || !/[\ue080-\ue0ff]/.test(text) ? text : text.replace(PUA_G, fromPua);
}
