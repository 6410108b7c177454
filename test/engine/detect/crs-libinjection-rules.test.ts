/**
 * CRS regression cases for the two libinjection rules, 942100 (@detectSQLi) and 941100
 * (@detectXSS): every stage's values are extracted as ModSecurity would see them, put through
 * the rule's own transformation chain (read from the CRS rule file) and given to our detector;
 * the rule fires when any target value matches, and that must agree with expect_ids /
 * no_expect_ids for every case.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { detectSqli } from '../../../src/engine/detect/sqli/index.js';
import { detectXss } from '../../../src/engine/detect/xss/index.js';
import { getTransform } from '../../../src/engine/transforms/index.js';
import { CRS_DIR } from '../../helpers/shared.js';
import { collect, loadCases, targetValues } from './helpers/crs-values.js';

interface RuleSpec {
  id: number;
  transforms: string[];
  targets: string;
}

/** Targets and t: actions of a rule, read from the CRS rule file. */
function readRule(file: string, id: number): RuleSpec {
  const text = readFileSync(resolve(CRS_DIR, 'rules', file), 'utf8');
  const at = text.indexOf(`id:${id},`);
  assert.ok(at > 0, `rule ${id} not found`);
  const start = text.lastIndexOf('SecRule ', at);
  const end = text.indexOf('\nSecRule', at);
  const rule = text.slice(start, end < 0 ? undefined : end);
  const targets = rule.slice('SecRule '.length, rule.indexOf(' '.repeat(1), 'SecRule '.length));
  const transforms = [...rule.matchAll(/t:([A-Za-z0-9]+)/g)].map((m) => m[1]!).filter((t) => t !== 'none');
  return { id, transforms, targets };
}

function applyChain(value: string, names: string[]): string {
  let v = value;
  for (const n of names) {
    const t = getTransform(n);
    assert.ok(t, `transformation ${n} is not implemented`);
    v = t.fn(v);
  }
  return v;
}

function runCases(
  file: string,
  ruleFile: string,
  id: number,
  headers: string[],
  detector: (v: string) => boolean,
): void {
  const spec = readRule(ruleFile, id);
  for (const h of headers) assert.ok(spec.targets.includes(`REQUEST_HEADERS:${h}`), `${id} targets ${h}`);
  const cases = loadCases(resolve(CRS_DIR, 'tests/regression/tests', file));
  assert.ok(cases.length > 0);
  for (const c of cases) {
    const expectFire = c.expectIds.includes(id);
    const expectQuiet = c.noExpectIds.includes(id);
    if (!expectFire && !expectQuiet) continue;
    it(`${c.id} ${expectFire ? 'fires' : 'stays quiet'}: ${c.desc}`, () => {
      const values = targetValues(collect(c.input), { headers });
      const hits = values.filter((v) => detector(applyChain(v.value, spec.transforms)));
      if (expectFire) assert.ok(hits.length > 0, `no target matched; values: ${JSON.stringify(values)}`);
      else assert.deepEqual(hits, [], 'a target matched');
    });
  }
}

describe('CRS 942100 (@detectSQLi) regression cases', () => {
  runCases(
    'REQUEST-942-APPLICATION-ATTACK-SQLI/942100.yaml',
    'REQUEST-942-APPLICATION-ATTACK-SQLI.conf',
    942100,
    ['User-Agent', 'Referer'],
    (v) => detectSqli(v).isInjection,
  );
});

describe('CRS 941100 (@detectXSS) regression cases', () => {
  runCases(
    'REQUEST-941-APPLICATION-ATTACK-XSS/941100.yaml',
    'REQUEST-941-APPLICATION-ATTACK-XSS.conf',
    941100,
    ['User-Agent'],
    (v) => detectXss(v).isXss,
  );
});
