/**
 * Soundness of the rule-set candidate index (src/engine/candidates.ts, inspection.ts,
 * transform-triggers.ts). The index may only skip an operator call that could not match:
 *
 * 1. Transformation triggers: a transformation whose trigger bytes are absent returns its
 *    input unchanged (checked on random inputs for every listed transformation).
 * 2. Requirements: for every CRS rule link with a requirement, every value its operator
 *    matches meets the requirement — on the CRS regression payloads (raw and through the
 *    link's own pipeline) and on strings generated to match (regex trees, phrases in
 *    context, random bytes for the validate operators).
 * 3. Differential: CRS regression requests and generated benign/attack traffic through the
 *    WAF with and without the index give the same matched rules (id, variable, value, msg,
 *    logdata), interruptions and TX collection (anomaly scores included).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Waf, type CompiledWaf, type Transaction } from '../../src/engine/index.js';
import { BYTE_SIGNATURE, type LinkPlan, operatorRequirements } from '../../src/engine/candidates.js';
import { admits, BASE64_INVALID, Inspector } from '../../src/engine/inspection.js';
import { parseRegex } from '../../src/engine/regex/index.js';
import { minimalLiterals, requiredBytes, requiredLiterals } from '../../src/engine/regex/literals.js';
import type { Rule } from '../../src/engine/rule.js';
import { BYTE_FEATURES, F_WIDE, transformTrigger, triggerTable, valueFeatures } from '../../src/engine/transform-triggers.js';
import { getTransform } from '../../src/engine/transforms/index.js';
import { crsSetupFile } from '../../src/conformance/crs/engine-waf.js';
import { loadTests } from '../../src/conformance/crs/loader.js';
import { buildRequest } from '../../src/conformance/crs/request-builder.js';
import { testSetupConf, TEST_SETUP_NAME } from '../../src/conformance/crs/test-setup.js';
import { generateTraffic } from '../../bench/fidelity/generator.js';
import { CRS_DIR } from '../helpers/shared.js';
import { generate, loadCrsPayloads, prng } from './regex/samples.js';

// ------------------------------------------------------------------ 1. triggers

test('a transformation returns its input unchanged when none of its trigger bytes occur', () => {
  const rand = prng(7);
  let checked = 0;
  for (const name of Object.keys(triggerTable())) {
    const def = getTransform(name)!;
    const trigger = transformTrigger(def.fn);
    const quiet: number[] = [];
    for (let b = 0; b < 256; b++) if ((BYTE_FEATURES[b]! & trigger) === 0) quiet.push(b);
    // Mostly bytes that do not trigger, sometimes any byte: then the check applies only
    // when the value's features still miss the trigger.
    for (let i = 0; i < 3000; i++) {
      const len = Math.floor(rand() * 24);
      let s = '';
      const any = i % 4 === 3;
      for (let k = 0; k < len; k++) {
        const b = any ? Math.floor(rand() * 256) : quiet[Math.floor(rand() * quiet.length)]!;
        s += String.fromCharCode(b);
      }
      if ((valueFeatures(s) & trigger) !== 0) continue;
      checked++;
      assert.equal(def.fn(s), s, `t:${name} changed ${JSON.stringify(s)}`);
    }
  }
  assert.ok(checked > 40000, `checked ${checked}`);
});

test('t:base64Decode gives the empty string for a value with a byte its alphabet rejects (no NUL)', () => {
  const b64 = getTransform('base64Decode')!.fn;
  const rand = prng(11);
  let checked = 0;
  for (let i = 0; i < 20000; i++) {
    let s = '';
    const len = 1 + Math.floor(rand() * 16);
    for (let k = 0; k < len; k++) {
      const r = rand();
      s += r < 0.7 ? 'QUJDRA=+/ \r\n'.charAt(Math.floor(rand() * 14)) : String.fromCharCode(Math.floor(rand() * 256));
    }
    let sig = 0;
    for (let k = 0; k < s.length; k++) sig |= BYTE_SIGNATURE[s.charCodeAt(k)]!;
    if ((sig & BASE64_INVALID) === 0 || (sig & BYTE_SIGNATURE[0]!) !== 0) continue;
    checked++;
    assert.equal(b64(s), '', JSON.stringify(s));
  }
  assert.ok(checked > 5000, `checked ${checked}`);
});

test('every transformation runs on values that are not byte strings', () => {
  for (const name of Object.keys(triggerTable())) {
    assert.notEqual(transformTrigger(getTransform(name)!.fn) & F_WIDE, 0, name);
  }
  assert.notEqual(valueFeatures('a\u0100') & F_WIDE, 0);
});

// ------------------------------------------------------------------ literal derivation

test('required literals and bytes of small patterns', () => {
  const lits = (p: string): string[] | null => {
    const l = requiredLiterals(parseRegex(p).root);
    return l === null ? null : minimalLiterals(l);
  };
  assert.deepEqual(lits('(?i)union\\s+select'), ['select']);
  assert.deepEqual(lits('(?i)(?:union|select)\\s'), ['union', 'select']);
  assert.deepEqual(lits('(?i)<script'), ['<script']);
  assert.equal(lits('a|.*'), null);
  assert.deepEqual(requiredBytes(parseRegex('(?:cat|ls)[;|&]').root)?.sort(), ['&', ';', '|']);
  assert.equal(requiredBytes(parseRegex('^$').root), null);
  assert.equal(requiredBytes(parseRegex('a?').root), null);
});

// ------------------------------------------------------------------ shared CRS WAFs

const CRS_SOURCES = [
  { text: testSetupConf(readFileSync(crsSetupFile(CRS_DIR), 'utf8')), name: TEST_SETUP_NAME, baseDir: CRS_DIR },
  { file: crsSetupFile(CRS_DIR) },
  { file: join(CRS_DIR, 'rules', '*.conf') },
];

let indexed: CompiledWaf | undefined;
let plain: CompiledWaf | undefined;
const crsWaf = (): CompiledWaf => (indexed ??= Waf.compile(CRS_SOURCES));
const crsWafWithoutIndex = (): CompiledWaf => (plain ??= Waf.compile(CRS_SOURCES, { candidateIndex: false }));

function links(waf: CompiledWaf): Rule[] {
  const out: Rule[] = [];
  for (const r of waf.ruleSet.rules) for (let l: Rule | null = r; l !== null; l = l.chainChild) out.push(l);
  return out;
}

/** The values a link's operator sees for raw input `s`: after the pipeline (and each step, for multiMatch). */
function pipelineValues(link: Rule, s: string): string[] {
  const out = [s];
  let v = s;
  for (const node of link.transforms.path()) {
    v = node.fn!(v);
    if (link.multiMatch || node === link.transforms) out.push(v);
  }
  return out;
}

