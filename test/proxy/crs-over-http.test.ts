/**
 * The CRS regression suite over real HTTP through a `vpatch serve` process (go-ftw style: raw
 * requests on loopback, rule ids and error-log lines read back from the server's audit and
 * error logs), on a representative sample: every 10th test plus every test that sends a
 * multipart, XML or JSON body or targets the RESPONSE-95x rules. The same sample runs
 * in-process, and both must give the same pass rate with the same expectations and known
 * failures; the over-HTTP run may differ only where test/proxy/crs-serve-differences.yaml
 * declares a front-end difference. The whole suite: `vpatch conformance crs --via-serve`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CRS_DIR, REPO_ROOT } from '../helpers/shared.js';
import {
  compileCrsTestWaf,
  loadKnownFailures,
  loadTests,
  runCrsTests,
  runCrsConformanceViaServe,
  type CrsRunResult,
} from '../../src/conformance/crs/index.js';
import { decodeBase64Strict } from '../../src/conformance/crs/request-builder.js';
import type { FtwTest } from '../../src/conformance/crs/types.js';

const TESTS_DIR = join(CRS_DIR, 'tests', 'regression', 'tests');
const HAVE_SUITE = existsSync(TESTS_DIR) && existsSync(join(CRS_DIR, 'rules', 'REQUEST-901-INITIALIZATION.conf'));
const KNOWN = join(REPO_ROOT, 'test', 'conformance', 'crs-known-failures.yaml');
const DIFFERENCES = join(REPO_ROOT, 'test', 'proxy', 'crs-serve-differences.yaml');

type Kind = 'multipart' | 'xml' | 'json' | 'response';

/** Body kinds a test sends (from Content-Type, including inside encoded requests) and whether it targets RESPONSE-95x. */
function kinds(t: FtwTest): Set<Kind> {
  const out = new Set<Kind>();
  if (/^RESPONSE-95\d/.test(t.file)) out.add('response');
  for (const s of t.stages) {
    const i = s.input;
    const types: string[] = [];
    for (const h of [...(i.orderedHeaders ?? []), ...(i.headers ?? [])]) if (h.name.toLowerCase() === 'content-type') types.push(h.value);
    if (i.encodedRequest) {
      try {
        const raw = decodeBase64Strict(i.encodedRequest, 'encoded_request').toString('latin1');
        for (const m of raw.matchAll(/^content-type:[ \t]*([^\r\n]*)/gim)) types.push(m[1]!);
      } catch {
        /* the runner reports undecodable requests */
      }
    }
    for (const ct of types.map((x) => x.toLowerCase())) {
      if (ct.includes('multipart/')) out.add('multipart');
      if (/xml/.test(ct)) out.add('xml');
      if (/json/.test(ct)) out.add('json');
    }
  }
  return out;
}

function sample(all: FtwTest[]): { tests: FtwTest[]; byKind: Record<Kind, number> } {
  const byKind: Record<Kind, number> = { multipart: 0, xml: 0, json: 0, response: 0 };
  const tests = all.filter((t, i) => {
    const k = kinds(t);
    for (const x of k) byKind[x]++;
    return i % 10 === 0 || k.size > 0;
  });
  return { tests, byKind };
}

function describe(r: CrsRunResult): string {
  const fails = r.failures.map((f) => `${f.test}: ${f.reason}`).join('\n  ');
  return `${r.passed}/${r.total} passed, ${r.failed} failed${fails ? `\n  ${fails}` : ''}`;
}

test('CRS regression sample over real HTTP through vpatch serve: same pass rate as in-process', { skip: !HAVE_SUITE && `CRS regression tests not found in ${TESTS_DIR}`, timeout: 600_000 }, async (t) => {
  const all = loadTests(TESTS_DIR).tests;
  const { tests, byKind } = sample(all);
  // The sample is representative: it carries every body processor and the response rules.
  for (const k of ['multipart', 'xml', 'json', 'response'] as const) assert.ok(byKind[k] > 0, `no ${k} tests in the suite sample`);
  assert.ok(tests.length >= all.length / 10, `sample of ${tests.length}`);

  const known = loadKnownFailures(KNOWN);
  const inProcess = await runCrsTests({ crsDir: CRS_DIR, waf: compileCrsTestWaf(CRS_DIR), tests, knownFailures: known });
  const overHttp = await runCrsConformanceViaServe({ crsDir: CRS_DIR, tests, knownFailuresFile: KNOWN, serveDifferencesFile: DIFFERENCES });

  const msg = `in-process: ${describe(inProcess)}\nover HTTP: ${describe(overHttp)}\n(sample of ${tests.length}: multipart ${byKind.multipart}, XML ${byKind.xml}, JSON ${byKind.json}, RESPONSE-95x ${byKind.response})`;
  assert.equal(overHttp.total, tests.length);
  assert.deepEqual(overHttp.unexpectedFailures, [], msg);
  assert.deepEqual(inProcess.unexpectedFailures, [], msg);
  assert.equal(overHttp.passed, inProcess.passed, msg);
  // The same tests fail (known failures) on both sides.
  assert.deepEqual(overHttp.failures.map((f) => f.test), inProcess.failures.map((f) => f.test), msg);
  // A test the front end answered alone must be declared, not pass by accident.
  assert.deepEqual(overHttp.vacuousPasses, [], msg);

  // The logs were really read: the engine saw the stages and rules came back from serve's logs.
  const stages = overHttp.outcomes.flatMap((o) => o.stages);
  const inspected = stages.filter((s) => s.transactions > 0).length;
  assert.ok(inspected >= stages.length * 0.9, `only ${inspected} of ${stages.length} stages reached the engine`);
  const withRules = stages.filter((s) => s.ruleIds.length > 0).length;
  assert.ok(withRules >= stages.length * 0.5, `only ${withRules} of ${stages.length} stages logged a rule`);
  // 980170 is `noauditlog`: it comes from the error log, not the audit record.
  assert.ok(stages.some((s) => s.ruleIds.includes(980170)), '980170 (noauditlog) never collected');
  t.diagnostic(`sample of ${tests.length} tests (multipart ${byKind.multipart}, XML ${byKind.xml}, JSON ${byKind.json}, RESPONSE-95x ${byKind.response}): in-process ${inProcess.passed}/${inProcess.total}, over HTTP ${overHttp.passed}/${overHttp.total} (${overHttp.overridesPassed} by declared overrides)`);
});
