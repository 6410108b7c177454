import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { it } from 'node:test';
import { allTransforms, getTransform } from '../../../src/engine/transforms/index.js';
import { REPO_ROOT } from '../../helpers/shared.js';

/**
 * Differential cases recorded from libmodsecurity 3.0.9 (Debian 12) by oracle/generate.mjs:
 * generated inputs aimed at each transformation's edge cases, with v3's own outputs.
 */
const FIXTURE = resolve(REPO_ROOT, 'test/engine/transforms/fixtures/libmodsecurity-3.0.9.json');
const { cases } = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { cases: [string, string, string][] };

it('matches libmodsecurity 3.0.9 on every recorded case', () => {
  const mismatches: string[] = [];
  for (const [name, inHex, outHex] of cases) {
    const def = getTransform(name);
    assert.ok(def, name);
    const got = Buffer.from(def.fn(Buffer.from(inHex, 'hex').toString('latin1')), 'latin1').toString('hex');
    if (got !== outHex) mismatches.push(`${name}(${inHex}): v3 ${outHex}, vpatch ${got}`);
  }
  assert.deepEqual(mismatches, []);
});

it('records cases for every transformation except the documented deviations', () => {
  const covered = new Set(cases.map((c) => c[0]));
  const missing = allTransforms()
    .map((d) => d.name)
    .filter((n) => !covered.has(n));
  assert.deepEqual(missing, ['none', 'sqlHexDecode']);
  assert.ok(cases.length >= 2000);
});
