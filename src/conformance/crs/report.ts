/**
 * Groupings of a CRS run's failures, for the CLI's summary and for directing engine work:
 * by the rule a test file targets, and by what went wrong.
 */
import type { CrsRunResult, TestOutcome } from './runner.js';

export type FailureCategory =
  | 'front-end'        // the HTTP front end answered or closed without the engine seeing the request
  | 'missed-detection' // an expected rule id was not logged
  | 'false-positive'   // a rule id (or log line) that must not appear was logged
  | 'log-line'         // expected ids present but a match_regex on the log lines failed
  | 'status'           // the response status differs (engine saw the request)
  | 'transport'        // a transport error, or none where one was expected
  | 'harness';         // the request could not be built, the engine threw, or the server hung

export function categorize(outcome: TestOutcome): FailureCategory | null {
  const stage = outcome.stages.find((s) => s.failure !== null);
  if (!stage || !stage.failure) return null;
  const f = stage.failure;
  if (f.kind === 'harness') return 'harness';
  if (stage.transactions === 0 && (f.kind !== 'expected-error')) return 'front-end';
  switch (f.kind) {
    case 'missing-ids': return 'missed-detection';
    case 'unexpected-ids':
    case 'no-match-regex':
    case 'isolated': return 'false-positive';
    case 'match-regex': return 'log-line';
    case 'status':
    case 'response-contains': return 'status';
    default: return 'transport';
  }
}

export interface FailureSummary {
  byCategory: Array<{ category: FailureCategory; count: number }>;
  /** Per target rule (the test file's rule_id): failing tests, most first. */
  byRule: Array<{ ruleId: number; failed: number; total: number; tests: string[]; categories: Partial<Record<FailureCategory, number>> }>;
  /** Rule ids that were logged where they must not be, with how often. */
  falsePositiveIds: Array<{ id: number; count: number }>;
  /** Expected rule ids that were not logged, with how often. */
  missedIds: Array<{ id: number; count: number }>;
}

export function summarizeFailures(result: Pick<CrsRunResult, 'outcomes'>): FailureSummary {
  const cats = new Map<FailureCategory, number>();
  const rules = new Map<number, { failed: number; total: number; tests: string[]; categories: Partial<Record<FailureCategory, number>> }>();
  const fp = new Map<number, number>();
  const missed = new Map<number, number>();
  for (const o of result.outcomes) {
    if (o.result === 'skipped') continue;
    let r = rules.get(o.ruleId);
    if (!r) {
      r = { failed: 0, total: 0, tests: [], categories: {} };
      rules.set(o.ruleId, r);
    }
    r.total++;
    if (o.result !== 'failed') continue;
    const c = categorize(o) ?? 'harness';
    cats.set(c, (cats.get(c) ?? 0) + 1);
    r.failed++;
    r.tests.push(o.test);
    r.categories[c] = (r.categories[c] ?? 0) + 1;
    const f = o.stages.find((s) => s.failure)?.failure;
    for (const id of f?.unexpectedIds ?? []) fp.set(id, (fp.get(id) ?? 0) + 1);
    for (const id of f?.missingIds ?? []) missed.set(id, (missed.get(id) ?? 0) + 1);
  }
  const sortCount = <T extends { count: number }>(a: T[]): T[] => a.sort((x, y) => y.count - x.count);
  return {
    byCategory: sortCount([...cats].map(([category, count]) => ({ category, count }))),
    byRule: [...rules]
      .filter(([, r]) => r.failed > 0)
      .map(([ruleId, r]) => ({ ruleId, ...r }))
      .sort((a, b) => b.failed - a.failed || a.ruleId - b.ruleId),
    falsePositiveIds: sortCount([...fp].map(([id, count]) => ({ id, count }))),
    missedIds: sortCount([...missed].map(([id, count]) => ({ id, count }))),
  };
}
