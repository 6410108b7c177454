import { HEX_VALUE, fromBytes, isAlnum, isDigit, toBytes } from './bytes.js';
import type { TransformDefinition } from './types.js';

/** LONG_MAX on LP64 Linux, as decimal and hex digit strings without leading zeros. */
const LONG_MAX_DEC = '9223372036854775807';
const LONG_MAX_HEX_DIGITS = 16; // 0x7fffffffffffffff

/**
 * `(unsigned char) strtol(digits, NULL, base)` for a run of digits `b[k, j)`: the low byte
 * of the value, or 0xFF when the value overflows `long` (strtol then returns LONG_MAX).
 */
function entityByte(b: Buffer, k: number, j: number, hex: boolean): number {
  while (k < j && b[k] === 0x30) k++; // leading zeros do not count
  const digits = j - k;
  if (hex) {
    if (digits > LONG_MAX_HEX_DIGITS || (digits === LONG_MAX_HEX_DIGITS && HEX_VALUE[b[k]!]! > 7)) return 0xff;
    if (digits === 0) return 0;
    if (digits === 1) return HEX_VALUE[b[k]!]!;
    return (HEX_VALUE[b[j - 2]!]! << 4) | HEX_VALUE[b[j - 1]!]!;
  }
  if (digits > LONG_MAX_DEC.length) return 0xff;
  if (digits === LONG_MAX_DEC.length && b.toString('latin1', k, j) > LONG_MAX_DEC) return 0xff;
  let v = 0;
  for (let p = k; p < j; p++) v = (v * 10 + (b[p]! - 0x30)) & 0xff;
  return v;
}

/** Named entities libmodsecurity 3.0.x decodes (case-insensitive, whole name): name, byte. */
const NAMED: readonly (readonly [string, number])[] = [
  ['quot', 0x22],
  ['amp', 0x26],
  ['lt', 0x3c],
  ['gt', 0x3e],
  ['nbsp', 0xa0],
];

/** The byte for the alphanumeric run `b[k, j)` if it is one of NAMED, else -1. */
function namedEntity(b: Buffer, k: number, j: number): number {
  const len = j - k;
  for (const [name, value] of NAMED) {
    if (name.length !== len) continue;
    let p = 0;
    // Input bytes here are alphanumeric, so OR-ing 0x20 folds exactly the ASCII capitals.
    while (p < len && (b[k + p]! | 0x20) === name.charCodeAt(p)) p++;
    if (p === len) return value;
  }
  return -1;
}

/**
 * t:htmlEntityDecode — libmodsecurity 3.0.x `HtmlEntityDecode::inplace`:
 * - `&#DDD` and `&#xHHH` / `&#XHHH` with any number of digits (the `;` is optional and
 *   consumed when present) become the low byte of the value, or 0xFF when the value
 *   overflows a C `long`;
 * - `&quot` `&amp` `&lt` `&gt` `&nbsp` (case-insensitive, the alphanumeric run must be
 *   exactly the name, `;` optional) become `"` `&` `<` `>` 0xA0; other names are kept;
 * - anything else (`&#` or `&#x` without digits, a lone `&`) is copied.
 */
export function htmlEntityDecode(input: string): string {
  const first = input.indexOf('&');
  if (first === -1) return input;
  const b = toBytes(input);
  const n = b.length;
  let d = first;
  let i = first;
  while (i < n) {
    let copy = 1;
    if (b[i] === 0x26 /* & */ && i + 1 < n) {
      let j = i + 1;
      if (b[j] === 0x23 /* # */) {
        copy++;
        if (j + 1 < n) {
          j++;
          if (b[j] === 0x78 || b[j] === 0x58 /* x X */) {
            copy++;
            if (j + 1 < n) {
              j++;
              const k = j;
              while (j < n && HEX_VALUE[b[j]!]! >= 0) j++;
              if (j > k) {
                b[d++] = entityByte(b, k, j, true);
                i = j < n && b[j] === 0x3b /* ; */ ? j + 1 : j;
                continue;
              }
            }
          } else {
            const k = j;
            while (j < n && isDigit(b[j]!)) j++;
            if (j > k) {
              b[d++] = entityByte(b, k, j, false);
              i = j < n && b[j] === 0x3b ? j + 1 : j;
              continue;
            }
          }
        }
      } else {
        const k = j;
        while (j < n && isAlnum(b[j]!)) j++;
        if (j > k) {
          const v = namedEntity(b, k, j);
          if (v >= 0) {
            b[d++] = v;
            i = j < n && b[j] === 0x3b ? j + 1 : j;
            continue;
          }
          copy = j - k + 1;
        }
      }
    }
    for (let z = 0; z < copy; z++) b[d++] = b[i++]!;
  }
  return fromBytes(b, 0, d);
}

export const htmlEntityDecodeTransform: TransformDefinition = { name: 'htmlEntityDecode', fn: htmlEntityDecode };
