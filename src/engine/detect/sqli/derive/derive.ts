/**
 * Derivation of the SQLi fingerprint set from vpatch's own corpora and ModSecurity v3's
 * verdicts on them (v3-labels.txt):
 *
 *   forbidden  = fingerprints, in every context the detector tries (as is; after ' when the
 *                text has one; after " likewise), of the benign corpus and of every labelled
 *                value v3 does not flag
 *   table      = for each labelled value v3 flags, the fingerprint of the first context that is
 *                not forbidden (the detector tries the contexts in the same order)
 *
 * The labelled corpus (v3-labels.ts) is the exploration probes (probes.ts), every 20th
 * generated attack (templates.ts) and the hand-written attacks (attacks.txt). A flagged value
 * whose fingerprints are all forbidden is a conflict: vpatch's tokens cannot tell it from a
 * value v3 passes or from benign text (`--verbose` lists them).
 *
 * Corpus files are read from the source tree (they are data, not compiled).
 */
import { readFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fingerprintKey } from '../fold.js';
import { FOLDED, Tok, packFingerprint, unpackFingerprint } from '../tokens.js';
import { generateTemplateAttacks, type GeneratedAttack } from './templates.js';
import { generateBenign } from './benign-templates.js';
import { corpusDigest, labelledCorpus, readLabels } from './v3-labels.js';

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found');
    dir = parent;
  }
  return dir;
}

export const DERIVE_DIR = 'src/engine/detect/sqli/derive';
export const BENIGN_CORPUS = 'src/engine/detect/corpus/benign.txt';

/** Decode the escapes allowed in corpus lines that start with `@esc `: \t \n \r \\ \xHH. */
export function unescapeLine(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch !== '\\' || i + 1 >= s.length) {
      out += ch;
      continue;
    }
    const n = s[++i]!;
    if (n === 't') out += '\t';
    else if (n === 'n') out += '\n';
    else if (n === 'r') out += '\r';
    else if (n === 'x') {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else out += n;
  }
  return out;
}

/**
 * Read a corpus file: one sample a line; `#` at the start of a line is a comment only when
 * followed by a space or `!` (so `#` payloads can still be written as `@esc #...`); lines
 * `@context none|single|double` set the context of the lines below (attack files).
 */
export function readCorpus(relPath: string): GeneratedAttack[] {
  const text = readFileSync(resolve(repoRoot(), relPath), 'utf8');
  // corpus files are UTF-8 text; the detector sees bytes
  const out: GeneratedAttack[] = [];
  let quote = 0;
  for (const raw of text.split('\n')) {
    if (raw === '' || raw.startsWith('# ') || raw === '#' || raw.startsWith('#!')) continue;
    if (raw.startsWith('@context ')) {
      const c = raw.slice(9).trim();
      quote = c === 'single' ? 0x27 : c === 'double' ? 0x22 : 0;
      continue;
    }
    const line = raw.startsWith('@esc ') ? unescapeLine(raw.slice(5)) : raw;
    out.push({ payload: Buffer.from(line, 'utf8').toString('latin1'), quote });
  }
  return out;
}

export function hasQuote(s: string, q: number): boolean {
  return s.indexOf(String.fromCharCode(q)) >= 0;
}

/** Packed fingerprints the detector computes for a value, in the order it tries them. */
export function detectorKeys(s: string): number[] {
  const out = [fingerprintKey(s, 0)];
  if (hasQuote(s, 0x27)) out.push(fingerprintKey(s, 0x27));
  if (hasQuote(s, 0x22)) out.push(fingerprintKey(s, 0x22));
  return out;
}

export interface Derivation {
  /** The fingerprint table (table strings, see tokens.ts), sorted. */
  fingerprints: string[];
  labelledCount: number;
  flaggedCount: number;
  benignCount: number;
  /** Flagged values none of whose fingerprints may go in the table, with the reason. */
  conflicts: { value: string; fingerprints: string[]; forbiddenBy: string }[];
  /** Labelled values on which the derived table disagrees with v3. */
  disagreements: number;
}

export function loadAttacks(): GeneratedAttack[] {
  return [...generateTemplateAttacks(), ...readCorpus(`${DERIVE_DIR}/attacks.txt`)];
}

export function loadBenign(): string[] {
  return [...readCorpus(BENIGN_CORPUS).map((a) => a.payload), ...generateBenign()];
}

export function loadLabelled(): { values: string[]; sqli: Uint8Array } {
  const values = labelledCorpus(readCorpus(`${DERIVE_DIR}/attacks.txt`).map((a) => a.payload));
  const labels = readLabels(repoRoot());
  if (labels === null) throw new Error('v3-labels.txt is missing: run node dist/test/engine/detect/oracle/label.js');
  if (labels.count !== values.length || labels.digest !== corpusDigest(values)) {
    throw new Error('v3-labels.txt does not match the labelled corpus: run node dist/test/engine/detect/oracle/label.js');
  }
  return { values, sqli: labels.sqli };
}

/** Keys that differ from `key` only in generic versus SQL-only function tokens. */
export function functionSiblings(key: number): number[] {
  const flags = key - (key % FOLDED);
  let rest = key % FOLDED;
  const toks: number[] = [];
  while (rest > 0) {
    toks.unshift(rest % 32);
    rest = Math.floor(rest / 32);
  }
  const swap: Record<number, number> = { [Tok.Function]: Tok.Generic, [Tok.Generic]: Tok.Function, [Tok.FunctionLoose]: Tok.GenericLoose, [Tok.GenericLoose]: Tok.FunctionLoose };
  let out = [0];
  for (const t of toks) {
    const next: number[] = [];
    for (const p of out) {
      next.push(p * 32 + t);
      if (swap[t] !== undefined) next.push(p * 32 + swap[t]!);
    }
    out = next;
  }
  return out.map((k) => k + flags).filter((k) => k !== key);
}

