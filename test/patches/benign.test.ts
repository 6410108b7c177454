/**
 * No false positives: several thousand benign requests (test/patches/benign/generator.ts) run
 * through the whole catalog, every patch in block mode, with only the catalog loaded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinCatalog } from '../../src/patches/loader.js';
import { compileForTest, evaluate } from '../../src/patches/engine-runner.js';
import { buildRequest } from '../../src/patches/requests.js';
import { generateBenign } from './benign/generator.js';

const CORPUS_SIZE = 6000;

test(`benign corpus (${CORPUS_SIZE} requests) passes the whole catalog`, () => {
  const corpus = generateBenign(CORPUS_SIZE);
  const categories = new Map<string, number>();
  for (const r of corpus) categories.set(r.category, (categories.get(r.category) ?? 0) + 1);
  for (const c of ['browsing', 'search', 'json-api', 'form', 'upload', 'product']) assert.ok((categories.get(c) ?? 0) >= 200, `category ${c} under-represented`);

  const waf = compileForTest(builtinCatalog());
  const blocked: string[] = [];
  for (const r of corpus) {
    const req = buildRequest(r);
    const v = evaluate(waf, req);
    if (v.interrupted) blocked.push(`${r.name}: rule ${v.ruleId} blocked ${req.method} ${req.target.slice(0, 160)}`);
  }
  assert.deepEqual(blocked.slice(0, 25), [], `${blocked.length} benign requests blocked`);
});

test('the generator is deterministic and varied', () => {
  const a = generateBenign(300, 7);
  const b = generateBenign(300, 7);
  assert.deepEqual(a, b);
  const distinct = new Set(a.map((r) => JSON.stringify([r.method, r.uri, r.body, r.form, r.json, r.multipart])));
  assert.ok(distinct.size > 250, `only ${distinct.size} distinct requests`);
});
