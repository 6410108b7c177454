import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { TRANSFORM_VECTOR_OVERRIDES, runTransformVectors } from '../../../src/conformance/transform-vectors.js';
import { decodeVectorBytes } from '../../../src/conformance/vector-decoding.js';
import { getTransform } from '../../../src/engine/transforms/index.js';
import { SECLANG_TESTS_DIR } from '../../helpers/shared.js';

const DIR = join(SECLANG_TESTS_DIR, 'transformations');
const hex = (s: string): string => Buffer.from(s, 'latin1').toString('hex');

interface Case {
  name: string;
  input: string;
  output: string;
}

describe('SecRules Test Set transformation vectors', () => {
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()) {
    const raw = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Case | Case[];
    const cases = Array.isArray(raw) ? raw : [raw];
    it(basename(file, '.json'), (t) => {
      cases.forEach((tc, index) => {
        if (tc.name === 'phpArgsNames') {
          return; // not a ModSecurity v3 transformation
        }
        const def = getTransform(tc.name === 'cmd_line' ? 'cmdLine' : tc.name);
        assert.ok(def, `unknown transformation ${tc.name}`);
        const override = TRANSFORM_VECTOR_OVERRIDES.find((o) => o.name === tc.name && o.input === tc.input);
        const input = decodeVectorBytes(tc.input);
        const expected = override?.output ?? decodeVectorBytes(tc.output);
        assert.equal(hex(def.fn(input)), hex(expected), `${file}#${index}: t:${tc.name}(${JSON.stringify(input)})`);
      });
      if (cases[0]?.name === 'phpArgsNames') t.diagnostic(`${cases.length} phpArgsNames cases skipped (not in ModSecurity v3)`);
    });
  }

  it('runTransformVectors passes every case that applies to v3', () => {
    const r = runTransformVectors(SECLANG_TESTS_DIR);
    assert.deepEqual(r.failures, []);
    assert.equal(r.suite, 'seclang-transformations');
    assert.equal(r.total, 376);
    assert.equal(r.failed, 0);
    assert.equal(r.skipped, 13);
    assert.ok(r.skips.every((s) => s.test.startsWith('transformations/phpArgsNames#') && /not a ModSecurity v3/.test(s.reason)));
    assert.equal(r.passed, 363);
    assert.deepEqual(
      r.overridden.map((o) => o.test),
      ['transformations/cssDecode#3', 'transformations/escapeSeqDecode#5'],
    );
    // Also accepts the transformations/ directory itself.
    assert.equal(runTransformVectors(DIR).passed, 363);
  });

  it('every override names a vector that exists and gives its reason', () => {
    for (const o of TRANSFORM_VECTOR_OVERRIDES) {
      const file = join(DIR, `${o.name}.json`);
      const cases = JSON.parse(readFileSync(file, 'utf8')) as Case[];
      assert.ok(cases.some((c) => c.input === o.input), `${o.name}: overridden input not found`);
      assert.ok(o.reason.length > 40);
    }
  });
});