// ------------------------------------------------------------------ 2. requirements

test('every CRS link with a requirement: each value its operator matches meets the requirement', { timeout: 10 * 60_000 }, () => {
  const waf = crsWaf();
  const index = waf.candidates!;
  const inspector = new Inspector(index, waf.ruleSet.transforms.size);
  const root = waf.ruleSet.transforms.root;
  const payloads = loadCrsPayloads();
  assert.ok(payloads.length > 3000, `payloads: ${payloads.length}`);
  const rand = prng(99);
  const failures: string[] = [];
  let withRequirement = 0;
  let matches = 0;
  let generatedMatches = 0;
  const check = (link: Rule, plan: LinkPlan, value: string, generated: boolean): void => {
    if (!link.operator!.match(value, null)) return;
    matches++;
    if (generated) generatedMatches++;
    if (!admits(inspector.record(root, value), plan)) {
      failures.push(`${link.chainStarter.id}${link.isChainChild ? ' (chained)' : ''} @${link.operatorName}: ${JSON.stringify(value.slice(0, 100))}`);
    }
  };
  for (const link of links(waf)) {
    const plan = link.inspect;
    if (plan === null || (plan.req < 0 && !plan.filterBytes) || link.operator === null) continue;
    withRequirement++;
    for (const p of payloads) for (const v of pipelineValues(link, p)) check(link, plan, v, false);
    // Strings made to match.
    const generated: string[] = [];
    if (link.operatorName === 'rx' || link.operatorName === 'rxGlobal') {
      const tree = parseRegex(link.operatorParam).root;
      for (let i = 0; i < 80; i++) {
        let s = generate(tree, rand);
        if (i % 3 === 1) s = s.replace(/[a-z]+/g, (m) => m.toUpperCase());
        if (i % 3 === 2) s = 'x=' + s + '&y=\xe9';
        generated.push(s);
      }
    }
    const { literals } = operatorRequirements(link);
    if (literals !== null && link.operatorName !== 'rx' && link.operatorName !== 'rxGlobal') {
      for (const lit of literals.slice(0, 400)) {
        generated.push(lit, `a ${lit.toUpperCase()} b`, `${lit}\x00${lit.slice(1)}`);
      }
    }
    if (link.operatorName.startsWith('validate')) {
      for (let i = 0; i < 300; i++) {
        let s = '';
        const len = 1 + Math.floor(rand() * 12);
        for (let k = 0; k < len; k++) s += String.fromCharCode(i % 2 === 0 ? Math.floor(rand() * 256) : 0x20 + Math.floor(rand() * 95));
        generated.push(s, s.replace(/./, '%'));
      }
    }
    for (const g of generated) check(link, plan, g, true);
  }
  assert.deepEqual(failures.slice(0, 50), []);
  assert.ok(withRequirement > 300, `links with a requirement: ${withRequirement}`);
  assert.ok(matches > 20000, `operator matches checked: ${matches}`);
  assert.ok(generatedMatches > 5000, `generated matches checked: ${generatedMatches}`);
});

