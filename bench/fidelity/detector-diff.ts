/**
 * Where the libinjection-class detectors disagree with ModSecurity's libinjection, value by
 * value: every value CRS's 942100 (@detectSQLi) and 941100 (@detectXSS) inspect in the
 * generated traffic — same variables, same transformations — goes through libmodsecurity
 * 3.0.9 (the operator oracle test/engine/operators/v3-oracle.cc, compiled here with g++)
 * and through vpatch's operator. Each disagreement is shrunk to a minimal value on which the
 * two still disagree, and the reproducers are grouped.
 *
 *   node dist/bench/fidelity/detector-diff.js [--seed N] [--count N] [--limit N] [--op detectSQLi|detectXSS] [--json]
 *
 * Needs g++ and libmodsecurity-dev (Debian: apt-get install g++ libmodsecurity-dev).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Waf, type CompiledWaf } from '../../src/engine/index.js';
import { DEFAULT_COUNT, DEFAULT_SEED, generateTraffic } from './generator.js';
import { repoRoot } from './settings.js';
import type { FidelityRequest } from './types.js';

export type DetectorOp = 'detectSQLi' | 'detectXSS';

/** What CRS 4 runs each detector on (rules 942100 and 941100). */
export const DETECTOR_RULES: Record<DetectorOp, { rule: number; variables: string; transforms: string }> = {
  detectSQLi: { rule: 942100, variables: 'REQUEST_COOKIES|REQUEST_COOKIES_NAMES|REQUEST_HEADERS:User-Agent|REQUEST_HEADERS:Referer|ARGS_NAMES|ARGS|XML:/*|XML://@*', transforms: 't:none,t:utf8toUnicode,t:urlDecodeUni,t:removeNulls' },
  detectXSS: { rule: 941100, variables: 'REQUEST_COOKIES|REQUEST_COOKIES_NAMES|REQUEST_HEADERS:User-Agent|ARGS_NAMES|ARGS|XML:/*|XML://@*', transforms: 't:none,t:utf8toUnicode,t:urlDecodeUni,t:htmlEntityDecode,t:jsDecode,t:cssDecode,t:removeNulls' },
};

/** libmodsecurity's operator, through the compiled oracle, one persistent process. */
export class V3Operators {
  private readonly lines: string[] = [];
  private readonly waiting: Array<(l: string) => void> = [];

  private constructor(private readonly child: ChildProcessWithoutNullStreams, private readonly dir: string) {
    createInterface({ input: child.stdout }).on('line', (l) => {
      const w = this.waiting.shift();
      if (w) w(l);
      else this.lines.push(l);
    });
  }

  /** null (with the reason) when g++ or libmodsecurity is missing. */
  static build(): V3Operators | string {
    if (spawnSync('g++', ['--version']).status !== 0) return 'no C++ compiler (g++)';
    const dir = mkdtempSync(join(tmpdir(), 'vpatch-v3ops-'));
    const bin = join(dir, 'v3-oracle');
    const r = spawnSync('g++', ['-std=c++17', '-O1', '-o', bin, join(repoRoot(), 'test/engine/operators/v3-oracle.cc'), '-lmodsecurity']);
    if (r.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      return `cannot build the libmodsecurity oracle: ${r.stderr.toString().split('\n').slice(0, 3).join(' ')}`;
    }
    return new V3Operators(spawn(bin, [], { stdio: ['pipe', 'pipe', 'pipe'] }), dir);
  }

  /** Whether the operator matches, and TX.0 (the fingerprint for @detectSQLi). */
  ask(op: DetectorOp, value: string): Promise<{ match: boolean; capture: string }> {
    return new Promise((resolve) => {
      const done = (l: string): void => {
        const [, m, cap] = l.split(' ');
        resolve({ match: m === '1', capture: Buffer.from(cap ?? '', 'hex').toString('latin1') });
      };
      const l = this.lines.shift();
      if (l !== undefined) done(l);
      else this.waiting.push(done);
      this.child.stdin.write(`${op}\t\t${Buffer.from(value, 'latin1').toString('hex')}\n`);
    });
  }

