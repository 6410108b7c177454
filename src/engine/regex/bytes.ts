/**
 * Byte strings <-> what RE2 sees. Bytes 0x80-0xFF become U+E080-U+E0FF (see emit.ts).
 *
 * Two subject forms, each cached (the engine tests one value against many rules, and every
 * RE2 object would otherwise convert it again):
 * - a UTF-8 Buffer, for test(): built once per value (cache in literal-index.ts) and shared
 *   by all patterns, so RE2 reads it without any per-pattern conversion;
 * - a JS string with PUA code points, for exec(): RE2 then reports offsets in UTF-16 code
 *   units, which are the byte offsets of the original value.
 */
import { PUA_BASE } from './emit.js';

/** Any code unit that is not ASCII. Code units above 0xFF are not bytes; like Buffer's latin1
 * encoding (and ModSecurity's test runner) the layer keeps their low 8 bits. */
const HIGH = /[^\x00-\x7f]/;
const utf16 = new TextDecoder('utf-16le');

let lastStringIn = '';
let lastStringOut = '';

/** The RE2 string subject for a byte string. */
export function toRe2Subject(input: string): string {
  if (input === lastStringIn) return lastStringOut;
  let mapped = input;
  if (HIGH.test(input)) {
    const bytes = Buffer.from(input, 'latin1');
    const units = new Uint16Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      units[i] = b < 0x80 ? b : b + PUA_BASE;
    }
    mapped = utf16.decode(units);
  }
  lastStringIn = input;
  lastStringOut = mapped;
  return mapped;
}

/** The RE2 UTF-8 Buffer subject for a byte string (not cached; see literal-index.ts). */
export function toRe2Buffer(input: string): Buffer {
  let out: Buffer;
  if (!HIGH.test(input)) {
    out = Buffer.from(input, 'latin1');
  } else {
    const bytes = Buffer.from(input, 'latin1');
    let high = 0;
    for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) high++;
    out = Buffer.allocUnsafe(bytes.length + 2 * high);
    let o = 0;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (b < 0x80) {
        out[o++] = b;
      } else {
        // U+E080..U+E0FF in UTF-8: EE 82 80 .. EE 83 BF
        out[o++] = 0xee;
        out[o++] = 0x82 + (b >> 6) - 2;
        out[o++] = 0x80 | (b & 0x3f);
      }
    }
  }
  return out;
}