test('a cheaper operator the index substitutes (^.*$) answers and captures exactly as the rule\'s', () => {
  const waf = crsWaf();
  const payloads = loadCrsPayloads().slice(0, 3000);
  payloads.push('', '\n', 'a\nb\n', '\xff\x00x');
  let substituted = 0;
  for (const link of links(waf)) {
    const cheap = link.inspect?.op ?? null;
    if (cheap === null) continue;
    substituted++;
    for (const p of payloads) {
      const a = { groups: [] as string[] };
      const b = { groups: [] as string[] };
      assert.equal(cheap.match(p, a), link.operator!.match(p, b), JSON.stringify(p));
      assert.deepEqual(a.groups, b.groups, JSON.stringify(p));
      assert.equal(cheap.match(p, null), link.operator!.match(p, null));
    }
  }
  assert.ok(substituted >= 1, 'CRS 920450 uses ^.*$');
});

// ------------------------------------------------------------------ 3. differential

interface Req {
  method: string;
  uri: string;
  version: string;
  headers: Array<[string, string]>;
  body: Buffer | null;
}

/** Splits raw request bytes the simple way: request line, header lines, blank line, body. */
function parseRaw(bytes: Buffer): Req | null {
  const text = bytes.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  const lines = head.split('\r\n');
  const parts = lines[0]!.split(' ');
  if (parts.length < 2) return null;
  const headers: Array<[string, string]> = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  const body = end < 0 ? null : bytes.subarray(end + 4);
  return { method: parts[0]!, uri: parts[1]!, version: parts[2] ?? 'HTTP/1.1', headers, body: body !== null && body.length > 0 ? body : null };
}

