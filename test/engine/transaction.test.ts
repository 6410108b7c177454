import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Waf, type CompiledWaf, type Transaction } from '../../src/engine/index.js';

interface RequestSpec {
  uri?: string;
  method?: string;
  headers?: Array<[string, string]>;
  body?: string;
  response?: { status: number; headers?: Array<[string, string]>; body?: string };
}

/** Runs one request (and optional response) through every phase, the way a connector would. */
function run(waf: CompiledWaf, req: RequestSpec = {}, options: Parameters<CompiledWaf['newTransaction']>[0] = {}): Transaction {
  const tx = waf.newTransaction(options);
  tx.processConnection('203.0.113.9', 40000, '127.0.0.1', 8080);
  tx.processUri(req.uri ?? '/', req.method ?? 'GET', 'HTTP/1.1');
  for (const [n, v] of req.headers ?? [['Host', 'example.test']]) tx.addRequestHeader(n, v);
  let it = tx.processRequestHeaders();
  if (it === null) {
    if (req.body !== undefined && tx.requestBodyAccess) it = tx.appendRequestBody(Buffer.from(req.body, 'latin1'));
    if (it === null) it = tx.processRequestBody();
  }
  if (it === null && req.response !== undefined) {
    for (const [n, v] of req.response.headers ?? []) tx.addResponseHeader(n, v);
    it = tx.processResponseHeaders(req.response.status, 'HTTP/1.1');
    if (it === null && req.response.body !== undefined && tx.responseBodyAccess) {
      tx.appendResponseBody(Buffer.from(req.response.body, 'latin1'));
    }
    if (it === null) tx.processResponseBody();
  }
  tx.processLogging();
  return tx;
}

const ids = (tx: Transaction): number[] => tx.matchedRules.map((m) => m.id);

test('deny interrupts with the rule status; DetectionOnly only records what would have happened', () => {
  const rules = `SecRule ARGS:q "@contains attack" "id:10,phase:1,deny,status:406,log,msg:'found'"`;
  const on = run(Waf.fromText('SecRuleEngine On\n' + rules), { uri: '/?q=an+attack' });
  assert.deepEqual(on.interruption, { action: 'deny', status: 406, ruleId: 10, phase: 1 });
  const detect = run(Waf.fromText('SecRuleEngine DetectionOnly\n' + rules), { uri: '/?q=an+attack' });
  assert.equal(detect.interruption, null);
  assert.deepEqual(detect.wouldInterrupt, { action: 'deny', status: 406, ruleId: 10, phase: 1 });
  assert.deepEqual(ids(detect), [10]);
  const off = run(Waf.fromText('SecRuleEngine Off\n' + rules), { uri: '/?q=an+attack' });
  assert.equal(off.interruption, null);
  assert.deepEqual(ids(off), []);
});

test('per-transaction ruleEngine overrides SecRuleEngine', () => {
  const waf = Waf.fromText(`SecRuleEngine On\nSecRule ARGS "@streq x" "id:1,phase:1,deny"`);
  assert.equal(run(waf, { uri: '/?a=x' }, { ruleEngine: 'DetectionOnly' }).interruption, null);
  assert.notEqual(run(waf, { uri: '/?a=x' }).interruption, null);
});

test('block takes the phase default action from SecDefaultAction', () => {
  const waf = Waf.fromText(`
SecDefaultAction "phase:1,log,auditlog,deny,status:418"
SecDefaultAction "phase:2,log,auditlog,pass"
SecRule ARGS "@streq x" "id:1,phase:1,block"
SecRule ARGS "@streq y" "id:2,phase:2,block"`);
  assert.equal(run(waf, { uri: '/?a=x' }).interruption?.status, 418);
  const tx = run(waf, { uri: '/?a=y' });
  assert.equal(tx.interruption, null);
  assert.deepEqual(ids(tx), [2]);
});

test('chains match only when every link matches, and log under the first id', () => {
  const waf = Waf.fromText(`
SecRule REQUEST_METHOD "@streq POST" "id:5,phase:1,deny,chain"
  SecRule REQUEST_HEADERS:X-Test "@eq 3" "chain"
    SecRule ARGS:a "@streq b"`);
  assert.equal(run(waf, { method: 'POST', uri: '/?a=b', headers: [['X-Test', '3']] }).interruption?.ruleId, 5);
  assert.equal(run(waf, { method: 'POST', uri: '/?a=c', headers: [['X-Test', '3']] }).interruption, null);
  assert.equal(run(waf, { method: 'GET', uri: '/?a=b', headers: [['X-Test', '3']] }).interruption, null);
});

