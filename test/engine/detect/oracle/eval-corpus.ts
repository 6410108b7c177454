/**
 * The fixed value sets of the agreement test (test/engine/detect/v3-agreement.test.ts), all
 * deterministic. None of them is in the labelled corpus the derivation learns from: the
 * probes use another seed, the attack sample other positions of the generated attacks.
 */
import { readCorpus } from '../../../../src/engine/detect/sqli/derive/derive.js';
import { generateMutations, generateProbes } from '../../../../src/engine/detect/sqli/derive/probes.js';
import { generateTemplateAttacks } from '../../../../src/engine/detect/sqli/derive/templates.js';
import { TEMPLATE_STRIDE } from '../../../../src/engine/detect/sqli/derive/v3-labels.js';
import { generateLookalikes } from './lookalikes.js';

export const EVAL_PROBE_SEED = 0xe7a1;

/** Held-out generated attacks: template attacks, their mutations, random SQL-ish probes. */
export function evalAttackSets(): { templates: string[]; mutations: string[]; probes: string[] } {
  const probes = generateProbes(EVAL_PROBE_SEED, 20_000);
  const t = generateTemplateAttacks();
  // positions the labelled sample (every TEMPLATE_STRIDE-th from 0) never takes
  const templates: string[] = [];
  for (let i = 7; i < t.length; i += TEMPLATE_STRIDE * 2) templates.push(t[i]!.payload);
  const seen = new Set<string>([...probes, ...templates]);
  const mutations = generateMutations(EVAL_PROBE_SEED + 1, 10_000, templates).filter((v) => !seen.has(v));
  const tset = new Set(templates);
  return { templates, mutations, probes: probes.filter((v) => !tset.has(v)) };
}

/** All of them, without duplicates. */
export function evalAttacks(): string[] {
  const s = evalAttackSets();
  return [...new Set([...s.probes, ...s.templates, ...s.mutations])];
}

/** Benign text: generated look-alikes and the held-out benign corpora. */
export function evalBenign(): string[] {
  const out = new Set<string>(generateLookalikes(0xbe9, 20_000));
  for (const f of ['test/engine/detect/corpus/benign-holdout.txt', 'test/engine/detect/corpus/xss-benign.txt']) {
    for (const a of readCorpus(f)) out.add(a.payload);
  }
  return [...out];
}
