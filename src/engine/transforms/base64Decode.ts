import type { TransformDefinition } from './types.js';

/** Standard base64 alphabet value per byte; 64 for `=`; 127 for anything else. */
const DEC: Uint8Array = (() => {
  const t = new Uint8Array(256).fill(127);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let k = 0; k < 64; k++) t[alphabet.charCodeAt(k)] = k;
  t[0x3d] = 64;
  return t;
})();

/**
 * t:base64Decode — ModSecurity v3 decodes with mbed TLS's strict `mbedtls_base64_decode`
 * over the value up to its first NUL byte (it passes `strlen(value)`):
 * - spaces, `\n` and `\r\n` are allowed between lines, but a space followed by more data on
 *   the same line, a lone `\r`, any byte outside `[A-Za-z0-9+/=]`, more than two `=`, or
 *   data after `=` make the whole value invalid, and an invalid value decodes to the empty
 *   string;
 * - only complete groups of four are decoded: trailing unpadded characters that do not
 *   fill a group are dropped (`QUJDRA` gives `ABC`).
 */
export function base64Decode(input: string): string {
  const nul = input.indexOf('\0');
  const slen = nul === -1 ? input.length : nul;
  // First pass: validate (mbedtls rules).
  let equals = 0;
  let i = 0;
  for (; i < slen; i++) {
    let spaces = false;
    while (i < slen && input.charCodeAt(i) === 0x20) {
      i++;
      spaces = true;
    }
    if (i === slen) break;
    const c = input.charCodeAt(i);
    if (slen - i >= 2 && c === 0x0d && input.charCodeAt(i + 1) === 0x0a) continue;
    if (c === 0x0a) continue;
    if (spaces) return '';
    if (c > 0x7f) return '';
    const v = DEC[c]!;
    if (v === 127) return '';
    if (v === 64) {
      if (++equals > 2) return '';
    } else if (equals !== 0) {
      return '';
    }
  }
  // Second pass: decode complete quads.
  const out = Buffer.allocUnsafe(((slen * 3) >> 2) + 3);
  let p = 0;
  let x = 0;
  let n = 0;
  let pad = 0;
  for (let k = 0; k < slen; k++) {
    const c = input.charCodeAt(k);
    if (c === 0x0d || c === 0x0a || c === 0x20) continue;
    const v = DEC[c]!;
    if (v === 64) pad++;
    x = ((x << 6) | (v & 0x3f)) & 0xffffff;
    if (++n === 4) {
      n = 0;
      if (pad < 3) out[p++] = x >> 16;
      if (pad < 2) out[p++] = (x >> 8) & 0xff;
      if (pad < 1) out[p++] = x & 0xff;
    }
  }
  return out.toString('latin1', 0, p);
}

export const base64DecodeTransform: TransformDefinition = { name: 'base64Decode', fn: base64Decode };
