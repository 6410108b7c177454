import { fromBytes, toBytes } from './bytes.js';
import type { TransformDefinition } from './types.js';

const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const DOT = 0x2e;

/**
 * ModSecurity's `normalize_path_inplace`, a byte-for-byte port of its state machine over a
 * mutable buffer (src = read index, dst = write index, end = index of the last byte):
 * collapses `//`, removes `./` segments, resolves `../` against the previous segment without
 * climbing above the root (a relative path keeps leading `..` segments it cannot resolve),
 * and keeps a trailing slash only when the input had one. With `win`, every `\` is first
 * turned into `/`.
 */
export function normalizePathBytes(input: string, win: boolean): string {
  const n = input.length;
  if (n === 0) return input;
  const buf = toBytes(input);
  const end = n - 1;
  let src = 0;
  let dst = 0;
  let hitroot = false;
  let done = false;
  const first = buf[0]!;
  const relative = !(first === SLASH || (win && first === BACKSLASH));
  const trailing = buf[end] === SLASH || (win && buf[end] === BACKSLASH);

  while (!done && src <= end && dst <= end) {
    if (win) {
      if (buf[src] === BACKSLASH) buf[src] = SLASH;
      if (src < end && buf[src + 1] === BACKSLASH) buf[src + 1] = SLASH;
    }

    let doCopy = true;
    let normalise = true;
    if (src === end) {
      done = true;
    } else if (buf[src + 1] !== SLASH) {
      normalise = false; // not the end of a path segment
    }

    if (normalise) {
      if (src !== end && buf[src] === SLASH) {
        // Empty segment: the copy below skips repeated slashes.
      } else if (buf[src] === DOT) {
        if (dst > 0 && buf[dst - 1] === DOT) {
          // Back-reference.
          if (relative && (hitroot || dst - 2 <= 0)) {
            hitroot = true;
          } else {
            dst -= 3;
            while (dst > 0 && buf[dst] !== SLASH) dst--;
            if (dst <= 0) {
              hitroot = true;
              dst = 0;
              if (!relative && src === end) dst++;
            }
            if (done) {
              doCopy = false;
            } else {
              src++;
            }
          }
        } else if (dst === 0) {
          // Relative self-reference.
          if (done) doCopy = false;
          else src++;
        } else if (buf[dst - 1] === SLASH) {
          // Self-reference.
          if (done) {
            doCopy = false;
          } else {
            dst--;
            src++;
          }
        }
      } else if (dst > 0) {
        hitroot = false; // a regular path segment
      }
    }

    if (doCopy) {
      if (buf[src] === SLASH) {
        while (src < end && (buf[src + 1] === SLASH || (win && buf[src + 1] === BACKSLASH))) src++;
        if (relative && dst === 0) {
          // No leading slash on a relative path: move over it.
          src++;
          continue;
        }
      }
      buf[dst++] = buf[src++]!;
    }
  }

  if (!trailing && dst > 0 && buf[dst - 1] === SLASH) dst--;
  return fromBytes(buf, 0, dst);
}

/** Bytes that can make t:normalizePath change anything. */
function mayChange(input: string, win: boolean): boolean {
  if (win && input.indexOf('\\') !== -1) return true;
  if (input.indexOf('//') !== -1) return true;
  const n = input.length;
  // A `.` segment (`.`, `..`) at the start, after a slash, or ending the value.
  for (let p = input.indexOf('.'); p !== -1; p = input.indexOf('.', p + 1)) {
    if (p === 0 || input.charCodeAt(p - 1) === SLASH || p === n - 1 || input.charCodeAt(p + 1) === SLASH) return true;
  }
  // A relative path that starts with a slash cannot exist; a trailing slash is kept only
  // when present, so nothing else changes.
  return false;
}

/**
 * t:normalizePath (also spelled normalisePath) — remove multiple slashes, self-references
 * and back-references from a `/`-separated path (ModSecurity v3 `NormalisePath`).
 */
export function normalizePath(input: string): string {
  return mayChange(input, false) ? normalizePathBytes(input, false) : input;
}

export const normalizePathTransform: TransformDefinition = {
  name: 'normalizePath',
  aliases: ['normalisePath'],
  fn: normalizePath,
};
