/**
 * Differential test of @detectSQLi / @detectXSS against ModSecurity v3 (the system's
 * libmodsecurity, 3.0.9 on Debian 12). The oracle (oracle/v3-detect.cc) is compiled on the fly
 * and runs a one-rule configuration over fixed value sets:
 *   - every distinct value the CRS regression tests give rule 942100 / 941100 (after the
 *     rule's transformation chain),
 *   - held-out generated attacks: template attacks, their mutations, random SQL-ish probes
 *     (oracle/eval-corpus.ts),
 *   - held-out benign look-alikes and benign corpora.
 * The test fails when agreement drops below the recorded floor (FLOORS) or when the list of
 * differences on the CRS values and the benign values is not exactly the documented one
 * (oracle/differences.txt, explained in docs/detectors.md). Skipped, with the reason, when
 * libmodsecurity's headers or g++ are missing.
 *
 * VPATCH_WRITE_DIFFERENCES=1 rewrites differences.txt instead of comparing (then review it).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { detectSqli } from '../../../src/engine/detect/sqli/index.js';
import { detectXss } from '../../../src/engine/detect/xss/index.js';
import { REPO_ROOT } from '../../helpers/shared.js';
import { crsValueSets } from './oracle/crs-corpus.js';
import { evalAttackSets, evalBenign } from './oracle/eval-corpus.js';
import { buildOracle, oracleUnavailable, oracleVersion, runOracle, type V3Verdict } from './oracle/oracle.js';

/** Lowest agreement (fraction of values with the same verdict) each set may fall to. */
const FLOORS = {
  'crs sqli': 0.995,
  'crs xss': 0.999,
  'template attacks sqli': 0.995,
  'mutated attacks sqli': 0.985,
  'random probes sqli': 0.975,
  'benign sqli': 0.997,
  'benign xss': 0.999,
} as const;
type SetName = keyof typeof FLOORS;
/** Sets whose every difference is listed in differences.txt. */
const LISTED: SetName[] = ['crs sqli', 'crs xss', 'benign sqli', 'benign xss'];

const DIFF_PATH = resolve(REPO_ROOT, 'test/engine/detect/oracle/differences.txt');

interface Difference {
  set: SetName;
  /** `vpatch` when only vpatch flags the value, `v3` when only v3 does. */
  who: 'vpatch' | 'v3';
  /** The byte string (one code unit per byte; JSON shows bytes >= 0x80 as \u00XX). */
  value: string;
}

const key = (d: Difference) => `${d.set}\t${d.who}\t${JSON.stringify(d.value)}`;

function readDifferences(): string[] {
  const out: string[] = [];
  for (const line of readFileSync(DIFF_PATH, 'utf8').split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [set, who, json] = line.split('\t');
    out.push(`${set}\t${who}\t${json}`);
  }
  return out.sort();
}

function compare(set: SetName, values: string[], v3: V3Verdict[], ours: (v: string) => boolean, pick: (a: V3Verdict) => boolean) {
  const diffs: Difference[] = [];
  values.forEach((v, i) => {
    const us = ours(v);
    const them = pick(v3[i]!);
    if (us !== them) diffs.push({ set, who: us ? 'vpatch' : 'v3', value: v });
  });
  return { agreement: 1 - diffs.length / values.length, diffs };
}

const why = oracleUnavailable();

describe('agreement with ModSecurity v3 (libinjection)', { skip: why ?? false }, () => {
  const sets = new Map<SetName, { agreement: number; diffs: Difference[]; size: number }>();
  let version = '';

  it('runs the oracle over the value sets', () => {
    const bin = buildOracle();
    version = oracleVersion(bin);
    const crs = crsValueSets();
    const attacks = evalAttackSets();
    const benign = evalBenign();
    const sq = (v: string) => detectSqli(v).isInjection;
    const xs = (v: string) => detectXss(v).isXss;
    const run = (name: SetName, values: string[], ours: (v: string) => boolean, pick: (a: V3Verdict) => boolean, v3?: V3Verdict[]) => {
      const verdicts = v3 ?? runOracle(bin, values);
      sets.set(name, { ...compare(name, values, verdicts, ours, pick), size: values.length });
      return verdicts;
    };
    if (crs.sqli.length > 0) {
      run('crs sqli', crs.sqli, sq, (a) => a.sqli);
      run('crs xss', crs.xss, xs, (a) => a.xss);
    }
    run('template attacks sqli', attacks.templates, sq, (a) => a.sqli);
    run('mutated attacks sqli', attacks.mutations, sq, (a) => a.sqli);
    run('random probes sqli', attacks.probes, sq, (a) => a.sqli);
    const bv = run('benign sqli', benign, sq, (a) => a.sqli);
    run('benign xss', benign, xs, (a) => a.xss, bv);
    const summary = [...sets].map(([n, s]) => `${n}: ${(s.agreement * 100).toFixed(2)}% of ${s.size}`).join('; ');
    console.log(`# ${version}: ${summary}`);
    assert.ok(sets.size >= 3);
  });

  it('agreement stays at or above the recorded floors', () => {
    for (const [name, s] of sets) {
      assert.ok(s.agreement >= FLOORS[name], `${name}: ${(s.agreement * 100).toFixed(2)}% < floor ${(FLOORS[name] * 100).toFixed(2)}%`);
    }
  });

  it('the differences on CRS and benign values are exactly the documented ones', () => {
    const found = LISTED.filter((n) => sets.has(n)).flatMap((n) => sets.get(n)!.diffs.map(key)).sort();
    if (process.env.VPATCH_WRITE_DIFFERENCES === '1') {
      const header = [
        '# Values on which vpatch and ModSecurity v3 disagree, written by test/engine/detect/v3-agreement.test.ts',
        '# (VPATCH_WRITE_DIFFERENCES=1) and reviewed: docs/detectors.md explains each group.',
        '# set<TAB>who flags (vpatch or v3)<TAB>value (JSON of the byte string: \\u00XX is byte XX)',
      ];
      writeFileSync(DIFF_PATH, header.join('\n') + '\n' + found.join('\n') + '\n');
      return;
    }
    const documented = readDifferences().filter((l) => sets.has(l.split('\t')[0] as SetName));
    const added = found.filter((d) => !documented.includes(d));
    const gone = documented.filter((d) => !found.includes(d));
    assert.deepEqual({ added, gone }, { added: [], gone: [] }, 'the differences changed: review them, update docs/detectors.md and differences.txt');
  });
});
