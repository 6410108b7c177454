import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import type { EngineHost } from '../engine/seclang/compiler.js';

const GLOB_CHARS = /[*?[]/;

function segmentMatcher(segment: string): RegExp {
  let re = '^';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        let cls = segment.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (cls.startsWith('!')) cls = '^' + cls.slice(1);
        re += `[${cls}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(re + '$');
}

/** Expands `*`, `?` and `[...]` in any path segment (as Apache's Include does), sorted. */
export function globSync(pattern: string): string[] {
  const abs = resolve(pattern);
  if (!GLOB_CHARS.test(abs)) {
    try {
      return statSync(abs).isFile() ? [abs] : [];
    } catch {
      return [];
    }
  }
  const parts = abs.split(sep);
  let bases = [parts[0] === '' ? sep : parts[0]!];
  for (let i = 1; i < parts.length; i++) {
    const segment = parts[i]!;
    if (segment === '') continue;
    const next: string[] = [];
    for (const base of bases) {
      if (!GLOB_CHARS.test(segment)) {
        next.push(join(base, segment));
        continue;
      }
      const matcher = segmentMatcher(segment);
      let names: string[];
      try {
        names = readdirSync(base);
      } catch {
        continue;
      }
      for (const name of names.sort()) if (matcher.test(name)) next.push(join(base, name));
    }
    bases = next;
  }
  return bases.filter((p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  });
}

/** The engine host for Node: reads rule and data files from disk. */
export const nodeHost: EngineHost = {
  readFile: (path) => readFileSync(path, 'latin1'),
  glob: globSync,
  resolve: (baseDir, path) => (isAbsolute(path) ? path : resolve(baseDir, path)),
  dirname: (path) => dirname(path),
  environment: () => process.env,
};
