import type { TransformDefinition } from './types.js';

/**
 * t:removeCommentsChar — delete the comment markers themselves, not what they enclose:
 * `/*`, `*\/`, `<!--`, `-->`, `--` and `#` are removed wherever they occur (left to right,
 * longest marker first at each position).
 */
export function removeCommentsChar(input: string): string {
  const n = input.length;
  let p = 0;
  for (; p < n; p++) {
    const c = input.charCodeAt(p);
    if (c === 0x2f || c === 0x2a || c === 0x3c || c === 0x2d || c === 0x23) break;
  }
  if (p === n) return input;
  const b = Buffer.from(input, 'latin1');
  let d = p;
  let s = p;
  while (s < n) {
    const c = b[s]!;
    if (c === 0x2f && s + 1 < n && b[s + 1] === 0x2a) {
      s += 2;
    } else if (c === 0x2a && s + 1 < n && b[s + 1] === 0x2f) {
      s += 2;
    } else if (c === 0x3c && s + 3 < n && b[s + 1] === 0x21 && b[s + 2] === 0x2d && b[s + 3] === 0x2d) {
      s += 4;
    } else if (c === 0x2d && s + 2 < n && b[s + 1] === 0x2d && b[s + 2] === 0x3e) {
      s += 3;
    } else if (c === 0x2d && s + 1 < n && b[s + 1] === 0x2d) {
      s += 2;
    } else if (c === 0x23) {
      s += 1;
    } else {
      b[d++] = c;
      s++;
    }
  }
  return b.toString('latin1', 0, d);
}

export const removeCommentsCharTransform: TransformDefinition = { name: 'removeCommentsChar', fn: removeCommentsChar };
