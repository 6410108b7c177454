import { fromBytes, toBytes, x2c } from './bytes.js';
import type { TransformDefinition } from './types.js';

/**
 * t:hexDecode — ModSecurity v3 decodes consecutive byte pairs with its unvalidated `x2c`
 * arithmetic (no hex check: `0z` gives 0x23) and drops a trailing odd byte, so `a` gives
 * the empty string. Input is read in fixed pairs from the start, never resynchronised.
 */
export function hexDecode(input: string): string {
  const b = toBytes(input);
  const pairs = b.length >> 1;
  for (let k = 0; k < pairs; k++) b[k] = x2c(b[2 * k]!, b[2 * k + 1]!);
  return fromBytes(b, 0, pairs);
}

export const hexDecodeTransform: TransformDefinition = { name: 'hexDecode', fn: hexDecode };
