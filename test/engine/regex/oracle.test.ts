/**
 * Differential test against ModSecurity v3 itself: oracle/modsec-rx-oracle.cc runs @rx and
 * @rxGlobal through libmodsecurity (Debian 12: 3.0.9 with PCRE2 10.42) and reports match and
 * TX.0-TX.15. Compared on the translation table, the rx/rxGlobal vectors, and every CRS @rx
 * pattern with CRS regression payloads and strings generated from the pattern.
 *
 * Skipped (with the reason) when g++ or libmodsecurity-dev is not installed:
 *   apt-get install g++ libmodsecurity-dev
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { compileRegex, parseRegex } from '../../../src/engine/regex/index.js';
import { globalCaptures } from '../../../src/engine/operators/rx.js';
import { decodeVectorBytes } from '../../../src/conformance/vector-decoding.js';
import { REPO_ROOT, SECLANG_TESTS_DIR } from '../../helpers/shared.js';
import { MATCH_TABLE } from './translation-table.js';
import { loadCrsRxPatterns } from './crs-patterns.js';
import { generate, loadCrsPayloads, prng } from './samples.js';

const SOURCE = join(REPO_ROOT, 'test', 'engine', 'regex', 'oracle', 'modsec-rx-oracle.cc');

function buildOracle(): string | null {
  if (!existsSync('/usr/include/modsecurity/modsecurity.h')) return null;
  const dir = join(tmpdir(), 'vpatch-regex-oracle');
  mkdirSync(dir, { recursive: true });
  const bin = join(dir, `modsec-rx-oracle-${Math.floor(statSync(SOURCE).mtimeMs)}`);
  if (existsSync(bin)) return bin;
  const r = spawnSync('g++', ['-O1', '-o', bin, SOURCE, '-lmodsecurity'], { encoding: 'utf8' });
  return r.status === 0 ? bin : null;
}

const oracle = buildOracle();
const skip = oracle === null ? 'g++ and libmodsecurity-dev (ModSecurity v3) are not installed' : false;

interface Case {
  op: 'rx' | 'rxGlobal';
  pattern: string;
  inputs: string[];
}

interface Outcome {
  matched: boolean;
  /** TX.0..TX.15 as v3 left them (undefined = not set). */
  tx: Array<string | undefined>;
}

const hex = (s: string): string => Buffer.from(s, 'latin1').toString('hex');
/** Uppercases ASCII only: toUpperCase() would turn byte 0xB5 into U+039C, not a byte. */
const upperAscii = (s: string): string => s.replace(/[a-z]+/g, (m) => m.toUpperCase());

function runOracle(cases: Case[]): Outcome[][] {
  const lines: string[] = [];
  for (const c of cases) {
    lines.push(`P\t${c.op}\t${hex(c.pattern)}`);
    for (const i of c.inputs) lines.push(`I\t${hex(i)}`);
  }
  const r = spawnSync(oracle!, [], { input: lines.join('\n') + '\n', encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout.trim().split('\n');
  let k = 0;
  return cases.map((c) =>
    c.inputs.map(() => {
      const f = out[k++]!.split('\t');
      return {
        matched: f[0] === '1',
        tx: f.slice(1).map((h) => (h === '-' ? undefined : Buffer.from(h, 'hex').toString('latin1'))),
      };
    }),
  );
}

/** What vpatch stores in TX.0..TX.15 for the same case (undefined = not set). */
function ours(op: 'rx' | 'rxGlobal', pattern: string, input: string): Outcome {
  const re = compileRegex(pattern);
  const tx: Array<string | undefined> = new Array<string | undefined>(16).fill(undefined);
  if (op === 'rx') {
    const m = re.match(input);
    if (m === null) return { matched: false, tx };
    m.groups.forEach((g, i) => {
      if (i < 16 && g !== undefined) tx[i] = g;
    });
    return { matched: true, tx };
  }
  const all = globalCaptures(re.matchAll(input));
  for (const [n, v] of all) if (n < 16) tx[n] = v;
  return { matched: all.length > 0, tx };
}

function compare(cases: Case[]): string[] {
  const diffs: string[] = [];
  const results = runOracle(cases);
  cases.forEach((c, ci) => {
    c.inputs.forEach((input, ii) => {
      const v3 = results[ci]![ii]!;
      const mine = ours(c.op, c.pattern, input);
      if (v3.matched !== mine.matched || JSON.stringify(v3.tx) !== JSON.stringify(mine.tx)) {
        diffs.push(
          `${c.op} ${JSON.stringify(c.pattern.slice(0, 80))} on ${JSON.stringify(input.slice(0, 80))}: ` +
            `v3 ${JSON.stringify(v3)} vpatch ${JSON.stringify(mine)}`,
        );
      }
    });
  });
  return diffs;
}

test('oracle: translation table agrees with libmodsecurity', { skip }, () => {
  const cases: Case[] = MATCH_TABLE.filter(([p]) => !p.includes('\n')).map(([pattern, input]) => ({
    op: 'rx',
    pattern,
    inputs: [input, input + '\n', 'x' + upperAscii(input)],
  }));
  assert.deepEqual(compare(cases), []);
});

test('oracle: rx and rxGlobal vectors agree with libmodsecurity, captures included', { skip }, () => {
  const cases: Case[] = [];
  for (const name of ['rx', 'rxGlobal'] as const) {
    const file = join(SECLANG_TESTS_DIR, 'operators', `${name}.json`);
    const vectors = JSON.parse(readFileSync(file, 'utf8')) as Array<{ param?: string; input: string }>;
    for (const v of vectors) {
      // An empty operand is a SecLang syntax error in v3; the operator itself matches all.
      if (!v.param) continue;
      cases.push({ op: name, pattern: v.param, inputs: [decodeVectorBytes(v.input)] });
    }
  }
  assert.deepEqual(compare(cases), []);
});

test('oracle: every CRS @rx pattern agrees with libmodsecurity on payloads and generated matches', { skip }, () => {
  const payloads = loadCrsPayloads();
  const rand = prng(4242);
  const pick = (): string => payloads[Math.floor(rand() * payloads.length)]!;
  const cases: Case[] = [];
  for (const p of loadCrsRxPatterns()) {
    if (p.pattern.includes('\n')) continue;
    const { root } = parseRegex(p.pattern);
    const inputs: string[] = [];
    for (let i = 0; i < 12; i++) {
      const g = generate(root, rand);
      inputs.push(g, `a=${upperAscii(g)}\n`, `${g}\r\n`, `\n${g}\n`);
    }
    for (let i = 0; i < 40; i++) inputs.push(pick());
    cases.push({ op: 'rx', pattern: p.pattern, inputs });
  }
  const diffs = compare(cases);
  assert.deepEqual(diffs.slice(0, 20), [], `${diffs.length} differences`);
});

