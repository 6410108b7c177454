/**
 * Reads the operator arguments of every `@rx` / `!@rx` SecRule in the shared CRS rules.
 * Handles line continuations and the quoting SecLang uses (`\"` inside a quoted operator).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CRS_DIR } from '../../helpers/shared.js';

export interface CrsPattern {
  /** Rule id (of the chain head for chained rules). */
  id: string;
  /** 1-based line where the SecRule starts. */
  line: number;
  file: string;
  pattern: string;
  negated: boolean;
}

/** Splits a directive line into SecLang tokens, unquoting double-quoted ones. */
function tokens(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length) break;
    if (line[i] === '"' || line[i] === "'") {
      const q = line[i]!;
      i++;
      let tok = '';
      while (i < line.length && line[i] !== q) {
        if (line[i] === '\\' && line[i + 1] === q) {
          tok += q;
          i += 2;
          continue;
        }
        tok += line[i];
        i++;
      }
      i++;
      out.push(tok);
    } else {
      let tok = '';
      while (i < line.length && !/\s/.test(line[i]!)) tok += line[i++];
      out.push(tok);
    }
  }
  return out;
}

export function loadCrsRxPatterns(): CrsPattern[] {
  const dir = join(CRS_DIR, 'rules');
  const out: CrsPattern[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.conf')).sort()) {
    // Rules files are bytes; keep one code unit per byte.
    const text = readFileSync(join(dir, file)).toString('latin1');
    const lines = text.split('\n');
    let lastId = '';
    for (let n = 0; n < lines.length; n++) {
      const startLine = n + 1;
      let logical = lines[n]!;
      while (logical.endsWith('\\') && n + 1 < lines.length) {
        logical = logical.slice(0, -1) + lines[++n]!;
      }
      const trimmed = logical.trim();
      if (!trimmed.startsWith('SecRule ') && !trimmed.startsWith('SecRule\t')) continue;
      const toks = tokens(trimmed);
      const op = toks[2] ?? '';
      const actions = toks[3] ?? '';
      const idMatch = /(?:^|,)\s*id:'?(\d+)/.exec(actions);
      if (idMatch) lastId = idMatch[1]!;
      const m = /^(!?)@rx(?:\s+|$)([\s\S]*)$/.exec(op);
      if (!m) continue;
      out.push({ id: idMatch ? idMatch[1]! : lastId, line: startLine, file, pattern: m[2]!, negated: m[1] === '!' });
    }
  }
  return out;
}
