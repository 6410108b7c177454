import type { TransformDefinition } from './types.js';

/** Bytes that t:cmdLine deletes, folds or turns into a space. */
const NEEDS_WORK: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (const c of [0x22, 0x27, 0x5c, 0x5e, 0x2c, 0x3b, 0x09, 0x0d, 0x0a]) t[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) t[c] = 1;
  return t;
})();

/** After a space: bytes that would merge with it or make it disappear. */
const NEEDS_WORK_AFTER_SPACE: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (const c of [0x20, 0x2c, 0x3b, 0x09, 0x0d, 0x0a, 0x2f, 0x28]) t[c] = 1;
  return t;
})();

/**
 * t:cmdLine — ModSecurity v3 `CmdLine`, for Windows/Unix command lines:
 * - `"`, `'`, `\` and `^` are deleted;
 * - each run of space, `,`, `;`, \t, \r, \n becomes one space;
 * - a space right before `/` or `(` is deleted;
 * - ASCII letters are lower-cased ("C" locale `tolower`; bytes >= 0x80 unchanged).
 * Other whitespace (\v, \f) is an ordinary byte here.
 */
export function cmdLine(input: string): string {
  // Fast path: nothing to delete, merge or fold before the first byte that needs work.
  const len = input.length;
  let i0 = 0;
  for (; i0 < len; i0++) {
    const c = input.charCodeAt(i0);
    if (c === 0x20) {
      if (i0 + 1 < len && NEEDS_WORK_AFTER_SPACE[input.charCodeAt(i0 + 1) & 0xff] === 1) break;
    } else if (NEEDS_WORK[c & 0xff] === 1 || c > 0xff) {
      break;
    }
  }
  if (i0 === len) return input;
  const b = Buffer.from(input, 'latin1');
  const n = b.length;
  let d = 0;
  let space = false;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    switch (c) {
      case 0x22: // "
      case 0x27: // '
      case 0x5c: // \
      case 0x5e: // ^
        break;
      case 0x20:
      case 0x2c: // ,
      case 0x3b: // ;
      case 0x09:
      case 0x0d:
      case 0x0a:
        if (!space) {
          b[d++] = 0x20;
          space = true;
        }
        break;
      case 0x2f: // /
      case 0x28: // (
        if (space) d--;
        space = false;
        b[d++] = c;
        break;
      default:
        b[d++] = c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
        space = false;
    }
  }
  return b.toString('latin1', 0, d);
}

export const cmdLineTransform: TransformDefinition = { name: 'cmdLine', fn: cmdLine };
