/**
 * The known-failures file (test/conformance/crs-known-failures.yaml):
 *
 *   overrides:              # front-end differences: what vpatch does instead, and why
 *     - test: 920100-2
 *       reason: "..."
 *       stage: 0            # optional: only this stage (0-based); default all stages
 *       expect:             # replaces the test's expected output (go-ftw `output` schema)
 *         status: 400
 *   known_failures:         # set aside without an expectation: they count as failed
 *     - test: 934131-5
 *       reason: "..."
 *
 * An override whose expectation holds counts as passed; a known failure counts as failed but
 * does not fail the run. Every entry needs a reason.
 */
import { readFileSync } from 'node:fs';
import { parseOutput, parseYamlAsStrings } from './loader.js';
import type { FtwOutput } from './types.js';

export interface OverrideEntry {
  test: string;
  reason: string;
  stage: number | null;
  expect: FtwOutput;
}

export interface KnownFailureEntry {
  test: string;
  reason: string;
}

export interface KnownFailures {
  overrides: Map<string, OverrideEntry>;
  knownFailures: Map<string, KnownFailureEntry>;
}

export function emptyKnownFailures(): KnownFailures {
  return { overrides: new Map(), knownFailures: new Map() };
}

const TEST_NAME = /^\d+-\d+$/;

export function parseKnownFailures(text: string, file = '<known failures>'): KnownFailures {
  const doc = (parseYamlAsStrings(text, file) ?? {}) as Record<string, unknown>;
  const result = emptyKnownFailures();
  const list = (key: string): Array<Record<string, unknown>> => {
    const v = doc[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw new Error(`${file}: ${key} must be a list`);
    return v as Array<Record<string, unknown>>;
  };
  const common = (e: Record<string, unknown>, key: string, i: number): { test: string; reason: string } => {
    const test = typeof e.test === 'string' ? e.test : '';
    const reason = typeof e.reason === 'string' ? e.reason.trim() : '';
    if (!TEST_NAME.test(test)) throw new Error(`${file}: ${key}[${i}]: test must look like 920100-4, got ${JSON.stringify(e.test)}`);
    if (reason === '') throw new Error(`${file}: ${key}[${i}] (${test}): a reason is required`);
    if (result.overrides.has(test) || result.knownFailures.has(test)) throw new Error(`${file}: ${test} is listed twice`);
    return { test, reason };
  };
  list('overrides').forEach((e, i) => {
    const { test, reason } = common(e, 'overrides', i);
    if (e.expect === undefined || e.expect === null || typeof e.expect !== 'object') {
      throw new Error(`${file}: overrides[${i}] (${test}): an override must state what vpatch does instead (expect: ...)`);
    }
    const stage = e.stage === undefined || e.stage === null ? null : Number(e.stage);
    if (stage !== null && !Number.isInteger(stage)) throw new Error(`${file}: overrides[${i}] (${test}): stage must be an integer`);
    result.overrides.set(test, { test, reason, stage, expect: parseOutput(e.expect) });
  });
  list('known_failures').forEach((e, i) => {
    const { test, reason } = common(e, 'known_failures', i);
    if (e.expect !== undefined) throw new Error(`${file}: known_failures[${i}] (${test}): an entry with expect belongs under overrides`);
    result.knownFailures.set(test, { test, reason });
  });
  return result;
}

export function loadKnownFailures(file: string): KnownFailures {
  return parseKnownFailures(readFileSync(file, 'utf8'), file);
}

/**
 * A second declarations file layered over the first, for a run whose HTTP front end differs
 * from the in-process harness (`vpatch conformance crs --via-serve`,
 * test/proxy/crs-serve-differences.yaml). Its `overrides` and `known_failures` replace the
 * first file's entries for the same tests; `as_suite` entries drop the first file's entry,
 * because through that front end the suite's own expectation holds. Every entry needs a reason.
 *
 *   as_suite:
 *     - test: 920100-8
 *       reason: "vpatch serve answers 400 to a fragment in the target, as Apache does"
 */
export interface KnownFailuresLayer extends KnownFailures {
  asSuite: Map<string, KnownFailureEntry>;
}

export function parseKnownFailuresLayer(text: string, file = '<front-end differences>'): KnownFailuresLayer {
  const base = parseKnownFailures(text, file);
  const doc = (parseYamlAsStrings(text, file) ?? {}) as Record<string, unknown>;
  const asSuite = new Map<string, KnownFailureEntry>();
  const v = doc.as_suite;
  if (v !== undefined && v !== null) {
    if (!Array.isArray(v)) throw new Error(`${file}: as_suite must be a list`);
    (v as Array<Record<string, unknown>>).forEach((e, i) => {
      const test = typeof e.test === 'string' ? e.test : '';
      const reason = typeof e.reason === 'string' ? e.reason.trim() : '';
      if (!TEST_NAME.test(test)) throw new Error(`${file}: as_suite[${i}]: test must look like 920100-4, got ${JSON.stringify(e.test)}`);
      if (reason === '') throw new Error(`${file}: as_suite[${i}] (${test}): a reason is required`);
      if (asSuite.has(test) || base.overrides.has(test) || base.knownFailures.has(test)) throw new Error(`${file}: ${test} is listed twice`);
      asSuite.set(test, { test, reason });
    });
  }
  const known = new Set(Object.keys(doc));
  for (const k of known) if (!['overrides', 'known_failures', 'as_suite'].includes(k)) throw new Error(`${file}: unknown key ${k} (overrides, known_failures, as_suite)`);
  return { ...base, asSuite };
}

export function loadKnownFailuresLayer(file: string): KnownFailuresLayer {
  return parseKnownFailuresLayer(readFileSync(file, 'utf8'), file);
}

/** `base` with `layer` applied: the layer's entries win; its `as_suite` tests have no entry. */
export function layerKnownFailures(base: KnownFailures, layer: KnownFailuresLayer): KnownFailures {
  const overrides = new Map(base.overrides);
  const knownFailures = new Map(base.knownFailures);
  const drop = (test: string): void => {
    overrides.delete(test);
    knownFailures.delete(test);
  };
  for (const t of layer.asSuite.keys()) drop(t);
  for (const [t, e] of layer.overrides) {
    drop(t);
    overrides.set(t, e);
  }
  for (const [t, e] of layer.knownFailures) {
    drop(t);
    knownFailures.set(t, e);
  }
  return { overrides, knownFailures };
}
