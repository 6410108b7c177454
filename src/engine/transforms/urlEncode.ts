import { HEX_DIGITS_LOWER } from './bytes.js';
import type { TransformDefinition } from './types.js';

/** Bytes t:urlEncode leaves alone: `*`, `0-9`, `A-Z`, `a-z`. */
const KEEP: Uint8Array = (() => {
  const t = new Uint8Array(256);
  t[0x2a] = 1;
  for (let c = 0x30; c <= 0x39; c++) t[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) t[c] = 1;
  for (let c = 0x61; c <= 0x7a; c++) t[c] = 1;
  return t;
})();

/**
 * t:urlEncode — ModSecurity v3 `url_enc`: a space becomes `+`; `*`, digits and ASCII
 * letters are kept; every other byte becomes `%xx` with lower-case hex digits.
 */
export function urlEncode(input: string): string {
  const n = input.length;
  let i = 0;
  while (i < n && KEEP[input.charCodeAt(i) & 0xff] === 1 && input.charCodeAt(i) <= 0xff) i++;
  if (i === n) return input;
  const out = Buffer.allocUnsafe(i + (n - i) * 3);
  let d = out.write(input.slice(0, i), 0, 'latin1');
  for (; i < n; i++) {
    const c = input.charCodeAt(i) & 0xff;
    if (KEEP[c] === 1) {
      out[d++] = c;
    } else if (c === 0x20) {
      out[d++] = 0x2b;
    } else {
      out[d++] = 0x25;
      out[d++] = HEX_DIGITS_LOWER.charCodeAt(c >> 4);
      out[d++] = HEX_DIGITS_LOWER.charCodeAt(c & 0x0f);
    }
  }
  return out.toString('latin1', 0, d);
}

export const urlEncodeTransform: TransformDefinition = { name: 'urlEncode', fn: urlEncode };
