import { HEX_VALUE, fromBytes, toBytes } from './bytes.js';
import type { TransformDefinition } from './types.js';

/**
 * t:sqlHexDecode — ModSecurity v3 `SqlHexDecode`: each `0x` / `0X` followed by at least
 * two hex digits is replaced by the bytes of the longest run of complete hex pairs that
 * follows; an odd trailing digit is left as is (`0x414` gives `A4`). Other bytes are copied.
 */
export function sqlHexDecode(input: string): string {
  const n = input.length;
  let p = input.indexOf('0');
  while (p !== -1) {
    if (p + 3 < n) {
      const x = input.charCodeAt(p + 1) | 0x20;
      if (x === 0x78 && HEX_VALUE[input.charCodeAt(p + 2) & 0xff]! >= 0 && HEX_VALUE[input.charCodeAt(p + 3) & 0xff]! >= 0) break;
    }
    p = input.indexOf('0', p + 1);
  }
  if (p === -1) return input;
  const b = toBytes(input);
  let d = p;
  let i = p;
  while (i < n) {
    if (
      i + 3 < n &&
      b[i] === 0x30 &&
      (b[i + 1]! | 0x20) === 0x78 &&
      HEX_VALUE[b[i + 2]!]! >= 0 &&
      HEX_VALUE[b[i + 3]!]! >= 0
    ) {
      i += 2;
      do {
        b[d++] = (HEX_VALUE[b[i]!]! << 4) | HEX_VALUE[b[i + 1]!]!;
        i += 2;
      } while (i + 1 < n && HEX_VALUE[b[i]!]! >= 0 && HEX_VALUE[b[i + 1]!]! >= 0);
    } else {
      b[d++] = b[i++]!;
    }
  }
  return fromBytes(b, 0, d);
}

export const sqlHexDecodeTransform: TransformDefinition = { name: 'sqlHexDecode', fn: sqlHexDecode };
