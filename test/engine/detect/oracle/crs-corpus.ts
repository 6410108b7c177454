/**
 * The CRS-derived value sets: every distinct value that rule 942100 (@detectSQLi) or 941100
 * (@detectXSS) would inspect in any CRS regression test (ARGS, ARGS_NAMES, cookies and their
 * names, User-Agent/Referer, XML text and attributes), after that rule's transformation chain.
 * Empty when the CRS checkout is missing.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getTransform } from '../../../../src/engine/transforms/index.js';
import { CRS_DIR } from '../../../helpers/shared.js';
import { collect, loadCases, targetValues } from '../helpers/crs-values.js';

export const SQLI_CHAIN = ['utf8toUnicode', 'urlDecodeUni', 'removeNulls'];
export const XSS_CHAIN = ['utf8toUnicode', 'urlDecodeUni', 'htmlEntityDecode', 'jsDecode', 'cssDecode', 'removeNulls'];

function chain(names: string[]): (v: string) => string {
  const fns = names.map((n) => {
    const t = getTransform(n);
    if (!t) throw new Error(`transformation ${n} is not implemented`);
    return t.fn;
  });
  return (v) => fns.reduce((acc, f) => f(acc), v);
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (e.name.endsWith('.yaml')) out.push(p);
  }
  return out.sort();
}

export interface CrsValueSets {
  sqli: string[];
  xss: string[];
}

export function crsValueSets(): CrsValueSets {
  const root = resolve(CRS_DIR, 'tests/regression/tests');
  if (!existsSync(root)) return { sqli: [], xss: [] };
  const sq = chain(SQLI_CHAIN);
  const xs = chain(XSS_CHAIN);
  const sqli = new Set<string>();
  const xss = new Set<string>();
  for (const file of yamlFiles(root)) {
    let cases;
    try {
      cases = loadCases(file);
    } catch {
      continue; // a file this reader cannot parse
    }
    for (const c of cases) {
      const all = collect(c.input);
      for (const v of targetValues(all, { headers: ['User-Agent', 'Referer'] })) {
        if (!v.name.startsWith('REQUEST_HEADERS:Referer')) xss.add(xs(v.value));
        sqli.add(sq(v.value));
      }
    }
  }
  sqli.delete('');
  xss.delete('');
  return { sqli: [...sqli].sort(), xss: [...xss].sort() };
}