  close(): void {
    this.child.stdin.end();
    this.child.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** vpatch's operator on a raw value (no transformations). */
export class VpatchOperators {
  private readonly wafs = new Map<DetectorOp, CompiledWaf>();

  match(op: DetectorOp, value: string): { match: boolean; capture: string } {
    let waf = this.wafs.get(op);
    if (!waf) {
      waf = Waf.fromText(`SecRuleEngine On\nSecRule REQUEST_HEADERS:X-Test "@${op}" "id:1,phase:1,pass,log,capture,logdata:'%{TX.0}'"`);
      this.wafs.set(op, waf);
    }
    const tx = waf.newTransaction();
    tx.processUri('/', 'GET', 'HTTP/1.1');
    tx.addRequestHeader('X-Test', value);
    tx.processRequestHeaders();
    const m = tx.matchedRules[0];
    return { match: m !== undefined, capture: m?.logdata ?? '' };
  }
}

/** The transformed values a detector rule sees in one request (variable name, value). */
export function detectorInputs(op: DetectorOp, reqs: readonly FidelityRequest[]): Array<{ request: string; variable: string; value: string }> {
  const d = DETECTOR_RULES[op];
  const waf = Waf.fromText(`SecRuleEngine On
SecRequestBodyAccess On
SecRule REQUEST_HEADERS:Content-Type "@rx ^(?:application(?:/soap\\+|/)|text/)xml" "id:200000,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=XML"
SecRule REQUEST_HEADERS:Content-Type "@rx ^application/json" "id:200001,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON"
SecAction "id:9,phase:1,pass,nolog,setvar:tx.n=0"
SecRule ${d.variables} "@unconditionalMatch" "id:1,phase:2,pass,nolog,${d.transforms},setvar:tx.n=+1,setvar:'tx.v_%{tx.n}=%{MATCHED_VAR}',setvar:'tx.k_%{tx.n}=%{MATCHED_VAR_NAME}'"
`);
  const out: Array<{ request: string; variable: string; value: string }> = [];
  for (const r of reqs) {
    const tx = waf.newTransaction();
    tx.processUri(r.target, r.method, r.version);
    for (const [n, v] of r.headers) tx.addRequestHeader(n, v);
    if (r.body) tx.addRequestHeader('Content-Length', String(r.body.length));
    tx.processRequestHeaders();
    if (r.body && tx.requestBodyAccess) tx.appendRequestBody(r.body);
    tx.processRequestBody();
    const n = Number(tx.getCollectionValue('TX', 'n') ?? 0);
    for (let i = 1; i <= n; i++) out.push({ request: r.id, variable: tx.getCollectionValue('TX', `k_${i}`) ?? '', value: tx.getCollectionValue('TX', `v_${i}`) ?? '' });
  }
  return out;
}

export interface DetectorDiff {
  op: DetectorOp;
  /** true: libmodsecurity matches and vpatch does not. */
  v3Only: boolean;
  minimal: string;
  v3Capture: string;
  vpatchCapture: string;
  examples: Array<{ request: string; variable: string; value: string }>;
}

/** Shrinks `value` to a short window on which the two sides still disagree the same way. */
async function minimize(op: DetectorOp, value: string, v3: V3Operators, vp: VpatchOperators, v3Only: boolean): Promise<string> {
  const keeps = async (s: string): Promise<boolean> => (await v3.ask(op, s)).match === v3Only && vp.match(op, s).match === !v3Only;
  let v = value;
  let changed = true;
  while (changed) {
    changed = false;
    // Trim from both ends, then cut chunks out of the middle (halving the chunk size).
    for (let step = Math.max(1, v.length >> 1); step >= 1; step >>= 1) {
      while (v.length > step && (await keeps(v.slice(step)))) {
        v = v.slice(step);
        changed = true;
      }
      while (v.length > step && (await keeps(v.slice(0, -step)))) {
        v = v.slice(0, -step);
        changed = true;
      }
    }
    for (let step = Math.max(1, v.length >> 1); step >= 1; step >>= 1) {
      for (let i = 1; i + step < v.length; ) {
        const cut = v.slice(0, i) + v.slice(i + step);
        if (await keeps(cut)) {
          v = cut;
          changed = true;
        } else i += step;
      }
    }
  }
  return v;
}

export async function detectorDiffs(op: DetectorOp, reqs: readonly FidelityRequest[], v3: V3Operators, vp = new VpatchOperators()): Promise<{ values: number; distinct: number; diffs: DetectorDiff[] }> {
  const inputs = detectorInputs(op, reqs);
  const byValue = new Map<string, Array<{ request: string; variable: string; value: string }>>();
  for (const i of inputs) {
    const l = byValue.get(i.value) ?? [];
    l.push(i);
    byValue.set(i.value, l);
  }
  const groups = new Map<string, DetectorDiff>();
  for (const [value, uses] of byValue) {
    const a = await v3.ask(op, value);
    const b = vp.match(op, value);
    if (a.match === b.match) continue;
    const minimal = await minimize(op, value, v3, vp, a.match);
    const key = `${a.match ? 'v3' : 'vpatch'}\u0000${minimal}`;
    const g = groups.get(key);
    if (g) {
      if (g.examples.length < 5) g.examples.push(...uses.slice(0, 5 - g.examples.length));
      continue;
    }
    const ma = await v3.ask(op, minimal);
    const mb = vp.match(op, minimal);
    groups.set(key, { op, v3Only: a.match, minimal, v3Capture: op === 'detectSQLi' ? ma.capture : '', vpatchCapture: op === 'detectSQLi' ? mb.capture : '', examples: uses.slice(0, 5) });
  }
  return { values: inputs.length, distinct: byValue.size, diffs: [...groups.values()].sort((x, y) => Number(y.v3Only) - Number(x.v3Only) || x.minimal.length - y.minimal.length) };
}

function show(s: string): string {
  return JSON.stringify(s).replace(/[\x7f-\xff]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (n: string): string | undefined => (args.includes(n) ? args[args.indexOf(n) + 1] : undefined);
  const ops: DetectorOp[] = flag('--op') ? [flag('--op') as DetectorOp] : ['detectSQLi', 'detectXSS'];
  let reqs = generateTraffic({ seed: Number(flag('--seed') ?? DEFAULT_SEED), count: Number(flag('--count') ?? DEFAULT_COUNT) });
  if (flag('--limit')) reqs = reqs.slice(0, Number(flag('--limit')));
  const v3 = V3Operators.build();
  if (typeof v3 === 'string') throw new Error(v3);
  try {
    const results = [];
    for (const op of ops) {
      const r = await detectorDiffs(op, reqs, v3);
      results.push({ op, ...r });
      if (args.includes('--json')) continue;
      const v3Only = r.diffs.filter((d) => d.v3Only);
      const vpOnly = r.diffs.filter((d) => !d.v3Only);
      process.stdout.write(`\n@${op} (CRS ${DETECTOR_RULES[op].rule}): ${r.values} values (${r.distinct} distinct) from ${reqs.length} requests; ${v3Only.length} minimal reproducers libmodsecurity matches and vpatch misses, ${vpOnly.length} vpatch matches and libmodsecurity does not\n`);
      for (const [title, list] of [['libmodsecurity only', v3Only], ['vpatch only', vpOnly]] as const) {
        process.stdout.write(`  ${title}:\n`);
        for (const d of list) process.stdout.write(`    ${show(d.minimal)}${op === 'detectSQLi' ? `  v3 fingerprint ${d.v3Capture || '-'}, vpatch ${d.vpatchCapture || '-'}` : ''}  (${d.examples.length}+ uses, e.g. ${d.examples[0]!.request} ${d.examples[0]!.variable})\n`);
      }
    }
    if (args.includes('--json')) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  } finally {
    v3.close();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  main().catch((err: unknown) => {
    process.stderr.write(`detector-diff: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
