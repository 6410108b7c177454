import type { TransformDefinition } from './types.js';

/**
 * Alphabet of ModSecurity's `decode_forgiven_engine` in libmodsecurity 3.0.x: the standard
 * one (`+`, `/`); -1 marks bytes to skip (whitespace and every other byte, including the
 * URL-safe `-` and `_`, which later v3 releases accept).
 */
const DEC: Int8Array = (() => {
  const t = new Int8Array(256).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  for (let k = 0; k < 62; k++) t[alphabet.charCodeAt(k)] = k;
  t[0x2b] = 62; // +
  t[0x2f] = 63; // /
  return t;
})();

/**
 * t:base64DecodeExt — ModSecurity v3 `Base64::decode_forgiven`: bytes outside the alphabet
 * are skipped and every complete byte of the 6-bit stream is emitted (`QUJDRA` gives
 * `ABCD`). Two quirks are kept because they decide the result:
 * - a `=` seen when the number of data characters so far is 1 mod 4 and not followed by
 *   another `=` makes the result empty;
 * - at the end, if the last byte of the input is `=` or `9` (whose value, 61, is the code
 *   of `=`) and the number of data characters is 1 mod 4, the result is empty.
 */
export function base64DecodeExt(input: string): string {
  const n = input.length;
  const out = Buffer.allocUnsafe(((n * 3) >> 2) + 3);
  let i = 0; // data characters consumed
  let j = 0; // complete output bytes
  let acc = 0;
  let last = -1;
  for (let k = 0; k < n; k++) {
    const c = input.charCodeAt(k) & 0xff;
    if (c === 0x3d /* = */) {
      // The byte after the last one is the string's NUL terminator.
      if ((k + 1 >= n || input.charCodeAt(k + 1) !== 0x3d) && i % 4 === 1) return '';
      last = 0x3d;
      continue;
    }
    const v = DEC[c]!;
    last = v;
    if (v < 0) continue;
    switch (i % 4) {
      case 0:
        acc = v << 2;
        break;
      case 1:
        out[j++] = acc | (v >> 4);
        acc = (v & 0x0f) << 4;
        break;
      case 2:
        out[j++] = acc | (v >> 2);
        acc = (v & 0x03) << 6;
        break;
      default:
        out[j++] = acc | v;
        break;
    }
    i++;
  }
  if (last === 0x3d && i % 4 === 1) return '';
  return out.toString('latin1', 0, j);
}

export const base64DecodeExtTransform: TransformDefinition = { name: 'base64DecodeExt', fn: base64DecodeExt };
