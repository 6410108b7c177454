import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkStage, goRegex } from '../../src/conformance/crs/checks.js';
import { parseKnownFailures } from '../../src/conformance/crs/known-failures.js';
import { parseOutput, parseTestFile } from '../../src/conformance/crs/loader.js';
import { runCrsTests, isSkipped } from '../../src/conformance/crs/runner.js';
import { albedoHandler, sniffContentType } from '../../src/conformance/crs/albedo.js';
import { sendRaw, type RawResponse } from '../../src/conformance/crs/raw-client.js';
import type { AdapterTransaction, AdapterWaf } from '../../src/adapters/node-http.js';
import type { MatchedRule } from '../../src/engine/api-types.js';
import { testSetupConf } from '../../src/conformance/crs/test-setup.js';

const response = (status: number, body = ''): RawResponse => ({ status, statusLine: `HTTP/1.1 ${status} X`, headers: [], body: Buffer.from(body), raw: Buffer.from(`HTTP/1.1 ${status} X\r\n\r\n${body}`) });
const line = (id: number, msg = 'm'): string => `ModSecurity: Warning. Matched "x" [id "${id}"] [msg "${msg}"] [data "d"]`;

test('stage checks follow go-ftw: expect_error first, then status, response_contains, log checks', () => {
  const seen = { response: response(200, 'hello'), error: null, ruleIds: [942100, 949110], logLines: [line(942100, 'SQL Injection'), line(949110)] };
  assert.equal(checkStage(parseOutput({ log: { expect_ids: [942100] } }), seen), null);
  assert.equal(checkStage(parseOutput({ status: 403, log: { expect_ids: [942100] } }), seen)?.kind, 'status');
  assert.equal(checkStage(parseOutput({ response_contains: 'hello' }), seen), null);
  assert.equal(checkStage(parseOutput({ response_contains: 'bye' }), seen)?.kind, 'response-contains');
  assert.deepEqual(checkStage(parseOutput({ log: { expect_ids: [942100, 942200] } }), seen)?.missingIds, [942200]);
  assert.deepEqual(checkStage(parseOutput({ log: { no_expect_ids: [949110, 1] } }), seen)?.unexpectedIds, [949110]);
  assert.equal(checkStage(parseOutput({ log: { match_regex: '\\[id "942100"\\].*\\[msg "SQL' } }), seen), null);
  assert.equal(checkStage(parseOutput({ log: { no_match_regex: '\\[id "\\d+"\\]' } }), seen)?.kind, 'no-match-regex');
  assert.equal(checkStage(parseOutput({ isolated: true, log: { expect_ids: [942100] } }), seen)?.kind, 'isolated');
  // expect_error: a transport error passes (other checks skipped); a response fails.
  assert.equal(checkStage(parseOutput({ expect_error: true, status: 200 }), { ...seen, response: null, error: 'EOF' }), null);
  assert.equal(checkStage(parseOutput({ expect_error: true }), seen)?.kind, 'expected-error');
  assert.equal(checkStage(parseOutput({}), { ...seen, response: null, error: 'EOF' })?.kind, 'transport-error');
  assert.equal(goRegex('(?i)SQL injection').test('sql INJECTION'), true);
});

test('include/exclude follow go-ftw: inclusion wins, otherwise exclusion, otherwise must match include', () => {
  assert.equal(isSkipped('942100-1', /^942/, /-1$/), false);
  assert.equal(isSkipped('941100-1', undefined, /-1$/), true);
  assert.equal(isSkipped('941100-2', /^942/), true);
  assert.equal(isSkipped('941100-2'), false);
});

test('known-failures file: overrides must state an expectation, every entry needs a reason, no duplicates', () => {
  const k = parseKnownFailures('overrides:\n  - test: 1-1\n    reason: r\n    expect: {status: 400}\nknown_failures:\n  - test: 1-2\n    reason: why\n');
  assert.equal(k.overrides.get('1-1')!.expect.status, 400);
  assert.equal(k.knownFailures.get('1-2')!.reason, 'why');
  assert.throws(() => parseKnownFailures('overrides:\n  - test: 1-1\n    reason: r\n'), /state what vpatch does/);
  assert.throws(() => parseKnownFailures('known_failures:\n  - test: 1-1\n'), /reason is required/);
  assert.throws(() => parseKnownFailures('known_failures:\n  - {test: 1-1, reason: a}\n  - {test: 1-1, reason: b}\n'), /twice/);
  assert.throws(() => parseKnownFailures('known_failures:\n  - {test: x, reason: a}\n'), /920100-4/);
});

