/**
 * ModSecurity v3's verdicts on vpatch's own labelled corpus (exploration probes, a sample of
 * the generated attacks and the hand-written attacks), checked in as one bit per value in
 * v3-labels.txt so that the derivation runs without libmodsecurity. The labelling tool
 * (test/engine/detect/oracle/label.ts) rewrites the file; the derivation refuses a file whose
 * corpus digest no longer matches the corpus.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateEnumeration, generateMutations, generateProbes, generateShapes } from './probes.js';
import { generateTemplateAttacks } from './templates.js';

export const LABELS_PATH = 'src/engine/detect/sqli/derive/v3-labels.txt';
/** Seed and size of the exploration probes the derivation learns from. */
export const TRAIN_SEED = 0x5eed01;
export const TRAIN_PROBES = 150_000;
/** Every TEMPLATE_STRIDE-th generated attack is labelled. */
export const TEMPLATE_STRIDE = 20;
/** How many mutations of the sampled and hand-written attacks are labelled. */
export const TRAIN_MUTATIONS = 80_000;
/** How many fingerprint-shaped probes are labelled. */
export const TRAIN_SHAPES = 150_000;
/** Class sequences: all of length 2 to ENUM_FULL, and ENUM_SAMPLED longer ones. */
export const ENUM_FULL = 4;
export const ENUM_SAMPLED = 120_000;

export interface LabelFile {
  version: string;
  digest: string;
  count: number;
  sqli: Uint8Array;
}

/** The labelled corpus, in label order (deterministic). `hand` are the hand-written attacks. */
export function labelledCorpus(hand: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const push = (v: string) => {
    if (v !== '' && !seen.has(v)) {
      seen.add(v);
      out.push(v);
    }
  };
  for (const v of generateProbes(TRAIN_SEED, TRAIN_PROBES)) push(v);
  const firstAttack = out.length;
  const templates = generateTemplateAttacks();
  for (let i = 0; i < templates.length; i += TEMPLATE_STRIDE) push(templates[i]!.payload);
  for (const v of hand) push(v);
  const bases = out.slice(firstAttack);
  for (const v of generateMutations(TRAIN_SEED + 1, TRAIN_MUTATIONS, bases)) push(v);
  for (const v of generateShapes(TRAIN_SEED + 2, TRAIN_SHAPES)) push(v);
  for (const v of generateEnumeration(TRAIN_SEED + 3, ENUM_FULL, ENUM_SAMPLED)) push(v);
  return out;
}

export function corpusDigest(values: readonly string[]): string {
  const h = createHash('sha256');
  for (const v of values) h.update(Buffer.from(v + '\n', 'latin1'));
  return h.digest('hex');
}

export function renderLabels(version: string, values: readonly string[], sqli: readonly boolean[]): string {
  const bits = new Uint8Array(Math.ceil(values.length / 8));
  sqli.forEach((b, i) => {
    if (b) bits[i >> 3]! |= 1 << (i & 7);
  });
  const b64 = Buffer.from(bits).toString('base64');
  const lines = [
    '# ModSecurity v3 @detectSQLi verdicts on the labelled corpus (src/engine/detect/sqli/derive/v3-labels.ts),',
    '# one bit per value in corpus order. Regenerate: node dist/test/engine/detect/oracle/label.js',
    `version ${version}`,
    `count ${values.length}`,
    `digest ${corpusDigest(values)}`,
  ];
  for (let i = 0; i < b64.length; i += 100) lines.push('bits ' + b64.slice(i, i + 100));
  return lines.join('\n') + '\n';
}

export function readLabels(root: string): LabelFile | null {
  const path = resolve(root, LABELS_PATH);
  if (!existsSync(path)) return null;
  let version = '';
  let digest = '';
  let count = 0;
  let b64 = '';
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.startsWith('version ')) version = line.slice(8);
    else if (line.startsWith('digest ')) digest = line.slice(7);
    else if (line.startsWith('count ')) count = Number(line.slice(6));
    else if (line.startsWith('bits ')) b64 += line.slice(5);
  }
  const bytes = Buffer.from(b64, 'base64');
  const sqli = new Uint8Array(count);
  for (let i = 0; i < count; i++) sqli[i] = (bytes[i >> 3]! >> (i & 7)) & 1;
  return { version, digest, count, sqli };
}
