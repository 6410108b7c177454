import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCrsConformance, summarizeFailures } from '../../src/conformance/crs/index.js';
import { loadKnownFailures } from '../../src/conformance/crs/known-failures.js';
import { loadTests } from '../../src/conformance/crs/loader.js';
import { CRS_DIR, REPO_ROOT } from '../helpers/shared.js';

const KNOWN_FAILURES = join(REPO_ROOT, 'test', 'conformance', 'crs-known-failures.yaml');

test('every known-failures entry names a test of the suite and gives a reason', () => {
  const known = loadKnownFailures(KNOWN_FAILURES);
  const names = new Set(loadTests(join(CRS_DIR, 'tests', 'regression', 'tests')).tests.map((t) => t.name));
  for (const name of [...known.overrides.keys(), ...known.knownFailures.keys()]) {
    assert.ok(names.has(name), `${name} is not a test of the CRS suite`);
  }
  for (const o of known.overrides.values()) {
    const e = o.expect;
    const states = e.status !== 0 || e.expectError || e.log.expectIds.length > 0 || e.log.noExpectIds.length > 0 || e.log.matchRegex !== '' || e.log.noMatchRegex !== '';
    assert.ok(states, `override ${o.test} must state what vpatch does instead`);
  }
});

test('CRS regression suite: no failure outside the known-failures file', { timeout: 15 * 60_000 }, async (t) => {
  const result = await runCrsConformance({ crsDir: CRS_DIR, knownFailuresFile: KNOWN_FAILURES });
  const known = result.failed - result.unexpectedFailures.length;
  const summary = summarizeFailures(result);
  const lines = [
    `CRS ${result.crsVersion}: ${result.total} tests, ${result.passed} passed (${result.overridesPassed} by a declared override), ` +
      `${result.failed} failed (${known} known), ${result.skipped} skipped in ${(result.durationMs / 1000).toFixed(1)} s`,
    `pass rate ${((100 * result.passed) / Math.max(1, result.total - result.skipped)).toFixed(2)} %`,
    `failures by category: ${summary.byCategory.map((c) => `${c.category} ${c.count}`).join(', ') || 'none'}`,
  ];
  if (result.staleKnownFailures.length > 0) lines.push(`known failures that now pass (remove them): ${result.staleKnownFailures.join(', ')}`);
  for (const f of result.unexpectedFailures.slice(0, 50)) lines.push(`  UNEXPECTED ${f.test}: ${f.reason}`);
  if (result.vacuousPasses.length > 0) lines.push(`passed only because the front end answered alone: ${result.vacuousPasses.join(', ')}`);
  for (const line of lines) t.diagnostic(line);
  assert.equal(result.total, 5003);
  assert.deepEqual(result.vacuousPasses, [], 'front-end differences must be declared as overrides');
  assert.deepEqual(result.unexpectedFailures.map((f) => `${f.test}: ${f.reason}`), []);
});
