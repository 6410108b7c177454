import type { TransformDefinition } from './types.js';

/**
 * t:replaceComments — each C comment `/* ... *\/` becomes one space; an unterminated comment
 * (from `/*` to the end) also becomes one space. A `*\/` outside a comment is kept.
 */
export function replaceComments(input: string): string {
  let start = input.indexOf('/*');
  if (start === -1) return input;
  const parts: string[] = [];
  let from = 0;
  while (start !== -1) {
    parts.push(input.slice(from, start), ' ');
    const end = input.indexOf('*/', start + 2);
    if (end === -1) {
      from = input.length;
      break;
    }
    from = end + 2;
    start = input.indexOf('/*', from);
  }
  parts.push(input.slice(from));
  return parts.join('');
}

export const replaceCommentsTransform: TransformDefinition = { name: 'replaceComments', fn: replaceComments };