test('albedo backend: /reflect answers with the spec (sniffed Content-Type), everything else 200 empty', async () => {
  const server = createServer(albedoHandler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const post = (path: string, body: string) =>
    sendRaw(Buffer.from(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`), { host: '127.0.0.1', port, timeoutMs: 5000 });
  try {
    const r1 = await post('/reflect', JSON.stringify({ status: 503, headers: { 'x-leak': 'yes' }, body: '<html><body>Warning: mysql_fetch</body></html>' }));
    assert.equal(r1.response!.status, 503);
    assert.ok(r1.response!.headers.some(([k, v]) => k === 'X-Leak' && v === 'yes'));
    assert.ok(r1.response!.headers.some(([k, v]) => k === 'Content-Type' && v === 'text/html; charset=utf-8'));
    assert.equal(r1.response!.body.toString(), '<html><body>Warning: mysql_fetch</body></html>');
    const r2 = await post('/reflect/', JSON.stringify({ encodedBody: Buffer.from('plain text').toString('base64') }));
    assert.equal(r2.response!.status, 200);
    assert.ok(r2.response!.headers.some(([k, v]) => k === 'Content-Type' && v === 'text/plain; charset=utf-8'));
    assert.equal((await post('/reflect', '{not json')).response!.status, 400);
    const other = await post('/post', 'a=1');
    assert.equal(other.response!.status, 200);
    assert.equal(other.response!.body.length, 0);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
  assert.equal(sniffContentType(Buffer.from('  <!DOCTYPE html><p>')), 'text/html; charset=utf-8');
  assert.equal(sniffContentType(Buffer.from([0x00, 0x01])), 'application/octet-stream');
});

/** A stand-in engine that "logs" rule 1 when the request target contains "attack". */
function fakeWaf(): AdapterWaf {
  return {
    newTransaction() {
      let uri = '';
      const rules: MatchedRule[] = [];
      const tx: AdapterTransaction = {
        processConnection() {},
        processUri(u) { uri = u; },
        addRequestHeader() {},
        processRequestHeaders() {
          if (uri.includes('attack')) rules.push({ id: 1, phase: 1, msg: 'attack', logdata: '', severity: 2, tags: [], rev: '', ver: '', matchedVarName: 'REQUEST_URI', matchedVar: uri, log: true, disruptive: false, errorLogLine: line(1, 'attack') });
          if (uri.includes('quiet')) rules.push({ id: 2, phase: 1, msg: 'nolog', logdata: '', severity: 2, tags: [], rev: '', ver: '', matchedVarName: '', matchedVar: '', log: false, disruptive: false, errorLogLine: line(2) });
          return null;
        },
        requestBodyAccess: true,
        appendRequestBody() { return null; },
        processRequestBody() { return null; },
        addResponseHeader() {},
        processResponseHeaders() { return null; },
        responseBodyAccess: false,
        appendResponseBody() { return null; },
        processResponseBody() { return null; },
        processLogging() {},
        matchedRules: rules,
      };
      return tx;
    },
  };
}

test('runner: per-connection log slices, overrides count as passed when they hold, known failures as failed', async () => {
  const yaml = `
rule_id: 1
tests:
  - test_id: 1
    stages:
      - input: {uri: /attack, headers: {Host: localhost}}
        output: {log: {expect_ids: [1]}}
  - test_id: 2
    stages:
      - input: {uri: /fine, headers: {Host: localhost}}
        output: {log: {no_expect_ids: [1]}}
  - test_id: 3
    stages:
      - input: {uri: /fine, headers: {Host: localhost}}
        output: {log: {expect_ids: [1]}}
  - test_id: 4
    stages:
      - input: {method: NOTAMETHOD, uri: /attack, headers: {Host: localhost}}
        output: {log: {expect_ids: [1]}}
  - test_id: 5
    stages:
      - input: {uri: /quiet, headers: {Host: localhost}}
        output: {log: {no_expect_ids: [2]}}
  - test_id: 6
    stages:
      - input: {uri: /fine, headers: {Host: localhost}}
        output: {log: {no_expect_ids: [1]}}
      - input: {uri: /attack, headers: {Host: localhost}}
        output: {log: {no_expect_ids: [1]}}
  - test_id: 7
    stages:
      - input: {uri: /attack, headers: {Host: localhost}}
        output: {log: {expect_ids: [1]}}
`;
  const tests = parseTestFile(yaml, 'x/1.yaml');
  const known = parseKnownFailures(`
overrides:
  - test: 1-4
    reason: llhttp rejects the method
    expect: {status: 400}
known_failures:
  - test: 1-3
    reason: the fake engine does not detect /fine
`);
  const result = await runCrsTests({ crsDir: '/nonexistent', waf: fakeWaf(), tests, knownFailures: known, exclude: /^1-7$/, concurrency: 4 });
  const by = new Map(result.outcomes.map((o) => [o.test, o]));
  assert.equal(by.get('1-1')!.result, 'passed');
  assert.equal(by.get('1-2')!.result, 'passed');
  assert.equal(by.get('1-3')!.result, 'failed');
  assert.equal(by.get('1-3')!.known, true);
  assert.equal(by.get('1-4')!.result, 'passed');
  assert.equal(by.get('1-4')!.overridden, true);
  assert.equal(by.get('1-4')!.stages[0]!.transactions, 0);
  assert.equal(by.get('1-5')!.result, 'passed', 'rules that do not log are not in the log slice');
  assert.equal(by.get('1-6')!.result, 'failed');
  assert.match(by.get('1-6')!.reason, /^stage 1: /);
  assert.equal(by.get('1-7')!.result, 'skipped');
  assert.deepEqual([result.total, result.passed, result.failed, result.skipped], [7, 4, 2, 1]);
  assert.deepEqual(result.unexpectedFailures.map((f) => f.test), ['1-6']);
  assert.equal(result.overridesPassed, 1);
});

test('test configuration: base rules, 900005, and SecDefaultAction only for phases the CRS setup leaves unset', () => {
  const all = testSetupConf('');
  for (const id of ['200000', '200001', '200002', '200003', '200006', '900005']) assert.match(all, new RegExp(`id:${id},`));
  assert.match(all, /SecResponseBodyMimeType text\/plain text\/html text\/xml application\/json/);
  assert.equal((all.match(/^SecDefaultAction/gm) ?? []).length, 5);
  const v4 = testSetupConf('SecDefaultAction "phase:1,log,auditlog,pass"\nSecDefaultAction "phase:2,log,auditlog,pass"\n');
  assert.deepEqual(v4.match(/phase:\d(?=,log,auditlog,pass")/g), ['phase:3', 'phase:4', 'phase:5']);
});
