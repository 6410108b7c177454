/**
 * Prefilter soundness: the prefilter may let non-matching inputs through, but it must never
 * reject an input the pattern matches. Checked on every CRS @rx pattern with the CRS
 * regression payloads and with strings generated from each pattern's tree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRegex, describeRegex, parseRegex } from '../../../src/engine/regex/index.js';
import { loadCrsRxPatterns } from './crs-patterns.js';
import { generate, loadCrsPayloads, prng } from './samples.js';

const patterns = loadCrsRxPatterns();

test('prefilter never rejects a CRS regression payload that the pattern matches', () => {
  const payloads = loadCrsPayloads();
  assert.ok(payloads.length > 3000, `payloads: ${payloads.length}`);
  let matches = 0;
  const missed: string[] = [];
  // Compile everything first, as the engine does, so all literals share the index.
  const compiled = patterns.map((p) => [compileRegex(p.pattern, { prefilter: false }), compileRegex(p.pattern)] as const);
  for (const [k, p] of patterns.entries()) {
    const [exact, filtered] = compiled[k]!;
    for (const s of payloads) {
      if (!exact.test(s)) continue;
      matches++;
      if (!filtered.test(s)) missed.push(`${p.id}: ${JSON.stringify(s.slice(0, 80))}`);
    }
  }
  assert.deepEqual(missed, []);
  assert.ok(matches > 2000, `pattern/payload matches: ${matches}`);
});

test('prefilter never rejects strings generated from the pattern (with case and context changes)', () => {
  const rand = prng(12345);
  let checked = 0;
  const missed: string[] = [];
  const compiled = patterns.map((p) => [compileRegex(p.pattern, { prefilter: false }), compileRegex(p.pattern)] as const);
  for (const [k, p] of patterns.entries()) {
    const { root } = parseRegex(p.pattern);
    const [exact, filtered] = compiled[k]!;
    for (let i = 0; i < 60; i++) {
      let s = generate(root, rand);
      if (i % 3 === 1) s = s.replace(/[a-z]+/g, (m) => m.toUpperCase());
      if (i % 3 === 2) s = 'x=' + s + '&y=\xe9';
      if (!exact.test(s)) continue;
      checked++;
      if (!filtered.test(s)) missed.push(`${p.id}: ${JSON.stringify(s.slice(0, 80))}`);
    }
  }
  assert.deepEqual(missed, []);
  assert.ok(checked > 5000, `generated matches: ${checked}`);
});

/** [pattern, prefilter description] */
const EXTRACTION: Array<[string, string | null]> = [
  ['select', '["select"]'],
  ['(?i)SELECT', '["select"]'],
  ['(?i)sel(?:ect)?', '["sel"]'],
  ['union.*select', '["select"]'],
  ['(?i)(?:union|select)\\s', '["union", "select"]'],
  ['a|.*', null],
  ['[a-z]+', null],
  ['e', null],
  ['(?i)<script', '["<script"]'],
  ['\\x{e2}\\x80\\x98', '["\xe2\x80\x98"]'],
  ['[0-1]x[yz]', '["0xy", "0xz", "1xy", "1xz"]'],
  ['(?i)on(?:load|error)\\s*=', '["onload", "onerror"]'],
];

for (const [pattern, expected] of EXTRACTION) {
  test(`prefilter of ${JSON.stringify(pattern)} is ${expected}`, () => {
    assert.equal(describeRegex(pattern).prefilter, expected);
  });
}

test('case-insensitive prefilter folds ASCII only, and keeps bytes >= 0x80 exact', () => {
  const re = compileRegex('(?i)caf\\xc9');
  assert.equal(re.test('CAF\xc9'), true);
  assert.equal(re.test('caf\xe9'), false);
});

test('minimum length rejects short inputs before any engine runs', () => {
  const re = compileRegex('[a-z]{5}');
  assert.equal(re.minLength, 5);
  assert.equal(re.test('abcd'), false);
  assert.equal(re.test('abcde'), true);
});

test('patterns compiled after a value was scanned see their own literals in it', () => {
  const value = 'GET /?q=zqxjk-literal-' + Math.random().toString(36).slice(2);
  const first = compileRegex('(?i)first-unique-literal');
  assert.equal(first.test(value), false);
  const second = compileRegex('zqxjk-literal');
  assert.equal(second.mayMatch(value), true);
  assert.equal(second.test(value), true);
  assert.equal(first.test(value), false);
});

test('the literal cache stays correct across many distinct and large values', () => {
  const re = compileRegex('(?i)needle-[0-9]+');
  for (let i = 0; i < 2000; i++) {
    const v = i % 7 === 0 ? `x${i} NEEDLE-${i}` : `x${i} haystack`;
    assert.equal(re.test(v), i % 7 === 0, v);
  }
  const big = 'a'.repeat(40_000) + 'needle-1';
  assert.equal(re.test(big), true);
  assert.equal(re.test('a'.repeat(40_000)), false);
  assert.equal(re.test(big), true);
});
