import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildRequest, canonicalHeaderKey, goQueryEscape } from '../../src/conformance/crs/request-builder.js';
import { parseInput, parseTestFile, loadTests } from '../../src/conformance/crs/loader.js';
import { evaluateTemplate, TemplateUnsupported } from '../../src/conformance/crs/template.js';
import { CRS_DIR } from '../helpers/shared.js';

/** Builds from a YAML-like input object (keys as in the test files). */
function build(input: Record<string, unknown>): string {
  return buildRequest(parseInput(input)).bytes.toString('latin1');
}

test('defaults: GET / HTTP/1.1, map headers sorted by name, Connection: close added, no Content-Length', () => {
  const out = build({ headers: { 'User-Agent': 'ua', Host: 'localhost', Accept: '*/*' } });
  assert.equal(out, 'GET / HTTP/1.1\r\nAccept: */*\r\nHost: localhost\r\nUser-Agent: ua\r\nConnection: close\r\n\r\n');
});

test('request line is written verbatim, invalid values included', () => {
  assert.equal(build({ method: '\tGET', uri: '\\index.html', version: 'HTTP\\1.0', headers: {} }), '\tGET \\index.html HTTP\\1.0\r\nConnection: close\r\n\r\n');
  assert.equal(build({ method: 'GET', uri: '/', version: '' }), 'GET / \r\nConnection: close\r\n\r\n');
  assert.equal(build({ method: 'CONNECT', uri: 'www.example.org:80' }).split('\r\n')[0], 'CONNECT www.example.org:80 HTTP/1.1');
});

test('autocomplete: a body gets Content-Type urlencoded and its key=value pairs URL-encoded (url.QueryEscape)', () => {
  const out = build({ method: 'POST', data: "a=b c&x=<script>&n=é'&flag" });
  const [head, body] = out.split('\r\n\r\n');
  assert.equal(body, 'a=b+c&x=%3Cscript%3E&n=%C3%A9%27&flag');
  assert.deepEqual(head!.split('\r\n'), ['POST / HTTP/1.1', 'Content-Type: application/x-www-form-urlencoded', 'Connection: close', `Content-Length: ${body!.length}`]);
});

test('URL-encoding splits at the first = of each pair; an empty pair is kept, a trailing & is dropped', () => {
  assert.equal(build({ data: 'k=v=w&&z=1&' }).split('\r\n\r\n')[1], 'k=v%3Dw&&z=1');
  assert.equal(build({ data: 'a/b=c:d;e' }).split('\r\n\r\n')[1], 'a%2Fb=c%3Ad%3Be');
});

test('data that changes under URL-unescaping (a % or +) is sent as is', () => {
  assert.equal(build({ data: 'a=%27 or 1' }).split('\r\n\r\n')[1], 'a=%27 or 1');
  assert.equal(build({ data: 'a=1+1 <' }).split('\r\n\r\n')[1], 'a=1+1 <');
  // An invalid escape makes Go's QueryUnescape fail: also sent unchanged.
  assert.equal(build({ data: 'a=%zz <' }).split('\r\n\r\n')[1], 'a=%zz <');
});

