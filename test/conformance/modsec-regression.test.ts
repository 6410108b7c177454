import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  loadModsecRegressionCases,
  loadRegressionKnownFailures,
  runModsecRegression,
} from '../../src/conformance/modsec-regression.js';
import { parseOrderedJson, OrderedJsonObject } from '../../src/conformance/ordered-json.js';
import { REPO_ROOT, SECLANG_TESTS_DIR } from '../helpers/shared.js';

const KNOWN_FAILURES = join(REPO_ROOT, 'test', 'conformance', 'modsec-regression-known-failures.yaml');

test('the case reader keeps repeated members and merges repeated objects as v3\'s runner does', () => {
  const doc = parseOrderedJson('{"h":{"A":"1","A":"2"},"e":{"x":1},"e":{"x":2,"y":3}}') as OrderedJsonObject;
  assert.deepEqual((doc.get('h') as OrderedJsonObject).members, [['A', '1'], ['A', '2']]);
  const e = doc.get('e') as OrderedJsonObject;
  assert.equal(e.get('x'), 2);
  assert.equal(e.get('y'), 3);
});

test('every known-failures entry names cases of the suite and gives a reason', () => {
  const names = loadModsecRegressionCases(SECLANG_TESTS_DIR).map((c) => c.name);
  assert.equal(names.length, 656);
  for (const k of loadRegressionKnownFailures(KNOWN_FAILURES)) {
    assert.ok(names.some((n) => k.matches(n)), `${k.test} matches no case`);
    assert.ok(k.reason.length > 20, `${k.test} needs a reason`);
  }
});

test('ModSecurity v3 regression cases: no failure outside the known-failures file', (t) => {
  const result = runModsecRegression(SECLANG_TESTS_DIR, { knownFailuresFile: KNOWN_FAILURES });
  const known = new Set(result.knownFailures);
  const unexpected = result.failures.filter((f) => !known.has(f.test));
  const bySkipReason = new Map<string, number>();
  for (const s of result.skips) bySkipReason.set(s.reason, (bySkipReason.get(s.reason) ?? 0) + 1);
  t.diagnostic(`${result.total} cases: ${result.passed} passed, ${result.failed} failed (${known.size} known), ${result.skipped} skipped`);
  for (const [reason, n] of bySkipReason) t.diagnostic(`  skipped ${n}: ${reason}`);
  for (const f of unexpected) t.diagnostic(`  UNEXPECTED ${f.test}: ${f.reason.slice(0, 400)}`);

  assert.equal(result.total, 656);
  assert.equal(result.passed + result.failed + result.skipped, result.total);
  assert.deepEqual(unexpected.map((f) => `${f.test}: ${f.reason}`), []);
  // An entry whose cases all pass now must go.
  const failing = result.failures.map((f) => f.test);
  const stale = loadRegressionKnownFailures(KNOWN_FAILURES).filter((k) => !failing.some((n) => k.matches(n)));
  assert.deepEqual(stale.map((k) => k.test), [], 'known failures that pass now: remove them from the file');
  // Skips are only for resources vpatch does not have, disabled cases and cases that expect
  // nothing but libmodsecurity's debug-log text.
  for (const s of result.skips) {
    assert.match(s.reason, /^(needs |expects libmodsecurity debug-log text only$|disabled in the case file)/, `${s.test}: ${s.reason}`);
  }
});
