import { EngineError } from '../errors.js';

/** A variable reference as written in a rule: `!&ARGS:/re/` → {exclude, count, variable, key, keyIsRegex}. */
export interface TargetSpec {
  exclude: boolean;
  count: boolean;
  variable: string;
  key: string | null;
  keyIsRegex: boolean;
  text: string;
}

/**
 * Parses a SecRule variable list (`REQUEST_COOKIES|!REQUEST_COOKIES:/__utm/|ARGS|XML:/*`).
 * `|` separates targets except inside a `/regex/` key; `XML:` keys are XPath expressions, not regexes.
 */
export function parseTargetList(text: string): TargetSpec[] {
  const specs: TargetSpec[] = [];
  const n = text.length;
  let pos = 0;
  while (pos < n) {
    while (pos < n && (text[pos] === '|' || text[pos] === ' ' || text[pos] === '\t')) pos++;
    if (pos >= n) break;
    const start = pos;
    let exclude = false;
    let count = false;
    if (text[pos] === '!') {
      exclude = true;
      pos++;
    }
    if (text[pos] === '&') {
      count = true;
      pos++;
    }
    const nameStart = pos;
    while (pos < n && /[A-Za-z0-9_]/.test(text[pos]!)) pos++;
    const variable = text.slice(nameStart, pos).toUpperCase();
    if (variable === '') throw new EngineError('VPATCH_SECLANG_SYNTAX', `expected a variable name at "${text.slice(start)}"`);
    let key: string | null = null;
    let keyIsRegex = false;
    if (text[pos] === ':' || text[pos] === '.') {
      pos++;
      if (variable !== 'XML' && text[pos] === '/') {
        const end = findRegexEnd(text, pos + 1);
        if (end < 0) throw new EngineError('VPATCH_SECLANG_SYNTAX', `unterminated /regex/ key in "${text.slice(start)}"`);
        key = text.slice(pos + 1, end);
        keyIsRegex = true;
        pos = end + 1;
      } else if (text[pos] === "'") {
        const end = text.indexOf("'", pos + 1);
        if (end < 0) throw new EngineError('VPATCH_SECLANG_SYNTAX', `unterminated quoted key in "${text.slice(start)}"`);
        key = text.slice(pos + 1, end);
        pos = end + 1;
        if (key.length >= 2 && key.startsWith('/') && key.endsWith('/') && variable !== 'XML') {
          key = key.slice(1, -1);
          keyIsRegex = true;
        }
      } else {
        const end = text.indexOf('|', pos);
        key = text.slice(pos, end < 0 ? n : end).trim();
        pos = end < 0 ? n : end;
      }
    }
    specs.push({ exclude, count, variable, key, keyIsRegex, text: text.slice(start, pos).trim() });
  }
  return specs;
}

function findRegexEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '/' && (i + 1 === text.length || text[i + 1] === '|' || text[i + 1] === ' ')) return i;
  }
  return -1;
}
