/**
 * ModSecurity v3 semantics that libmodsecurity's own regression cases
 * (seclang-tests/modsecurity-regression) revealed; one test per engine fix. Each states the
 * behaviour of libmodsecurity 3.0.x, checked with its library where noted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Waf, SecLangError, MemoryCollectionStore, type CompiledWaf, type Transaction } from '../../src/engine/index.js';
import type { TraceEvent } from '../../src/engine/api-types.js';
import { getVariable } from '../../src/engine/variables/index.js';
import { nodeHost } from '../../src/host/node-host.js';

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
    { type: 'match', ruleId: 7, msg: 'm a', logdata: '', tags: [] },
  ]);
});



test('SecDefaultAction: a real disruptive action, no t:none, once per phase (v3 refuses the rest)', () => {
  const refused: Array<[string, RegExp]> = [
    ['SecDefaultAction "phase:1,log,block,status:404"', /must name a disruptive action/],
    ['SecDefaultAction "phase:2,log"', /must name a disruptive action/],
    ['SecDefaultAction "phase:2,pass,t:none"', /t:none is not allowed in SecDefaultAction/],
    ['SecDefaultAction "phase:2,pass"\nSecDefaultAction "phase:request,deny"', /<inline>:2: SecDefaultAction: SecDefaultAction for phase 2 is already set/],
  ];
  for (const [text, expected] of refused) assert.throws(() => Waf.fromText(text), (err: Error) => err instanceof SecLangError && expected.test(err.message), text);
  for (const ok of ['phase:2,pass', 'phase:2,deny,block,status:400', 'phase:1,allow', 'phase:2,redirect:http://example.test/', 'phase:2,drop']) {
    assert.doesNotThrow(() => Waf.fromText(`SecDefaultAction "${ok}"`), ok);
  }
});

test('rule ids: a SecAction may have none, a chained rule\'s id is ignored, out-of-range ids are refused', () => {
  const waf = Waf.fromText(`SecAction "phase:1,pass,setvar:tx.a=1"
SecAction "phase:1,pass,setvar:tx.b=1"
SecRule ARGS "@streq x" "id:5,phase:1,deny,status:403,chain"
SecRule ARGS "@streq x" "id:6"`);
  assert.match(waf.warnings.join('\n'), /id:6 in a chained rule is ignored/);
  const tx = run(waf, { uri: '/?a=x' });
  assert.equal(tx.getCollectionValue('TX', 'b'), '1');
  assert.equal(tx.interruption?.ruleId, 5);
  assert.throws(() => Waf.fromText('SecRule ARGS "@streq x" "phase:1,pass"'), /the rule has no id/);
  assert.throws(() => Waf.fromText('SecRule ARGS "@streq x" "id:111111111111111111111,pass"'), /id must be a positive integer/);
});

test('a chain that ends the configuration loads with a warning and never matches; its starter\'s setvar still runs', () => {
  const waf = Waf.fromText('SecRule ARGS "@streq x" "id:1,phase:1,deny,setvar:tx.seen=1,chain"');
  assert.match(waf.warnings[0]!, /<inline>:1: SecRule: the rule has "chain" but no rule follows it/);
  const tx = run(waf, { uri: '/?a=x' });
  assert.equal(tx.interruption, null);
  assert.equal(tx.getCollectionValue('TX', 'seen'), '1');
});

test('an argument whose closing double quote is missing runs to the end of the line, with a warning', () => {
  const waf = Waf.fromText('SecRule ARGS "@streq x" "id:1,phase:1,deny,status:401\nSecRule ARGS "@streq y" "id:2,phase:1,deny"');
  assert.match(waf.warnings[0]!, /<inline>:1: SecRule: unterminated double-quoted argument/);
  assert.equal(run(waf, { uri: '/?a=x' }).interruption?.status, 401);
  assert.equal(run(waf, { uri: '/?a=y' }).interruption?.ruleId, 2);
});

test('xmlns: the namespace may be quoted and must be an http:// URI', () => {
  const waf = Waf.fromText(`SecRule REQUEST_HEADERS:Content-Type "^text/xml$" "id:1,phase:1,pass,nolog,ctl:requestBodyProcessor=XML"
SecRule XML:/soap:Envelope/soap:Body/q "@streq 1" "id:2,phase:2,deny,status:403,xmlns:soap='http://schemas.xmlsoap.org/soap/envelope/'"`);
  const body = '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><q>1</q></soap:Body></soap:Envelope>';
  assert.equal(run(waf, { method: 'POST', headers: [['Host', 'h'], ['Content-Type', 'text/xml']], body }).interruption?.ruleId, 2);
  assert.throws(() => Waf.fromText(`SecRule ARGS "x" "id:1,xmlns:soap='schemas.xmlsoap.org/soap/envelope/'"`), /must be an http:\/\/ URI/);
  assert.throws(() => Waf.fromText('SecRule ARGS "x" "id:1,xmlns:="'), /xmlns expects prefix=uri/);
});

test('body limits as ModSecurity v3: Reject answers 403; SecRequestBodyNoFilesLimit sets REQBODY_ERROR instead of interrupting', () => {
  const over = Waf.fromText('SecRequestBodyLimit 5\nSecRequestBodyLimitAction Reject');
  const tx = over.newTransaction();
  tx.processUri('/', 'POST', 'HTTP/1.1');
  tx.addRequestHeader('Content-Type', 'text/plain');
  tx.processRequestHeaders();
  assert.deepEqual(tx.appendRequestBody('abcdefgh'), { action: 'deny', status: 403, ruleId: 0, phase: 2 });

  const resp = Waf.fromText('SecResponseBodyAccess On\nSecResponseBodyLimit 5\nSecResponseBodyLimitAction Reject');
  assert.equal(run(resp, { response: { headers: [['Content-Type', 'text/html']], body: 'no need.' } }).interruption?.status, 403);

  const rules = `SecRequestBodyNoFilesLimit 20
SecRule REQBODY_ERROR "!@eq 0" "id:1,phase:2,deny,status:400,logdata:'%{REQBODY_ERROR_MSG}'"`;
  const waf = Waf.fromText(rules);
  const big = run(waf, { method: 'POST', headers: FORM, body: 'param1=value1&param2=value2&param3=value3' });
  assert.equal(big.interruption?.status, 400);
  assert.equal(big.matchedRules[0]!.logdata, 'Request body excluding files is bigger than the maximum expected.');
  assert.equal(big.args.size, 0, 'a body over the limit is not parsed');
  assert.equal(run(waf, { method: 'POST', headers: FORM, body: 'a=1' }).interruption, null);
  // A body without a processor is not limited by it.
  assert.equal(run(waf, { method: 'POST', headers: [['Host', 'h'], ['Content-Type', 'text/plain']], body: 'x'.repeat(50) }).interruption, null);
  // Multipart counts part headers and form fields, not file contents.
  const mp = (file: string): RequestSpec => ({
    method: 'POST',
    headers: [['Host', 'h'], ['Content-Type', 'multipart/form-data; boundary=0000']],
    body: `--0000\nContent-Disposition: form-data; name="a"\n\n1\n--0000\nContent-Disposition: form-data; name="b"; filename="c.txt"\n\n${file}\n--0000--\n`,
  });
  const mpWaf = Waf.fromText(rules.replace('20', '120'));
  assert.equal(run(mpWaf, mp('2'.repeat(500))).interruption, null);
  assert.equal(run(Waf.fromText(rules.replace('20', '80')), mp('2')).interruption?.status, 400);
});

test('redirect keeps only a redirect status (301-307), else answers 302; a status in a chained rule applies to the chain', () => {
  const inherited = Waf.fromText(`SecDefaultAction "phase:1,status:404,deny"
SecRule REQUEST_URI "@contains /" "id:1,phase:1,redirect:'http://1.1.1.1/failed.html'"`);
  assert.deepEqual(run(inherited).interruption, { action: 'redirect', status: 302, ruleId: 1, phase: 1, url: 'http://1.1.1.1/failed.html' });
  const explicit = Waf.fromText(`SecRule REQUEST_URI "@contains /" "id:1,phase:1,status:306,redirect:http://x.test/"`);
  assert.equal(run(explicit).interruption?.status, 306);
  const chained = Waf.fromText(`SecRule REQUEST_URI "^.*$" "phase:1,deny,id:1,msg:'[%{MATCHED_VAR}]',chain"
SecRule REQUEST_HEADERS "^.*$" "status:437"`);
  const tx = run(chained, { headers: [['Host', 'h'], ['Transfer-Encoding', 'deflate']] });
  assert.equal(tx.interruption?.status, 437);
  assert.equal(tx.matchedRules[0]!.msg, '[deflate]');
  const starterWins = Waf.fromText(`SecRule REQUEST_URI "^.*$" "phase:1,deny,status:401,id:1,chain"
SecRule REQUEST_HEADERS "^.*$" "status:437"`);
  assert.equal(run(starterWins).interruption?.status, 401);
});

test('a macro with a regex key expands to the first matching value', () => {
  const waf = Waf.fromText(`SecRule ARGS:/^ThIs$/ "test" "id:1,phase:1,pass,log,msg:'Testing %{ARGS:/^ThIs$/}'"
SecAction "id:2,phase:1,pass,setvar:'TX.restricted_headers=/name1/'"
SecRule REQUEST_HEADERS_NAMES "^.*$" "id:3,phase:1,setvar:'tx.header_name_%{tx.0}=/%{tx.0}/',deny,status:437,chain,capture"
SecRule TX:/^header_name_/ "@within %{TX:/esTrictEd_headers/}" "setvar:'tx.matched=1'"`);
  const tx = run(waf, { uri: '/?THIS=is+a+simple+test', headers: [['Host', 'h'], ['name1', 'v']] });
  assert.equal(tx.matchedRules[0]!.msg, 'Testing is a simple test');
  assert.equal(tx.interruption?.status, 437);
  assert.match(tx.matchedRules.at(-1)!.errorLogLine, /Operator `Within' with parameter `\/name1\/' against variable `TX:header_name_name1'/);
});

test('error log: operator names as v3 writes them, macro parameters expanded', () => {
  const waf = Waf.fromText(`SecAction "id:1,phase:1,pass,nolog,setvar:tx.bad=attack"
SecRule ARGS "@rx ^%{tx.bad}$" "id:2,phase:1,pass,log"
SecRule ARGS "@streq attack" "id:3,phase:1,pass,log"`);
  const lines = run(waf, { uri: '/?p=attack' }).matchedRules.map((m) => m.errorLogLine);
  assert.match(lines[0]!, /Operator `Rx' with parameter `\^attack\$'/);
  assert.match(lines[1]!, /Operator `StrEq' with parameter `attack'/);
});

test('URI: a fragment is not part of REQUEST_URI, QUERY_STRING or ARGS; the path ends at the first raw "?"', () => {
  const waf = Waf.fromText('SecRule ARGS "@rx zzz" "id:1,phase:1,pass"');
  const tx = run(waf, { uri: '/a%23b/t%3fo/c?x=1&y=2#frag?z=3' });
  assert.equal(tx.requestUri, '/a#b/t?o/c?x=1&y=2');
  assert.equal(tx.queryString, 'x=1&y=2');
  assert.equal(tx.requestFilename, '/a#b/t?o/c');
  assert.equal(tx.requestBasename, 'c');
  assert.deepEqual(tx.args.keys, ['x', 'y']);
  assert.equal(tx.requestUriRaw, '/a%23b/t%3fo/c?x=1&y=2#frag?z=3');
});

test('macros: a "%" right after %{VAR} belongs to the reference; tags expand their macros when logged', () => {
  const waf = Waf.fromText(`SecRule REQUEST_HEADERS "@rx PHPSESSID" "id:1,phase:1,pass,log,capture,msg:'This is a test: %{TX.0}% ops',logdata:'%{TX.0}%%{TX.0}',tag:'teste %{REQUEST_HEADERS:Pragma}%',setvar:TX.something%{TX.0}%"`);
  const tx = run(waf, { headers: [['Host', 'h'], ['Cookie', 'PHPSESSID=1'], ['Pragma', 'no-cache']] });
  const m = tx.matchedRules[0]!;
  assert.equal(m.msg, 'This is a test: PHPSESSID ops');
  assert.equal(m.logdata, 'PHPSESSIDPHPSESSID');
  assert.deepEqual(m.tags, ['teste no-cache']);
  assert.equal(tx.getCollectionValue('TX', 'somethingPHPSESSID'), '1');
  assert.match(m.errorLogLine, /\[tag "teste no-cache"\]/);
  // Selectors compare the tag as written.
  const removed = Waf.fromText(`SecRuleRemoveByTag "teste %{REQUEST_HEADERS:Pragma}%"\nSecRule ARGS "x" "id:1,phase:1,deny,tag:'teste %{REQUEST_HEADERS:Pragma}%'"`);
  assert.equal(run(removed, { uri: '/?a=x' }).interruption, null);
});

test('variables as v3 sets them: URLENCODED_ERROR 0 by default, WEBAPPID empty, REMOTE_USER from Basic auth, numeric UNIQUE_ID, MODSEC_BUILD', () => {
  const waf = Waf.fromText('SecAction "id:1,phase:1,pass,nolog"');
  const tx = run(waf, { headers: [['Host', 'h'], ['Authorization', 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==']] });
  const value = (name: string): string | undefined => getVariable(name)!.first(tx, null);
  assert.equal(value('URLENCODED_ERROR'), '0');
  assert.equal(value('WEBAPPID'), '');
  assert.equal(value('REMOTE_USER'), 'Aladdin');
  assert.equal(value('AUTH_TYPE'), 'Basic');
  assert.match(value('UNIQUE_ID')!, /^[0-9]+\.[0-9]+$/);
  assert.equal(value('MODSEC_BUILD'), '030009100');
  assert.equal(run(waf).remoteUser, undefined);
});

test('SecArgumentsLimit stops the JSON parser with v3\'s error', () => {
  const waf = Waf.fromText(`SecArgumentsLimit 5
SecRule REQUEST_HEADERS:Content-Type "^application/json" "id:1,phase:1,pass,nolog,ctl:requestBodyProcessor=JSON"
SecRule REQBODY_ERROR "!@eq 0" "id:2,phase:2,deny,status:400,logdata:'%{REQBODY_ERROR_MSG}'"`);
  const body = '{"k1":"v1","k2":"v2","k3":"v3","k4":"v4","k5":"v5"}';
  const tx = run(waf, { uri: '/?foo=bar', method: 'POST', headers: [['Host', 'h'], ['Content-Type', 'application/json']], body });
  assert.equal(tx.interruption?.status, 400);
  assert.match(tx.matchedRules[0]!.logdata, /client cancelled parse via callback return value/);
  assert.equal(tx.args.size, 5);
  const six = run(Waf.fromText(`SecArgumentsLimit 6\n${'SecRule REQUEST_HEADERS:Content-Type "^application/json" "id:1,phase:1,pass,nolog,ctl:requestBodyProcessor=JSON"'}`), { uri: '/?foo=bar', method: 'POST', headers: [['Host', 'h'], ['Content-Type', 'application/json']], body });
  assert.equal(six.reqbodyError, '0');

});

test('setvar on a persistent collection nobody opened keeps the value for this transaction, by key, and saves nothing', () => {
  const store = new MemoryCollectionStore();
  const waf = Waf.compile([{ text: `SecAction "id:1,phase:1,pass,setvar:'global.alerted=1',setvar:ip.n=+5"
SecRule GLOBAL:alerted "@eq 1" "id:2,phase:1,pass,log"
SecAction "id:3,phase:1,pass,initcol:ip=%{REMOTE_ADDR}"
SecRule IP:n "@eq 5" "id:4,phase:1,pass,log"` }], { collectionStore: store });
  const tx = run(waf);
  const ids = tx.matchedRules.map((m) => m.id);
  assert.ok(ids.includes(2), 'GLOBAL:alerted is readable after setvar');
  assert.ok(!ids.includes(4), 'initcol replaces the keyless IP collection');
  assert.equal(tx.getCollectionValue('GLOBAL', 'alerted'), '1');
  assert.equal(store.load('GLOBAL', '', Date.now()), null);
});

test('block in SecDefaultAction next to a real disruptive action: block resolves to that action', () => {
  const waf = Waf.fromText(`SecDefaultAction "phase:2,deny,block,status:400,log"
SecRule REQUEST_HEADERS "@validateByteRange 32-126" "id:1,phase:2,block,t:none,t:urlDecodeUni"`);
  assert.deepEqual(run(waf, { headers: [['Host', 'h'], ['Test', 'ThisIsATest%00']] }).interruption, { action: 'deny', status: 400, ruleId: 1, phase: 2 });
});

test('SecUnicodeMapFile: the code page\'s table maps %u escapes in t:urlDecodeUni; a missing file or a bad code page is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vpatch-unicode-'));
  try {
    writeFileSync(join(dir, 'unicode.mapping'), '20127 0041:61\n1251 0434:64 043e:6f 0440:70\n1252 0434:78\n');
    const rule = 'SecRule ARGS "@contains dop" "phase:1,id:1,deny,t:none,t:utf8toUnicode,t:urlDecodeUni"';
    const mapped = Waf.fromText(`SecUnicodeMapFile unicode.mapping 1251\n${rule}`, { baseDir: dir });
    const uri = '/?p=%D0%B4%D0%BE%D1%80';
    assert.equal(run(mapped, { uri }).interruption?.ruleId, 1);
    assert.equal(run(Waf.fromText(rule), { uri }).interruption, null, 'without a map %u0434 decodes to its low byte');
    assert.throws(() => Waf.fromText('SecUnicodeMapFile does-not-exist.mapping 20127', { baseDir: dir }), /SecUnicodeMapFile: cannot read the unicode map file/);
    assert.throws(() => Waf.fromText('SecUnicodeMapFile unicode.mapping eita', { baseDir: dir }), /code page must be a number/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ENV starts with the host environment (v3 reads the process environment); setenv adds to it', () => {
  const host = { ...nodeHost, environment: () => ({ PATH: '/usr/bin:/bin', MODFOO: 'bar' }) };
  const waf = Waf.compile([{ text: `SecAction "id:1,phase:1,pass,setenv:greeting=hello"
SecRule ENV:PATH "@contains /usr/bin" "id:2,phase:1,pass,log"
SecRule ENV:greeting "@streq hello" "id:3,phase:1,pass,log"` }], { host });
  const tx = run(waf);
  assert.deepEqual(tx.matchedRules.map((m) => m.id).filter((id) => id > 1), [2, 3]);
  assert.equal(tx.getCollectionValue('ENV', 'modfoo'), 'bar');
  const none = Waf.compile([{ text: 'SecRule ENV "@rx ." "id:1,phase:1,deny"' }], { host: { ...nodeHost, environment: undefined } });
  assert.equal(run(none).interruption, null);
});

test('the trace reports the multipart parser\'s diagnostics in ModSecurity v3\'s words', () => {
  const trace: TraceEvent[] = [];
  const waf = Waf.fromText('SecRule REQBODY_ERROR "@eq 1" "id:1,phase:2,deny,status:400"');
  const tx = run(waf, {
    method: 'POST',
    headers: [['Host', 'h'], ['Content-Type', 'multipart/form-data; boundary="0000"']],
    body: '--0000\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n',
  }, trace);
  assert.equal(tx.interruption?.status, 400);
  const messages = trace.filter((e) => e.type === 'body').map((e) => (e as { message: string }).message);
  assert.ok(messages.some((m) => /Final boundary missing/.test(m)), messages.join(' | '));
  assert.ok(messages.some((m) => /Multipart: Warning: boundary was quoted/.test(m)), messages.join(' | '));
});