/** Least net gain (flagged values covered, less weighted passes) for a fingerprint to be taken. */
export const MIN_GAIN = 1;

/** Weight of a passed labelled value against a flagged one in the greedy choice. */
export const PASS_WEIGHT = 2;

/**
 * Lazy greedy cover. `flaggedBy`: fingerprint → flagged values producing it; `passed(k)`: how
 * many passed values produce it, or -1 when it may never be taken. Gains only shrink as values
 * get covered, so a fingerprint whose recomputed gain still tops the heap is the best choice.
 */
function greedyCover(flaggedBy: Map<number, number[]>, passed: (k: number) => number, size: number): Set<number> {
  const covered = new Uint8Array(size);
  const heap: [number, number][] = []; // [gain, key], max-heap on gain then smaller key
  const better = (a: [number, number], b: [number, number]) => a[0] > b[0] || (a[0] === b[0] && a[1] < b[1]);
  const push = (e: [number, number]) => {
    heap.push(e);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!better(heap[i]!, heap[p]!)) break;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  };
  const pop = (): [number, number] => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && better(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && better(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  };
  const gain = (k: number) => {
    let g = 0;
    for (const i of flaggedBy.get(k)!) if (!covered[i]) g++;
    return g - PASS_WEIGHT * passed(k);
  };
  for (const k of flaggedBy.keys()) if (passed(k) >= 0) push([gain(k), k]);
  const table = new Set<number>();
  while (heap.length > 0) {
    const [g, k] = pop();
    if (g < MIN_GAIN) break;
    const now = gain(k);
    if (now < g) {
      push([now, k]);
      continue;
    }
    table.add(k);
    for (const i of flaggedBy.get(k)!) covered[i] = 1;
  }
  return table;
}

/** Single-token fingerprints are never learned, except the executable comment `X`. */
function learnable(key: number): boolean {
  return key >= 32 || key === (23 as number);
}

export const DECISIONS_PATH = `${DERIVE_DIR}/v3-decisions.txt`;

/** Fingerprints kept despite a benign collision because v3 flags that benign text too (v3-decisions.txt). */
export function loadFollowV3(): Map<number, { benign: string; attack: string }> {
  const out = new Map<number, { benign: string; attack: string }>();
  for (const line of readFileSync(resolve(repoRoot(), DECISIONS_PATH), 'utf8').split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [fp, benign, attack] = line.split('\t');
    out.set(packFingerprint(fp!), { benign: benign ?? '', attack: attack ?? '' });
  }
  return out;
}

export function derive(): Derivation {
  const benign = loadBenign();
  const followV3 = loadFollowV3();
  const { values, sqli } = loadLabelled();
  const benignKeys = new Map<number, string>();
  for (const b of benign) for (const k of detectorKeys(b)) if (!benignKeys.has(k) && !followV3.has(k)) benignKeys.set(k, b);
  // For each fingerprint: the flagged labelled values that produce it (in any context the
  // detector tries) and how many passed ones do. A flagged value says that one of its
  // fingerprints is an attack fingerprint, a passed value that none of its are. The table is
  // chosen greedily: repeatedly take the fingerprint that covers the most flagged values not yet
  // covered, less PASS_WEIGHT for each passed value it would flag, while that is positive. No
  // fingerprint of a benign sample is ever taken.
  const flaggedBy = new Map<number, number[]>();
  const passedBy = new Map<number, { n: number; example: string }>();
  const keysOf: number[][] = [];
  values.forEach((v, i) => {
    const keys = [...new Set(detectorKeys(v))];
    keysOf.push(keys);
    for (const k of keys) {
      if (sqli[i]) {
        const list = flaggedBy.get(k);
        if (list) list.push(i);
        else flaggedBy.set(k, [i]);
      } else {
        const e = passedBy.get(k);
        if (e) e.n++;
        else passedBy.set(k, { n: 1, example: v });
      }
    }
  });
  const table = greedyCover(flaggedBy, (k) => (learnable(k) && !benignKeys.has(k) ? (passedBy.get(k)?.n ?? 0) : -1), values.length);
  // SQL-only and generic function names (`f`/`g`, `F`/`G`) are one class to v3: a fingerprint
  // learned with one also stands for the other, unless benign text or a passed value has it.
  for (const k of [...table]) {
    for (const v of functionSiblings(k)) {
      if (!table.has(v) && learnable(v) && !benignKeys.has(v) && !passedBy.has(v)) table.add(v);
    }
  }
  const conflicts: Derivation['conflicts'] = [];
  let flagged = 0;
  values.forEach((v, i) => {
    if (!sqli[i]) return;
    flagged++;
    const keys = keysOf[i]!;
    if (keys.some((k) => table.has(k))) return;
    const why = keys.map((k) => {
      if (!learnable(k)) return 'single token';
      const b = benignKeys.get(k);
      if (b !== undefined) return `benign: ${b}`;
      const p = passedBy.get(k);
      return `v3 passes ${p?.n ?? 0} (${p?.example ?? ''}) and flags ${flaggedBy.get(k)?.length ?? 0}`;
    });
    conflicts.push({ value: v, fingerprints: keys.map(unpackFingerprint), forbiddenBy: why.join(' | ') });
  });
  let disagreements = 0;
  values.forEach((v, i) => {
    const ours = keysOf[i]!.some((k) => table.has(k));
    if (ours !== (sqli[i] === 1)) disagreements++;
  });
  return {
    fingerprints: [...table].map(unpackFingerprint).sort(),
    labelledCount: values.length,
    flaggedCount: flagged,
    benignCount: benign.length,
    conflicts,
    disagreements,
  };
}
