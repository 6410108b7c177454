import { fromBytes } from './bytes.js';
import type { TransformDefinition } from './types.js';

/**
 * t:removeComments — libmodsecurity 3.0.x `RemoveComments`, kept byte for byte:
 * - `/* ... *\/` and `<!-- ... -->` are removed. When a comment closes, the byte right after
 *   the terminator is copied unexamined (so a `/*` or `--` straight after `*\/` is not seen as
 *   a comment start), and a comment that closes at the very end of the value copies the
 *   string's NUL terminator: `/* x *\/` gives "\x00";
 * - outside a comment, `--` or `#` ends the value there (everything from it on is dropped);
 * - an unterminated comment is replaced by one space.
 */
export function removeComments(input: string): string {
  const n = input.length;
  // Fast path: no byte that can start anything.
  let p = 0;
  for (; p < n; p++) {
    const c = input.charCodeAt(p);
    if (c === 0x2f || c === 0x3c || c === 0x2d || c === 0x23) break;
  }
  if (p === n) return input;
  // One spare zero byte stands for the C string's NUL terminator.
  const buf = Buffer.alloc(n + 1);
  buf.write(input, 0, 'latin1');
  let i = p;
  let j = p;
  let inComment = false;
  while (i < n) {
    const c = buf[i]!;
    if (!inComment) {
      if (c === 0x2f && i + 1 < n && buf[i + 1] === 0x2a) {
        inComment = true;
        i += 2;
      } else if (c === 0x3c && i + 3 < n && buf[i + 1] === 0x21 && buf[i + 2] === 0x2d && buf[i + 3] === 0x2d) {
        inComment = true;
        i += 4;
      } else if ((c === 0x2d && i + 1 < n && buf[i + 1] === 0x2d) || c === 0x23) {
        break;
      } else {
        buf[j++] = c;
        i++;
      }
    } else if (c === 0x2a && i + 1 < n && buf[i + 1] === 0x2f) {
      inComment = false;
      i += 2;
      buf[j++] = buf[i++]!;
    } else if (c === 0x2d && i + 2 < n && buf[i + 1] === 0x2d && buf[i + 2] === 0x3e) {
      inComment = false;
      i += 3;
      buf[j++] = buf[i++]!;
    } else {
      i++;
    }
  }
  if (inComment) buf[j++] = 0x20;
  return fromBytes(buf, 0, j);
}

export const removeCommentsTransform: TransformDefinition = { name: 'removeComments', fn: removeComments };