test('skipAfter jumps to the marker; skip skips whole rules', () => {
  const waf = Waf.fromText(`
SecAction "id:1,phase:1,pass,nolog,skipAfter:END"
SecAction "id:2,phase:1,pass,log"
SecMarker END
SecAction "id:3,phase:1,pass,log,skip:1"
SecAction "id:4,phase:1,pass,log"
SecAction "id:5,phase:1,pass,log"`);
  assert.deepEqual(ids(run(waf)), [3, 5]);
});

test('setvar arithmetic, macro expansion in names, values and operator parameters', () => {
  const waf = Waf.fromText(`
SecAction "id:1,phase:1,pass,nolog,setvar:tx.limit=3,setvar:tx.score=1"
SecRule ARGS "@unconditionalMatch" "id:2,phase:1,pass,nolog,setvar:tx.score=+2,setvar:'tx.seen_%{MATCHED_VAR_NAME}=%{MATCHED_VAR}'"
SecRule TX:score "@gt %{tx.limit}" "id:3,phase:1,pass,log,msg:'score %{tx.score} > %{TX.LIMIT}'"
SecAction "id:4,phase:1,pass,nolog,setvar:tx.score=-10,setvar:!tx.limit"`);
  const tx = run(waf, { uri: '/?a=1&b=2' });
  assert.deepEqual(ids(tx), [3]);
  assert.equal(tx.matchedRules[0]!.msg, 'score 5 > 3');
  assert.equal(tx.getCollectionValue('tx', 'seen_ARGS:b'), '2');
  assert.equal(tx.getCollectionValue('TX', 'score'), '-5');
  assert.equal(tx.getCollectionValue('TX', 'limit'), undefined);
});

test('targets: key selectors are case-insensitive, exclusions and counts apply', () => {
  const waf = Waf.fromText(`
SecRule REQUEST_HEADERS:x-FOO "@streq bar" "id:1,phase:1,pass,log"
SecRule ARGS|!ARGS:skip "@streq v" "id:2,phase:1,pass,log,msg:'%{MATCHED_VAR_NAME}'"
SecRule &ARGS "@eq 3" "id:3,phase:1,pass,log"
SecRule &ARGS:missing "@eq 0" "id:4,phase:1,pass,log"
SecRule ARGS_NAMES "@streq skip" "id:5,phase:1,pass,log"`);
  const tx = run(waf, { uri: '/?skip=v&keep=v&x=1', headers: [['X-Foo', 'bar']] });
  assert.deepEqual(ids(tx), [1, 2, 3, 4, 5]);
  assert.equal(tx.matchedRules[1]!.msg, 'ARGS:keep');
});

test('transformations run in order; t:none drops inherited defaults; multiMatch tests every stage', () => {
  const waf = Waf.fromText(`
SecDefaultAction "phase:1,log,pass,t:lowercase"
SecRule ARGS:a "@streq abc" "id:1,phase:1,pass"
SecRule ARGS:a "@streq abc" "id:2,phase:1,pass,t:none"
SecRule ARGS:b "@streq <x>" "id:3,phase:1,pass,t:none,t:urlDecodeUni,t:htmlEntityDecode"
SecRule ARGS:b "@streq %3cx%3e" "id:4,phase:1,pass,t:none,t:urlDecodeUni,multiMatch"`);
  const tx = run(waf, { uri: '/?a=ABC&b=%253cx%253e' });
  assert.deepEqual(ids(tx), [1, 3, 4]);
});

test('ctl removes rules and targets for this transaction only', () => {
  const waf = Waf.fromText(`
SecRule REQUEST_URI "@beginsWith /admin" "id:1,phase:1,pass,nolog,ctl:ruleRemoveById=100-199,ctl:ruleRemoveTargetById=200;ARGS:pw"
SecRule ARGS "@contains x" "id:150,phase:1,pass,log"
SecRule ARGS "@contains x" "id:200,phase:1,pass,log,msg:'%{MATCHED_VAR_NAME}'"`);
  const admin = run(waf, { uri: '/admin?pw=x&user=x' });
  assert.deepEqual(ids(admin), [200]);
  assert.equal(admin.matchedRules[0]!.msg, 'ARGS:user');
  assert.deepEqual(ids(run(waf, { uri: '/home?pw=x' })), [150, 200]);
});

