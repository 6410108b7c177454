/**
 * Derivation of the SQLi fingerprint set from vpatch's own corpora:
 *
 *   attack fingerprints = fingerprints of the generated attacks (templates.ts) and of the
 *                         hand-written attacks (attacks.txt), each read in the quote context
 *                         its injection starts in
 *   benign fingerprints = fingerprints of the benign corpus in every context the detector
 *                         tries (as is; after ' when the text has one; after " likewise)
 *   table               = attack fingerprints − benign fingerprints
 *
 * Corpus files are read from the source tree (they are data, not compiled).
 */
import { readFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fingerprint } from '../fold.js';
import { generateTemplateAttacks, type GeneratedAttack } from './templates.js';
import { generateBenign } from './benign-templates.js';

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
/** Shortest fingerprint kept. */
export const MIN_LENGTH = 2;
/** Shortest prefix of an attack fingerprint kept as an attack fingerprint. */
export const PREFIX_MIN = 4;

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

/** Fingerprints the detector computes for a value (one per context it tries). */
export function detectorFingerprints(s: string): string[] {
  const out = [fingerprint(s, 0)];
  if (hasQuote(s, 0x27)) out.push(fingerprint(s, 0x27));
  if (hasQuote(s, 0x22)) out.push(fingerprint(s, 0x22));
  return out;
}

export interface Derivation {
  /** The fingerprint table, sorted. */
  fingerprints: string[];
  attackCount: number;
  benignCount: number;
  /** Attack fingerprints dropped because benign text produces them, with one example each. */
  collisions: Map<string, { attack: string; benign: string }>;
  /** How many attacks are not detected by the derived table. */
  missed: number;
}

export function loadAttacks(): GeneratedAttack[] {
  return [...generateTemplateAttacks(), ...readCorpus(`${DERIVE_DIR}/attacks.txt`)];
}

export function loadBenign(): string[] {
  return [...readCorpus(BENIGN_CORPUS).map((a) => a.payload), ...generateBenign()];
}

export function derive(): Derivation {
  const attacks = loadAttacks();
  const benign = loadBenign();
  const benignFp = new Map<string, string>();
  for (const b of benign) for (const fp of detectorFingerprints(b)) if (!benignFp.has(fp)) benignFp.set(fp, b);
  const attackFp = new Map<string, string>();
  for (const a of attacks) {
    const fp = fingerprint(a.payload, a.quote);
    // a single token is never evidence of an attack by itself
    if (fp.length < MIN_LENGTH) continue;
    if (!attackFp.has(fp)) attackFp.set(fp, a.payload);
  }
  // An attack cut short (by a length limit, or a payload that stops early) leaves a prefix of its
  // fingerprint: keep prefixes of PREFIX_MIN or more tokens as attack fingerprints too.
  for (const [fp, example] of [...attackFp]) {
    for (let n = PREFIX_MIN; n < fp.length; n++) {
      const p = fp.slice(0, n);
      // only prefixes that already hold an SQL-only token: a union, statement, server command,
      // tail clause, function, variable, executable comment or statement separator
      if (!/[UETBfvX;]/.test(p)) continue;
      if (!attackFp.has(p)) attackFp.set(p, example);
    }
  }
  const collisions = new Map<string, { attack: string; benign: string }>();
  const table: string[] = [];
  for (const [fp, example] of attackFp) {
    const b = benignFp.get(fp);
    if (b !== undefined) collisions.set(fp, { attack: example, benign: b });
    else table.push(fp);
  }
  table.sort();
  const set = new Set(table);
  let missed = 0;
  for (const a of attacks) {
    if (!detectorFingerprints(a.payload).some((fp) => set.has(fp))) missed++;
  }
  return { fingerprints: table, attackCount: attacks.length, benignCount: benign.length, collisions, missed };
}
