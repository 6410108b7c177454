/**
 * Byte-level helpers shared by the transformations. Every value is a byte string: a JS
 * string whose code units are 0x00-0xFF (see types.ts). Table lookups mask with 0xFF so a
 * stray code unit above 0xFF can never index outside a table (transformations are total).
 */

/** Hex digit value of a byte, or -1 when it is not `[0-9A-Fa-f]`. */
export const HEX_VALUE: Int8Array = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let c = 0x30; c <= 0x39; c++) t[c] = c - 0x30;
  for (let c = 0x41; c <= 0x46; c++) t[c] = c - 0x41 + 10;
  for (let c = 0x61; c <= 0x66; c++) t[c] = c - 0x61 + 10;
  return t;
})();

/** C `isspace` in the "C" locale: space, \t, \n, \v, \f, \r. */
export function isCSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** C `isdigit`. */
export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** C `isalnum` in the "C" locale. */
export function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/**
 * ModSecurity's `xsingle2c`: the value of one "hex digit" computed arithmetically, without
 * validation (`c >= 'A' ? (c & 0xdf) - 'A' + 10 : c - '0'`), truncated to a byte. Callers
 * that validated the digit get the usual value; t:hexDecode relies on the unvalidated form.
 */
export function xsingle2c(c: number): number {
  return (c >= 0x41 ? (c & 0xdf) - 0x41 + 10 : c - 0x30) & 0xff;
}

/** ModSecurity's `x2c`: two "hex digits" to one byte, unvalidated, modulo 256. */
export function x2c(hi: number, lo: number): number {
  return ((xsingle2c(hi) << 4) + xsingle2c(lo)) & 0xff;
}

/** Lower-case hex digits, as ModSecurity's `c2x` writes them. */
export const HEX_DIGITS_LOWER = '0123456789abcdef';

/** The bytes of a byte string (code units above 0xFF keep their low byte). */
export function toBytes(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

/** Byte string of `buf[start, end)`. */
export function fromBytes(buf: Buffer, start: number, end: number): string {
  return buf.toString('latin1', start, end);
}
