/**
 * `@validateByteRange 9,10,13,32-126,128-255`: true when the value contains a byte
 * outside the listed values and ranges.
 *
 * Parsing follows libmodsecurity v3 (src/operators/validate_byte_range.cc): the
 * list is split on commas; each entry is `N` or `N-M` read with `std::stoi`
 * (leading whitespace and trailing garbage are tolerated). v3's init never fails:
 * an entry that is not a number at all (`xxx`, an empty entry) is skipped, so a
 * list with no usable entry allows no byte and matches every non-empty value; the
 * SecRules vectors pin this. Where v3 has parsed a number but must reject it (a
 * value outside 0-255, a reversed range) vpatch refuses to load the rule: v3 drops
 * such a range silently, or for a single value writes outside its table.
 */
import type { OperatorDefinition } from './types.js';
import { badArgument, isCSpace } from './util.js';

/** `std::stoi`: the leading integer of `text`, or null when there is none. */
function stoi(text: string): number | null {
  let i = 0;
  while (i < text.length && isCSpace(text.charCodeAt(i))) i++;
  let sign = 1;
  if (text[i] === '+' || text[i] === '-') {
    if (text[i] === '-') sign = -1;
    i++;
  }
  const start = i;
  let value = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    value = value * 10 + (c - 0x30);
    i++;
  }
  if (i === start) return null;
  return sign * value;
}

export function parseByteRanges(param: string): Uint8Array {
  const allowed = new Uint8Array(256);
  for (const entry of param.split(',')) {
    const dash = entry.indexOf('-');
    if (dash < 0) {
      const value = stoi(entry);
      if (value === null) continue;
      if (value < 0 || value > 255) {
        throw badArgument('validateByteRange', `byte value ${value} is outside 0-255 in ${JSON.stringify(param)}`);
      }
      allowed[value] = 1;
      continue;
    }
    const start = stoi(entry.slice(0, dash));
    const end = stoi(entry.slice(dash + 1));
    if (start === null || end === null) continue;
    if (start < 0 || start > 255 || end < 0 || end > 255 || start > end) {
      throw badArgument('validateByteRange', `invalid range ${start}-${end} in ${JSON.stringify(param)}`);
    }
    for (let b = start; b <= end; b++) allowed[b] = 1;
  }
  return allowed;
}

export const validateByteRange: OperatorDefinition = {
  name: 'validateByteRange',
  factory: (param) => {
    const allowed = parseByteRanges(param);
    return {
      match(input: string): boolean {
        for (let i = 0, n = input.length; i < n; i++) {
          const c = input.charCodeAt(i);
          if (c > 0xff || allowed[c] === 0) return true;
        }
        return false;
      },
    };
  },
};
