/**
 * Shared core of t:parityEven7bit / t:parityOdd7bit / t:parityZero7bit. Bit 7 of each byte
 * is replaced: with the even / odd parity bit, or with 0.
 *
 * As in ModSecurity (v2 and v3), the parity is computed over all 8 bits of the input byte,
 * the old bit 7 included: for 7-bit input this is the parity of the 7 data bits; for a
 * byte >= 0x80 it differs (0xBF has seven 1 bits, so parityEven7bit keeps it as 0xBF).
 */

function popcountOdd(c: number): boolean {
  let x = c ^ (c >> 4);
  x &= 0xf;
  return ((0x6996 >> x) & 1) === 1;
}

/** Even parity: bit 7 set when the byte has an odd number of 1 bits. */
const EVEN: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = popcountOdd(c) ? c | 0x80 : c & 0x7f;
  return t;
})();

/** Odd parity: bit 7 cleared when the byte has an odd number of 1 bits. */
const ODD: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = popcountOdd(c) ? c & 0x7f : c | 0x80;
  return t;
})();

const ZERO: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = c & 0x7f;
  return t;
})();

function mapBytes(input: string, table: Uint8Array): string {
  const n = input.length;
  let i = 0;
  while (i < n && table[input.charCodeAt(i) & 0xff] === input.charCodeAt(i)) i++;
  if (i === n) return input;
  const b = Buffer.from(input, 'latin1');
  for (; i < n; i++) b[i] = table[b[i]!]!;
  return b.toString('latin1');
}

export function parityEven7bit(input: string): string {
  return mapBytes(input, EVEN);
}

export function parityOdd7bit(input: string): string {
  return mapBytes(input, ODD);
}

export function parityZero7bit(input: string): string {
  return mapBytes(input, ZERO);
}
