import { normalizePath, normalizePathBytes } from './normalizePath.js';
import type { TransformDefinition } from './types.js';

/**
 * t:normalizePathWin (also spelled normalisePathWin) — like t:normalizePath after turning
 * every `\` into `/` (ModSecurity v3 `NormalisePathWin`).
 */
export function normalizePathWin(input: string): string {
  // Without a backslash the Windows variant behaves exactly like t:normalizePath.
  return input.indexOf('\\') === -1 ? normalizePath(input) : normalizePathBytes(input, true);
}

export const normalizePathWinTransform: TransformDefinition = {
  name: 'normalizePathWin',
  aliases: ['normalisePathWin'],
  fn: normalizePathWin,
};