test('only an exactly urlencoded Content-Type (case-insensitive) is encoded; other types are not', () => {
  assert.equal(build({ headers: { 'Content-Type': 'Application/X-WWW-Form-Urlencoded' }, data: 'a=<b>' }).split('\r\n\r\n')[1], 'a=%3Cb%3E');
  assert.equal(build({ headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' }, data: 'a=<b>' }).split('\r\n\r\n')[1], 'a=<b>');
  const json = build({ method: 'POST', headers: { 'Content-Type': 'application/json' }, data: '{"a": "<b>"}' });
  assert.ok(json.endsWith('\r\n\r\n{"a": "<b>"}'));
  assert.ok(!json.includes('x-www-form-urlencoded'));
});

test('existing headers are found case-insensitively: no second Content-Type, Connection or Content-Length', () => {
  const out = build({ method: 'POST', headers: { 'content-type': 'text/plain', connection: 'keep-alive', 'content-length': '99' }, data: 'abc' });
  assert.equal(out, 'POST / HTTP/1.1\r\nconnection: keep-alive\r\ncontent-length: 99\r\ncontent-type: text/plain\r\n\r\nabc');
});

test('Content-Length for an empty body only when the method matches ^POST|PUT|PATCH|DELETE$ (unanchored alternatives)', () => {
  assert.match(build({ method: 'POST' }), /Content-Length: 0\r\n/);
  assert.match(build({ method: 'DELETE' }), /Content-Length: 0\r\n/);
  assert.match(build({ method: 'XPUTX' }), /Content-Length: 0\r\n/);
  assert.match(build({ method: 'POSTX' }), /Content-Length: 0\r\n/);
  assert.doesNotMatch(build({ method: 'XDELETEX' }), /Content-Length/);
  assert.doesNotMatch(build({ method: 'GET' }), /Content-Length/);
  assert.doesNotMatch(build({ method: 'HEAD' }), /Content-Length/);
});

test('autocomplete_headers: false (and stop_magic: true) add nothing and send data raw', () => {
  const out = build({ method: 'POST', headers: { Host: 'h', 'Content-Length': '7', 'Transfer-Encoding': 'chunked' }, data: '7\r\nfoo=bar\r\n0\r\n\r\n', autocomplete_headers: false });
  assert.equal(out, 'POST / HTTP/1.1\r\nContent-Length: 7\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n7\r\nfoo=bar\r\n0\r\n\r\n');
  assert.equal(build({ data: 'a=<b>', stop_magic: true }), 'GET / HTTP/1.1\r\n\r\na=<b>');
  // autocomplete_headers wins over stop_magic.
  assert.match(build({ data: 'x', stop_magic: true, autocomplete_headers: true }), /Connection: close/);
});

test('multipart/form-data; bodies get every \\n as \\r\\n, also without autocompletion (and \\r\\n becomes \\r\\r\\n)', () => {
  const data = '--b\nContent-Disposition: form-data; name="a"\n\nv\r\n--b--\n';
  const out = build({ method: 'POST', headers: { 'Content-Type': 'multipart/form-data; boundary=b' }, data });
  const body = '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\r\n--b--\r\n';
  assert.ok(out.endsWith(`Content-Length: ${body.length}\r\n\r\n${body}`));
  const raw = build({ method: 'POST', headers: { 'Content-Type': 'Multipart/Form-Data; boundary=b' }, data: 'x\ny', autocomplete_headers: false });
  assert.ok(raw.endsWith('\r\n\r\nx\r\ny'));
  // Without the semicolon go-ftw leaves the body alone.
  assert.ok(build({ method: 'POST', headers: { 'Content-Type': 'multipart/form-data' }, data: 'x\ny' }).endsWith('\r\n\r\nx\ny'));
});

test('encoded_request is sent byte for byte and every other field is ignored', () => {
  const raw = Buffer.from([0x47, 0x45, 0x54, 0x20, 0x2f, 0xff, 0x00, 0x20, 0x48, 0x0d, 0x0a, 0x0d, 0x0a]);
  const built = buildRequest(parseInput({ encoded_request: raw.toString('base64'), method: 'POST', data: 'x', headers: { A: 'b' } }));
  assert.equal(built.raw, true);
  assert.deepEqual(built.bytes, raw);
  assert.throws(() => buildRequest(parseInput({ encoded_request: 'not base64!' })), /base64/);
});

test('encoded_data is the body as base64 (bytes kept, then autocompleted)', () => {
  const out = buildRequest(parseInput({ method: 'POST', headers: { 'Content-Type': 'text/plain' }, encoded_data: Buffer.from([0xff, 0x0a]).toString('base64') })).bytes;
  assert.deepEqual(out.subarray(out.length - 2), Buffer.from([0xff, 0x0a]));
});

test('ordered_headers keep their order and repeated names', () => {
  const out = build({ ordered_headers: [{ name: 'Z', value: '1' }, { name: 'A', value: '2' }, { name: 'Z', value: '3' }], headers: { Ignored: 'x' } });
  assert.equal(out, 'GET / HTTP/1.1\r\nZ: 1\r\nA: 2\r\nZ: 3\r\nConnection: close\r\n\r\n');
});

test('strings become UTF-8 bytes, null bytes and invalid header names are sent as given', () => {
  const bytes = buildRequest(parseInput({ uri: '/ÿ', headers: { X_Filename: 'a\u0000b' } })).bytes;
  assert.ok(bytes.includes(Buffer.from('GET /\xc3\xbf HTTP/1.1', 'latin1')));
  assert.ok(bytes.includes(Buffer.from('X_Filename: a\x00b\r\n', 'latin1')));
});

test('data templates: {{ "1" | repeat N }}; an invalid template sends no body; unsupported ones throw', () => {
  assert.equal(evaluateTemplate('a={{ "1" | repeat 5 }}&b'), 'a=11111&b');
  assert.equal(evaluateTemplate('x {{- "y" -}} z'), 'xyz');
  assert.equal(evaluateTemplate('no actions }} here'), 'no actions }} here');
  assert.equal(build({ method: 'POST', data: 'a={{ "1" | repeat 3 }}' }).split('\r\n\r\n')[1], 'a=111');
  // Go's parser rejects an unclosed action: go-ftw sends the request without a body.
  assert.equal(build({ method: 'POST', data: 'a={{ "1"' }), 'POST / HTTP/1.1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  assert.throws(() => evaluateTemplate('{{ now }}'), TemplateUnsupported);
});

test('canonicalHeaderKey and QueryEscape follow Go', () => {
  assert.equal(canonicalHeaderKey('content-type'), 'Content-Type');
  assert.equal(canonicalHeaderKey('x-CRS-test'), 'X-Crs-Test');
  assert.equal(canonicalHeaderKey('x_filename'), 'X_filename');
  assert.equal(canonicalHeaderKey('bad name'), 'bad name');
  assert.equal(goQueryEscape(Buffer.from("-_.~ !*'()$")), "-_.~+%21%2A%27%28%29%24");
});

test('loader keeps scalars as their source text and applies go-ftw defaults', () => {
  const yaml = [
    'meta: {author: x}',
    'tests:',
    '  - stages:',
    '      - input:',
    '          version: 1.0',
    '          headers:',
    '            Content-Length: 007',
    '            X-Bool: true',
    '          data: ~',
    '        output:',
    '          status: 400',
    '          log: {expect_ids: [920100], no_expect_ids: ["920101"]}',
    '  - test_id: 9',
    '    stages:',
    '      - input: {stop_magic: true}',
    '        output: {no_log_contains: "id \\"1\\""}',
  ].join('\n');
  const tests = parseTestFile(yaml, 'REQUEST-X/920100.yaml');
  assert.deepEqual(tests.map((t) => t.name), ['920100-1', '920100-9']);
  const input = tests[0]!.stages[0]!.input;
  assert.equal(input.version, '1.0');
  assert.deepEqual(input.headers, [{ name: 'Content-Length', value: '007' }, { name: 'X-Bool', value: 'true' }]);
  assert.equal(input.data, null);
  assert.equal(input.autocompleteHeaders, true);
  assert.deepEqual(tests[0]!.stages[0]!.output.log.expectIds, [920100]);
  assert.deepEqual(tests[0]!.stages[0]!.output.log.noExpectIds, [920101]);
  assert.equal(tests[1]!.stages[0]!.input.autocompleteHeaders, false);
  assert.equal(tests[1]!.stages[0]!.output.log.noMatchRegex, 'id "1"');
  assert.deepEqual(parseTestFile('# all commented out\n', 'x/920539.yaml'), []);
});

test('the CRS v4 suite loads: 323 files, 5,003 tests, 5,009 stages, 10 raw requests', () => {
  const suite = loadTests(join(CRS_DIR, 'tests', 'regression', 'tests'));
  assert.equal(suite.files, 323);
  assert.equal(suite.tests.length, 5003);
  const stages = suite.tests.flatMap((t) => t.stages);
  assert.equal(stages.length, 5009);
  assert.equal(stages.filter((s) => s.input.encodedRequest !== '').length, 10);
  assert.equal(stages.filter((s) => s.output.status !== 0).length, 29);
  assert.ok(suite.tests.some((t) => t.name === '9331200-1'), 'the 933200.yaml rule_id typo is kept');
  assert.equal(suite.tests.filter((t) => t.file.endsWith('999999.yml')).length, 37);
  // Every stage builds (no unsupported template or bad base64 in the suite).
  for (const s of stages) buildRequest(s.input);
  const big = suite.tests.find((t) => t.name === '920400-1')!;
  const body = buildRequest(big.stages[0]!.input).bytes.toString('latin1').split('\r\n\r\n')[1]!;
  assert.ok(body.includes('\r\n' + '1'.repeat(64200) + '\r\n'), 'the repeat template expands');
});