function run(waf: CompiledWaf, r: Req, id: string): Transaction {
  const tx = waf.newTransaction({ id });
  tx.processConnection('198.51.100.7', 40000, '127.0.0.1', 8080);
  tx.processUri(r.uri, r.method, r.version.replace(/^HTTP\//, ''));
  for (const [n, v] of r.headers) tx.addRequestHeader(n, v);
  let it = tx.processRequestHeaders();
  if (it === null && r.body !== null && tx.requestBodyAccess) it = tx.appendRequestBody(r.body);
  if (it === null) it = tx.processRequestBody();
  if (it === null) {
    tx.addResponseHeader('Content-Type', 'text/html');
    it = tx.processResponseHeaders(200, 'HTTP/1.1');
    if (it === null && tx.responseBodyAccess) tx.appendResponseBody(Buffer.from('<html><body>ok</body></html>'));
    if (it === null) tx.processResponseBody();
  }
  tx.processLogging();
  return tx;
}

/** Everything the index must not change. */
function outcome(tx: Transaction): string {
  const tx0 = tx.txCollection;
  const vars = [...tx0.entries.entries()].map(([k, e]) => `${k}=${e.value}`).sort();
  return JSON.stringify({
    interruption: tx.interruption,
    wouldInterrupt: tx.wouldInterrupt,
    matched: tx.matchedRules.map((m) => [m.id, m.matchedVarName, m.matchedVar, m.msg, m.logdata]),
    vars,
  });
}

function crsRequests(): Req[] {
  const out: Req[] = [];
  for (const t of loadTests(join(CRS_DIR, 'tests', 'regression', 'tests')).tests) {
    for (const stage of t.stages) {
      try {
        const r = parseRaw(buildRequest(stage.input).bytes);
        if (r !== null) out.push(r);
      } catch {
        // A stage the builder refuses (bad template) is not a request.
      }
    }
  }
  return out;
}

function generatedRequests(count: number): Req[] {
  return generateTraffic({ seed: 4242, count }).map((g) => ({
    method: g.method,
    uri: g.target,
    version: g.version,
    headers: g.headers,
    body: g.body ?? null,
  }));
}

function differential(a: CompiledWaf, b: CompiledWaf, requests: Req[], label: string): void {
  const diffs: string[] = [];
  let matched = 0;
  requests.forEach((r, i) => {
    const id = `${label}-${i}`;
    const x = run(a, r, id);
    const y = run(b, r, id);
    if (x.matchedRules.length > 0) matched++;
    const ox = outcome(x);
    const oy = outcome(y);
    if (ox !== oy) diffs.push(`${r.method} ${r.uri.slice(0, 120)}\n  with index:    ${ox.slice(0, 600)}\n  without index: ${oy.slice(0, 600)}`);
  });
  assert.deepEqual(diffs.slice(0, 10), [], `${diffs.length} of ${requests.length} requests differ`);
  assert.ok(matched > requests.length / 4, `requests with matches: ${matched} of ${requests.length}`);
}

test('differential: CRS regression requests give the same results with and without the index', { timeout: 15 * 60_000 }, () => {
  const requests = crsRequests();
  assert.ok(requests.length > 4000, `requests: ${requests.length}`);
  differential(crsWaf(), crsWafWithoutIndex(), requests, 'crs');
});

test('differential: generated benign and attack traffic, at paranoia levels 4 and 1', { timeout: 15 * 60_000 }, () => {
  const requests = generatedRequests(2500);
  differential(crsWaf(), crsWafWithoutIndex(), requests, 'gen4');
  const pl1 = [
    { text: 'SecRuleEngine On\nSecRequestBodyAccess On\nSecResponseBodyAccess On\nSecResponseBodyMimeType text/html', name: 'pl1.conf' },
    { file: crsSetupFile(CRS_DIR) },
    { text: 'SecAction "id:900000,phase:1,pass,nolog,setvar:tx.blocking_paranoia_level=1"', name: 'pl.conf' },
    { file: join(CRS_DIR, 'rules', '*.conf') },
  ];
  differential(Waf.compile(pl1), Waf.compile(pl1, { candidateIndex: false }), requests.slice(0, 1500), 'gen1');
});