test('ctl:ruleEngine switches the mode mid-transaction', () => {
  const waf = Waf.fromText(`
SecRuleEngine On
SecAction "id:1,phase:1,pass,nolog,ctl:ruleEngine=DetectionOnly"
SecRule ARGS "@streq x" "id:2,phase:1,deny"`);
  const tx = run(waf, { uri: '/?a=x' });
  assert.equal(tx.interruption, null);
  assert.equal(tx.wouldInterrupt?.ruleId, 2);
});

test('allow stops rule processing; redirect and drop interrupt', () => {
  const waf = Waf.fromText(`
SecRule REMOTE_ADDR "@ipMatch 203.0.113.0/24" "id:1,phase:1,allow,nolog"
SecAction "id:2,phase:1,deny"
SecAction "id:3,phase:2,deny"`);
  assert.equal(run(waf).interruption, null);
  const redirect = run(Waf.fromText(`SecAction "id:1,phase:1,redirect:'https://example.test/blocked?id=%{UNIQUE_ID}'"`));
  assert.equal(redirect.interruption?.action, 'redirect');
  assert.equal(redirect.interruption?.status, 302);
  assert.equal(redirect.interruption?.url, `https://example.test/blocked?id=${redirect.id}`);
  assert.equal(run(Waf.fromText(`SecAction "id:1,phase:1,drop"`)).interruption?.action, 'drop');
});

