/**
 * application/x-www-form-urlencoded splitting and decoding, as libmodsecurity v3's
 * `Transaction::extractArguments` does it (also used for QUERY_STRING → ARGS_GET):
 *
 * - the input is split on `separator` the way `std::getline` splits: empty pieces in the
 *   middle are kept (they become an argument with empty name and value), a trailing
 *   empty piece is dropped, and an empty input gives no arguments;
 * - each piece is split at its first `=`; a piece without `=` is a name with an empty value;
 * - name and value are decoded with `urldecode_nonstrict`: `+` → space, `%XX` (two hex
 *   digits) → that byte, any other `%` is kept as is and counts as an invalid escape
 *   (URLENCODED_ERROR).
 *
 * Linear time, no regular expressions.
 */
import type { Arg } from './types.js';

/** Hex digit value of a char code, or -1. */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

export interface UrlDecodeResult {
  value: string;
  /** Number of `%` that did not start a valid `%XX` escape. */
  invalid: number;
}

/**
 * ModSecurity's `urldecode_nonstrict_inplace` on a byte string. Returns the input itself
 * when there is nothing to decode, so the common case allocates nothing.
 */
export function urlDecodeNonStrict(input: string): UrlDecodeResult {
  const n = input.length;
  let i = 0;
  // Fast path: find the first byte that needs work.
  while (i < n) {
    const c = input.charCodeAt(i);
    if (c === 0x25 /* % */ || c === 0x2b /* + */) break;
    i++;
  }
  if (i === n) return { value: input, invalid: 0 };

  let invalid = 0;
  const parts: string[] = [];
  let runStart = 0; // start of the current run of bytes copied as they are
  while (i < n) {
    const c = input.charCodeAt(i);
    if (c === 0x25) {
      if (i + 2 < n) {
        const h = hexValue(input.charCodeAt(i + 1));
        const l = hexValue(input.charCodeAt(i + 2));
        if (h >= 0 && l >= 0) {
          if (i > runStart) parts.push(input.slice(runStart, i));
          parts.push(String.fromCharCode((h << 4) | l));
          i += 3;
          runStart = i;
          continue;
        }
      }
      // Not a valid escape (or not enough bytes left): keep the '%'.
      invalid++;
      i++;
    } else if (c === 0x2b) {
      if (i > runStart) parts.push(input.slice(runStart, i));
      parts.push(' ');
      i++;
      runStart = i;
    } else {
      i++;
    }
  }
  if (n > runStart) parts.push(input.slice(runStart, n));
  return { value: parts.join(''), invalid };
}

/** Char codes (bytes) to a byte string, in chunks to stay clear of argument limits. */
export function bytesToString(bytes: number[]): string {
  const n = bytes.length;
  if (n <= 8192) return String.fromCharCode.apply(null, bytes);
  const parts: string[] = [];
  for (let i = 0; i < n; i += 8192) {
    parts.push(String.fromCharCode.apply(null, bytes.slice(i, i + 8192)));
  }
  return parts.join('');
}

export interface UrlencodedResult {
  args: Arg[];
  /** True when some `%` did not start a valid escape (URLENCODED_ERROR = 1). */
  urlencodedError: boolean;
}

/** Like {@link parseUrlencoded}, also telling whether an invalid `%` escape was seen. */
export function parseUrlencodedDetailed(body: string, separator = '&'): UrlencodedResult {
  const sep = separator.length > 0 ? separator.charCodeAt(0) : 0x26;
  const args: Arg[] = [];
  let invalid = 0;
  const n = body.length;
  let start = 0;
  while (start < n) {
    let end = start;
    let eq = -1;
    while (end < n) {
      const c = body.charCodeAt(end);
      if (c === sep) break;
      if (c === 0x3d /* = */ && eq < 0) eq = end;
      end++;
    }
    let name: string;
    let value: string;
    if (eq < 0) {
      name = body.slice(start, end);
      value = '';
    } else {
      name = body.slice(start, eq);
      value = body.slice(eq + 1, end);
    }
    const dn = urlDecodeNonStrict(name);
    const dv = urlDecodeNonStrict(value);
    invalid += dn.invalid + dv.invalid;
    args.push([dn.value, dv.value]);
    // A separator at the very end leaves no further piece (std::getline semantics).
    start = end + 1;
  }
  return { args, urlencodedError: invalid > 0 };
}

/**
 * Split and decode an urlencoded body or query string into arguments, in order.
 * Never throws.
 */
export function parseUrlencoded(body: string, separator = '&'): Arg[] {
  return parseUrlencodedDetailed(body, separator).args;
}
