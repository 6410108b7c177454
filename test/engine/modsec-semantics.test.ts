/**
 * ModSecurity v3 semantics that libmodsecurity's own regression cases
 * (seclang-tests/modsecurity-regression) revealed; one test per engine fix. Each states the
 * behaviour of libmodsecurity 3.0.x, checked with its library where noted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Waf, SecLangError, type CompiledWaf, type Transaction } from '../../src/engine/index.js';
import type { TraceEvent } from '../../src/engine/api-types.js';

interface RequestSpec {
  uri?: string;
  method?: string;
  headers?: Array<[string, string]>;
  body?: string;
  response?: { status?: number; headers?: Array<[string, string]>; body?: string };
}

/** A connector: every phase in order, stopping at an interruption. */
function run(waf: CompiledWaf, req: RequestSpec = {}, trace?: TraceEvent[]): Transaction {
  const tx = waf.newTransaction(trace ? { trace: (e) => trace.push(e) } : {});
  tx.processConnection('203.0.113.9', 40000, '127.0.0.1', 8080);
  tx.processUri(req.uri ?? '/', req.method ?? 'GET', 'HTTP/1.1');
  for (const [n, v] of req.headers ?? [['Host', 'example.test']]) tx.addRequestHeader(n, v);
  let it = tx.processRequestHeaders();
  if (it === null && req.body !== undefined && tx.requestBodyAccess) it = tx.appendRequestBody(Buffer.from(req.body, 'latin1'));
  if (it === null) it = tx.processRequestBody();
  if (it === null && req.response !== undefined) {
    for (const [n, v] of req.response.headers ?? []) tx.addResponseHeader(n, v);
    it = tx.processResponseHeaders(req.response.status ?? 200, 'HTTP/1.1');
    if (it === null && req.response.body !== undefined && tx.responseBodyAccess) tx.appendResponseBody(Buffer.from(req.response.body, 'latin1'));
    if (it === null) tx.processResponseBody();
  }
  tx.processLogging();
  return tx;
}

const FORM: Array<[string, string]> = [['Host', 'example.test'], ['Content-Type', 'application/x-www-form-urlencoded']];

test('without SecRequestBodyAccess the request body is processed (v3 skips it only when the directive says Off)', () => {
  const rules = `SecRule ARGS_POST:a "@streq 1" "id:1,phase:2,deny,status:403"`;
  const absent = Waf.fromText(rules);
  assert.equal(absent.newTransaction().requestBodyAccess, true);
  assert.equal(run(absent, { method: 'POST', headers: FORM, body: 'a=1' }).interruption?.ruleId, 1);
  const off = Waf.fromText(`SecRequestBodyAccess Off\n${rules}`);
  assert.equal(off.newTransaction().requestBodyAccess, false);
  assert.equal(run(off, { method: 'POST', headers: FORM, body: 'a=1' }).interruption, null);
});

test('the evaluation trace reports tested values, captures, link results, setvar and the match', () => {
  const waf = Waf.fromText(`SecRule ARGS "@rx (a)(b)" "id:7,phase:1,t:lowercase,capture,pass,setvar:tx.hit=+1,msg:'m %{TX.1}',chain"
SecRule REQUEST_METHOD "@streq GET" "t:none"`);
  const trace: TraceEvent[] = [];
  run(waf, { uri: '/?x=AB&y=c' }, trace);
  assert.deepEqual(trace, [
    { type: 'value', ruleId: 7, link: 0, variable: 'ARGS:x', raw: 'AB', value: 'ab', matched: true },
    { type: 'capture', ruleId: 7, link: 0, index: 0, value: 'ab' },
    { type: 'capture', ruleId: 7, link: 0, index: 1, value: 'a' },
    { type: 'capture', ruleId: 7, link: 0, index: 2, value: 'b' },
    { type: 'setvar', ruleId: 7, collection: 'TX', key: 'hit', value: '1' },
    { type: 'value', ruleId: 7, link: 0, variable: 'ARGS:y', raw: 'c', value: 'c', matched: false },
    { type: 'link', ruleId: 7, link: 0, matched: true },
    { type: 'value', ruleId: 7, link: 1, variable: 'REQUEST_METHOD', raw: 'GET', value: 'GET', matched: true },
    { type: 'link', ruleId: 7, link: 1, matched: true },
    { type: 'match', ruleId: 7, msg: 'm a', logdata: '' },
  ]);
});

void SecLangError;