test('request variables follow ModSecurity v3', () => {
  const waf = Waf.fromText(`
SecRule REQUEST_FILENAME "@streq /a b/c.php" "id:1,phase:1,pass,log"
SecRule REQUEST_BASENAME "@streq c.php" "id:2,phase:1,pass,log"
SecRule QUERY_STRING "@streq x=%41&y" "id:3,phase:1,pass,log"
SecRule REQUEST_LINE "@streq GET /a%20b/c.php?x=%41&y HTTP/1.1" "id:4,phase:1,pass,log"
SecRule REQUEST_COOKIES:sid "@streq abc" "id:5,phase:1,pass,log"
SecRule REQUEST_COOKIES_NAMES "@streq other" "id:6,phase:1,pass,log"
SecRule ARGS_GET:y "@streq " "id:7,phase:1,pass,log"
SecRule SERVER_NAME "@streq example.test" "id:8,phase:1,pass,log"
SecRule REQUEST_URI "@streq /a b/c.php?x=A&y" "id:9,phase:1,pass,log"`);
  const tx = run(waf, { uri: '/a%20b/c.php?x=%41&y', headers: [['Host', 'example.test:8080'], ['Cookie', 'sid=abc; other=1']] });
  assert.deepEqual(ids(tx), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('request body processors fill ARGS, REQUEST_BODY and REQBODY_ERROR', () => {
  const waf = Waf.fromText(`
SecRequestBodyAccess On
SecRule REQUEST_HEADERS:Content-Type "^application/json" "id:100,phase:1,pass,nolog,ctl:requestBodyProcessor=JSON"
SecRule ARGS:json.user.name "@streq bob" "id:1,phase:2,pass,log"
SecRule ARGS_POST:a "@streq 1" "id:2,phase:2,pass,log"
SecRule REQUEST_BODY "@streq a=1" "id:3,phase:2,pass,log"
SecRule REQBODY_ERROR "!@eq 0" "id:4,phase:2,pass,log,msg:'%{REQBODY_ERROR_MSG}'"
SecRule REQBODY_PROCESSOR "@streq URLENCODED" "id:5,phase:2,pass,log"`);
  assert.deepEqual(ids(run(waf, { method: 'POST', headers: [['Content-Type', 'application/json']], body: '{"user":{"name":"bob"}}' })), [1]);
  assert.deepEqual(ids(run(waf, { method: 'POST', headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: 'a=1' })), [2, 3, 5]);
  const bad = run(waf, { method: 'POST', headers: [['Content-Type', 'application/json']], body: '{"user":' });
  assert.deepEqual(ids(bad), [4]);
  assert.match(bad.matchedRules[0]!.msg, /JSON/);
});

test('request body limit: Reject interrupts, ProcessPartial inspects the first bytes', () => {
  const reject = Waf.fromText(`SecRequestBodyAccess On\nSecRequestBodyLimit 10\nSecRequestBodyNoFilesLimit 10`);
  const tx = reject.newTransaction();
  tx.processUri('/', 'POST', 'HTTP/1.1');
  tx.addRequestHeader('Content-Type', 'text/plain');
  tx.processRequestHeaders();
  assert.equal(tx.appendRequestBody(Buffer.alloc(11, 'a'))?.status, 403);
  const partial = Waf.fromText(`SecRequestBodyAccess On\nSecRequestBodyLimit 5\nSecRequestBodyNoFilesLimit 5\nSecRequestBodyLimitAction ProcessPartial
SecRule REQUEST_BODY "@streq abcde" "id:1,phase:2,pass,log"
SecRule INBOUND_DATA_ERROR "@eq 1" "id:2,phase:2,pass,log"`);
  assert.deepEqual(ids(run(partial, { method: 'POST', headers: [['Content-Type', 'text/plain']], body: 'abcdefgh' })), [1, 2]);
});

test('response phases see status, headers and listed MIME types only', () => {
  const waf = Waf.fromText(`
SecResponseBodyAccess On
SecResponseBodyMimeType text/html
SecRule RESPONSE_STATUS "@eq 500" "id:1,phase:3,pass,log"
SecRule RESPONSE_BODY "@contains stack trace" "id:2,phase:4,pass,log"`);
  assert.deepEqual(ids(run(waf, { response: { status: 500, headers: [['Content-Type', 'text/html; charset=utf-8']], body: 'a stack trace' } })), [1, 2]);
  assert.deepEqual(ids(run(waf, { response: { status: 200, headers: [['Content-Type', 'image/png']], body: 'a stack trace' } })), []);
});

test('persistent collections survive between transactions of the same key', () => {
  const waf = Waf.fromText(`
SecAction "id:1,phase:1,pass,nolog,initcol:ip=%{REMOTE_ADDR}"
SecAction "id:3,phase:1,pass,nolog,setvar:ip.hits=+1"
SecRule IP:hits "@gt 2" "id:2,phase:1,deny,status:429"`);
  assert.equal(run(waf).interruption, null);
  assert.equal(run(waf).interruption, null);
  assert.equal(run(waf).interruption?.status, 429);
});

test('matched rules carry expanded msg, logdata, tags and a ModSecurity error-log line', () => {
  const waf = Waf.fromText(`SecRule ARGS "@contains evil" "id:77,phase:1,pass,log,capture,msg:'Evil in %{MATCHED_VAR_NAME}',logdata:'Matched Data: %{MATCHED_VAR}',tag:'attack-x',severity:CRITICAL,ver:'test/1'"`);
  const m = run(waf, { uri: '/?p=so+evil' }).matchedRules[0]!;
  assert.equal(m.msg, 'Evil in ARGS:p');
  assert.equal(m.logdata, 'Matched Data: so evil');
  assert.equal(m.severity, 2);
  assert.deepEqual(m.tags, ['attack-x']);
  assert.equal(m.matchedVarName, 'ARGS:p');
  assert.match(m.errorLogLine, /\[id "77"\] .*\[msg "Evil in ARGS:p"\] \[data "Matched Data: so evil"\] \[severity "2"\]/);
});

test('rule updates and removals apply to every rule, wherever defined', () => {
  const waf = Waf.fromText(`
SecRuleRemoveById 3
SecRuleUpdateTargetById 2 "!ARGS:ignored"
SecRule ARGS "@streq x" "id:1,phase:1,pass,log,tag:'group-a'"
SecRule ARGS "@streq x" "id:2,phase:1,pass,log,msg:'%{MATCHED_VAR_NAME}'"
SecRule ARGS "@streq x" "id:3,phase:1,pass,log"
SecRuleRemoveByTag group-a
SecRuleUpdateActionById 2 "msg:'updated'"`);
  const tx = run(waf, { uri: '/?ignored=x' });
  assert.deepEqual(ids(tx), []);
  const tx2 = run(waf, { uri: '/?other=x' });
  assert.deepEqual(ids(tx2), [2]);
  assert.equal(tx2.matchedRules[0]!.msg, 'updated');
});

test('malformed rules are rejected with file, line, directive and reason', () => {
  const cases: Array<[string, RegExp]> = [
    ['SecRule ARGS "@streq x" "phase:1,deny"', /<inline>:1: SecRule: the rule has no id/],
    ['\n\nSecRule ARGS "@nosuch x" "id:1"', /<inline>:3: SecRule: unknown operator "@nosuch"/],
    ['SecRule NOPE "@streq x" "id:1"', /unknown variable "NOPE"/],
    ['SecRule ARGS "@streq x" "id:1,t:nosuch"', /unknown transformation "t:nosuch"/],
    ['SecRule ARGS "@streq x" "id:1,frobnicate"', /unknown action "frobnicate"/],
    ['SecRule ARGS "@streq x" "id:1"\nSecRule ARGS "@streq y" "id:1"', /<inline>:2: .*rule id 1 is already used at <inline>:1/],
    ['SecFrobnicate On', /unknown directive "SecFrobnicate"/],
    ['SecRuleEngine Maybe', /expected one of on, off, detectiononly/],
    ['SecRule ARGS "@inspectFile /bin/x" "id:1"', /inspectFile/],
    ['SecRule ARGS "@streq x', /the rule has no id/],
    ['SecRule REQUEST_URI:x "@streq x" "id:1"', /not a collection/],
  ];
  for (const [text, expected] of cases) {
    assert.throws(() => Waf.fromText(text), (err: Error) => {
      assert.match(err.message, expected);
      assert.ok('code' in err);
      return true;
    }, text);
  }
});

test('directives without effect in vpatch load with a warning', () => {
  const waf = Waf.fromText('SecPcreMatchLimit 1000\nSecDebugLogLevel 3');
  assert.equal(waf.warnings.length, 2);
  assert.match(waf.warnings[0]!, /<inline>:1: SecPcreMatchLimit: no effect in vpatch/);
});

test('GEO, @geoLookup and @rbl load (CRS 3.3 uses them) but never match, with a warning', () => {
  const waf = Waf.fromText(`
SecRule REMOTE_ADDR "@geoLookup" "id:1,phase:1,pass,log,chain"
  SecRule GEO:COUNTRY_CODE "@streq XX" ""
SecRule REMOTE_ADDR "@rbl bl.example.test" "id:2,phase:1,deny"`);
  assert.equal(waf.warnings.length, 3);
  assert.match(waf.warnings.join('\n'), /@geoLookup never matches/);
  assert.match(waf.warnings.join('\n'), /GEO is always empty/);
  assert.match(waf.warnings.join('\n'), /@rbl never matches/);
  const tx = run(waf);
  assert.equal(tx.interruption, null);
  assert.deepEqual(ids(tx), []);
});

test('an unsupported operator with a macro parameter still fails at load time', () => {
  assert.throws(() => Waf.fromText('SecRule ARGS "@inspectFile %{tx.script}" "id:1"'), /@inspectFile is not supported/);
});

test('URLENCODED_ERROR, FILES_TMP_CONTENT with SecTmpSaveUploadedFiles, and XPath checked at load time', () => {
  const waf = Waf.fromText(`
SecRequestBodyAccess On
SecTmpSaveUploadedFiles On
SecRule URLENCODED_ERROR "@eq 1" "id:1,phase:2,pass,log"
SecRule FILES_TMP_CONTENT:upload "@contains <?php" "id:2,phase:2,pass,log"`);
  assert.deepEqual(ids(run(waf, { uri: '/?a=%zz' })), [1]);
  const body = '--b\r\nContent-Disposition: form-data; name="upload"; filename="x.php"\r\n\r\n<?php system($_GET[1]);\r\n--b--\r\n';
  assert.deepEqual(ids(run(waf, { method: 'POST', headers: [['Content-Type', 'multipart/form-data; boundary=b']], body })), [2]);
  assert.throws(() => Waf.fromText('SecRule XML:/a/b[ "@streq x" "id:1"'), /<inline>:1: SecRule: unsupported XPath expression/);
});
