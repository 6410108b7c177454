/**
 * The differential fidelity check: generated traffic through nginx + ModSecurity v3 and
 * through vpatch with the same CRS and settings; prints verdict agreement, rule-id agreement
 * and the disagreements grouped by rule id with example requests.
 *
 *   npx tsc -p tsconfig.json
 *   node dist/bench/fidelity/run.js [--paranoia N] [--limit N] [--seed N] [--count N]
 *        [--concurrency N] [--crs-dir DIR] [--family F] [--front-end adapter|serve]
 *        [--examples N] [--json] [--out FILE] [--keep]
 *
 * --limit N sends only the first N generated requests (of --count, default 6000), so the
 * same prefix of the same traffic is used; --family keeps one family (e.g. sqli).
 * --front-end serve puts `vpatch serve`'s request checks and limits before the engine
 * (default: the plain node:http adapter). The full
 * per-request results go to --out (default: $TMPDIR/vpatch-fidelity-plN.json).
 *
 * For diagnosis: --dump ID writes one generated request's bytes to stdout, --print-conf the
 * ModSecurity configuration both sides run (for bench/fidelity/v3-run.cc); neither starts a server.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_COUNT, DEFAULT_SEED, generateTraffic } from './generator.js';
import { ensureOracleInstalled } from './oracle.js';
import { runRequests, startSides } from './harness.js';
import { formatSummary, summarize } from './report.js';
import { baseConf, crsSetupFile, defaultCrsDir, paranoiaConf } from './settings.js';
import { serialize } from './types.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const has = (name: string): boolean => args.includes(name);

async function main(): Promise<void> {
  const paranoia = Number(flag('--paranoia') ?? 1);
  const seed = Number(flag('--seed') ?? DEFAULT_SEED);
  const count = Number(flag('--count') ?? DEFAULT_COUNT);
  const limit = flag('--limit') !== undefined ? Number(flag('--limit')) : undefined;
  const concurrency = Number(flag('--concurrency') ?? 4);
  const crsDir = flag('--crs-dir') ?? defaultCrsDir();
  const family = flag('--family');
  const json = has('--json');
  const frontEnd = (flag('--front-end') ?? 'adapter') as 'adapter' | 'serve';
  if (frontEnd !== 'adapter' && frontEnd !== 'serve') throw new Error('--front-end must be adapter or serve');
  const out = flag('--out') ?? join(tmpdir(), `vpatch-fidelity-pl${paranoia}.json`);
  const log = (s: string): void => void process.stderr.write(s + '\n');

  if (!(paranoia >= 1 && paranoia <= 4)) throw new Error('--paranoia must be 1-4');
  const dump = flag('--dump');
  if (dump !== undefined) {
    const r = generateTraffic({ seed, count }).find((x) => x.id === dump);
    if (!r) throw new Error(`no request ${dump} among ${count} (seed ${seed})`);
    process.stdout.write(serialize(r));
    return;
  }
  if (has('--print-conf')) {
    process.stdout.write(`${baseConf()}\nInclude ${crsSetupFile(crsDir)}\n${paranoiaConf(paranoia)}Include ${crsDir}/rules/*.conf\n`);
    return;
  }
  const avail = ensureOracleInstalled(log);
  if (!avail.ok) throw new Error(`cannot run the oracle: ${avail.reason}`);

  let requests = generateTraffic({ seed, count });
  if (family) requests = requests.filter((r) => r.family === family || r.kind === family);
  if (limit !== undefined) requests = requests.slice(0, limit);
  log(`fidelity: ${requests.length} requests (seed ${seed}), CRS ${crsDir}, paranoia ${paranoia}`);

  const t0 = Date.now();
  const sides = await startSides({ crsDir, paranoia }, { keep: has('--keep'), frontEnd });
  log(`fidelity: nginx + ModSecurity on 127.0.0.1:${sides.oracle.port} (prefix ${sides.oracle.prefix}), vpatch on 127.0.0.1:${sides.vpatch.port}; started in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  let comparisons;
  try {
    let lastPct = -1;
    comparisons = await runRequests(sides, requests, {
      concurrency,
      onProgress: (d, n) => {
        const p = Math.floor((d / n) * 10);
        if (p !== lastPct && process.stderr.isTTY !== undefined) {
          lastPct = p;
          log(`  ${d}/${n}`);
        }
      },
    });
  } finally {
    await sides.stop();
  }
  log(`fidelity: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const examples = Number(flag('--examples') ?? 3);
  const summary = summarize(paranoia, comparisons, Math.max(examples, 3));
  summary.frontEnd = frontEnd;
  writeFileSync(out, JSON.stringify({ seed, count, limit, paranoia, frontEnd, crsDir, summary, comparisons: comparisons.map((c) => ({ id: c.request.id, kind: c.request.kind, family: c.request.family, carrier: c.request.carrier, encoding: c.request.encoding, note: c.request.note, modsec: c.modsec, vpatch: c.vpatch, verdictAgree: c.verdictAgree, rulesAgree: c.rulesAgree })) }, null, 1));
  log(`fidelity: per-request results in ${out}`);
  if (json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  else process.stdout.write(formatSummary(summary, { examples }) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`fidelity: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});
