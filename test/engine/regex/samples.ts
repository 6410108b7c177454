/**
 * Test inputs for the CRS patterns: payloads from the CRS regression tests (decoded the way
 * CRS rules commonly see them), and strings generated from a pattern's syntax tree.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Node } from '../../../src/engine/regex/ast.js';
import { setBytes } from '../../../src/engine/regex/ast.js';
import { CRS_DIR } from '../../helpers/shared.js';

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (name.endsWith('.yaml')) out.push(p);
  }
  return out;
}

/** Percent-decoding to bytes, '+' as space (t:urlDecodeUni without %u). */
function urlDecode(s: string): string {
  return s.replace(/\+/g, ' ').replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

function utf8Bytes(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

/** Distinct byte-string payloads from the CRS regression tests, with decoded variants. */
export function loadCrsPayloads(): string[] {
  const raw = new Set<string>();
  const visit = (v: unknown, key: string): void => {
    if (typeof v === 'string') {
      if (key === 'encoded_request') raw.add(Buffer.from(v.replace(/\s/g, ''), 'base64').toString('latin1'));
      else if (['uri', 'data', 'method', 'headers', 'value', 'raw_request'].includes(key) || key === '') raw.add(utf8Bytes(v));
      return;
    }
    if (Array.isArray(v)) {
      for (const item of v) visit(item, key === 'data' ? 'data' : key);
      return;
    }
    if (v !== null && typeof v === 'object') {
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        if (key === 'headers') visit(item, 'value');
        else visit(item, k);
      }
    }
  };
  for (const file of files(join(CRS_DIR, 'tests', 'regression', 'tests'))) {
    const doc = parse(readFileSync(file, 'utf8')) as { tests?: Array<{ stages?: Array<{ input?: unknown }> }> } | null;
    for (const t of doc?.tests ?? []) for (const st of t.stages ?? []) visit(st.input, '');
  }
  const out = new Set<string>();
  for (const r of raw) {
    out.add(r);
    const decoded = urlDecode(r);
    out.add(decoded);
    out.add(decoded.toLowerCase());
    for (const part of r.split(/[&?;]/)) {
      const eq = part.indexOf('=');
      const value = urlDecode(eq >= 0 ? part.slice(eq + 1) : part);
      out.add(value);
      out.add(value.toLowerCase());
      if (eq >= 0) out.add(urlDecode(part.slice(0, eq)));
    }
  }
  out.delete('');
  return [...out];
}

/** Deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random string the tree can match (assertions are ignored, so the caller checks the
 * result with the regex itself). Repetitions take min..min+3 iterations.
 */
export function generate(root: Node, rand: () => number): string {
  const setCache = new Map<Uint32Array, number[]>();
  const gen = (node: Node): string => {
    switch (node.type) {
      case 'empty':
      case 'assert':
      case 'look':
      case 'backref':
        return '';
      case 'set': {
        let bytes = setCache.get(node.set);
        if (bytes === undefined) {
          bytes = setBytes(node.set);
          setCache.set(node.set, bytes);
        }
        if (bytes.length === 0) return '';
        // Prefer printable ASCII when the set has it, as real payloads do.
        const printable = bytes.filter((b) => b >= 0x20 && b < 0x7f);
        const pool = printable.length > 0 && rand() < 0.9 ? printable : bytes;
        return String.fromCharCode(pool[Math.floor(rand() * pool.length)]!);
      }
      case 'concat':
        return node.items.map(gen).join('');
      case 'alt':
        return gen(node.items[Math.floor(rand() * node.items.length)]!);
      case 'repeat': {
        const max = node.max === Infinity ? node.min + 3 : Math.min(node.max, node.min + 3);
        const n = node.min + Math.floor(rand() * (max - node.min + 1));
        let s = '';
        for (let i = 0; i < n; i++) s += gen(node.item);
        return s;
      }
      case 'group':
      case 'atomic':
        return gen(node.item);
    }
  };
  return gen(root);
}
