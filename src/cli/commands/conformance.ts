/**
 * `vpatch conformance crs --crs-dir DIR [--json] [--include RE] [--exclude RE] [--via-serve]`
 * `vpatch conformance seclang --dir DIR [--json]`
 *
 * The CRS command exits non-zero when a test fails that the known-failures file does not
 * list. The SecLang command runs a list of suites (transformation vectors, operator vectors,
 * ModSecurity's regression cases) and exits non-zero on any failure a suite's known-failures
 * file does not list.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { ConformanceResult } from '../../conformance/types.js';
import { runTransformVectors } from '../../conformance/transform-vectors.js';
import { runOperatorVectors } from '../../conformance/operator-vectors.js';
import { runModsecRegression } from '../../conformance/modsec-regression.js';

function regex(value: string, flag: string): RegExp {
  try {
    return new RegExp(value);
  } catch (err) {
    throw new Error(`${flag}: invalid regular expression: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

interface CrsFlags {
  crsDir: string;
  json?: boolean;
  include?: string;
  exclude?: string;
  knownFailures?: string | false;
  concurrency?: string;
  timeout?: string;
  summary?: boolean;
  viaServe?: boolean;
  serveDifferences?: string | false;
  keepServeDir?: boolean;
}

async function runCrs(flags: CrsFlags): Promise<void> {
  // Loaded here so that `vpatch --help` does not compile the engine.
  const crs = await import('../../conformance/crs/index.js');
  const common = {
    crsDir: flags.crsDir,
    ...(flags.include ? { include: regex(flags.include, '--include') } : {}),
    ...(flags.exclude ? { exclude: regex(flags.exclude, '--exclude') } : {}),
    ...(flags.knownFailures === false ? { knownFailuresFile: null } : flags.knownFailures ? { knownFailuresFile: resolve(flags.knownFailures) } : {}),
    ...(flags.concurrency ? { concurrency: Number(flags.concurrency) } : {}),
    ...(flags.timeout ? { timeoutMs: Number(flags.timeout) } : {}),
  };
  let serveInfo: { serveDifferencesFile: string | null; command: string[] } | null = null;
  let result: Awaited<ReturnType<typeof crs.runCrsConformance>>;
  if (flags.viaServe) {
    const r = await crs.runCrsConformanceViaServe({
      ...common,
      ...(flags.serveDifferences === false ? { serveDifferencesFile: null } : flags.serveDifferences ? { serveDifferencesFile: resolve(flags.serveDifferences) } : {}),
      ...(flags.keepServeDir ? { keep: true } : {}),
    });
    serveInfo = { serveDifferencesFile: r.serveDifferencesFile, command: r.command };
    result = r;
  } else {
    result = await crs.runCrsConformance(common);
  }
  if (flags.json) {
    out(JSON.stringify({
      crsVersion: result.crsVersion,
      total: result.total,
      passed: result.passed,
      failed: result.failed,
      skipped: result.skipped,
      failures: result.failures.map((f) => ({ test: f.test, reason: f.reason })),
    }));
  } else {
    const secs = (result.durationMs / 1000).toFixed(1);
    out(`CRS ${result.crsVersion} regression suite${serveInfo ? ' over HTTP through vpatch serve' : ''}: ${result.total} tests, ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped (${secs} s)`);
    out(`  known-failures file: ${result.knownFailuresFile ?? '(none)'}`);
    if (serveInfo) {
      out(`  front-end differences file: ${serveInfo.serveDifferencesFile ?? '(none)'}`);
      out(`  server: ${serveInfo.command.slice(1).join(' ')}`);
    }
    out(`  overrides that held: ${result.overridesPassed}; known failures: ${result.failed - result.unexpectedFailures.length}; unexpected failures: ${result.unexpectedFailures.length}`);
    if (result.staleKnownFailures.length > 0) out(`  known failures that now pass (remove them from the file): ${result.staleKnownFailures.join(', ')}`);
    if (result.vacuousPasses.length > 0) out(`  passed although the front end answered alone (declare them as overrides): ${result.vacuousPasses.join(', ')}`);
    if (flags.summary) {
      const s = crs.summarizeFailures(result);
      out('Failures by category:');
      for (const c of s.byCategory) out(`  ${c.category.padEnd(18)} ${c.count}`);
      out('Failures by rule under test:');
      for (const r of s.byRule) out(`  ${String(r.ruleId).padEnd(8)} ${r.failed}/${r.total}  ${Object.entries(r.categories).map(([k, v]) => `${k}:${v}`).join(' ')}`);
    }
    if (result.failures.length > 0) {
      out('Failures:');
      for (const f of result.failures) out(`  ${f.test}  ${f.reason}`);
    }
  }
  if (result.unexpectedFailures.length > 0) process.exitCode = 1;
}

/** One SecLang conformance suite: `run(dir)` gets the seclang-tests directory. */
export interface SeclangSuite {
  name: string;
  run(dir: string): ConformanceResult | Promise<ConformanceResult>;
}

/** The SecLang suites, in order. Add new runners here. */
export const SECLANG_SUITES: SeclangSuite[] = [
  { name: 'transformations', run: (dir) => runTransformVectors(dir) },
  { name: 'operators', run: (dir) => runOperatorVectors(dir) },
  { name: 'modsecurity-regression', run: (dir) => runModsecRegression(dir) },
];

async function runSeclang(flags: { dir: string; json?: boolean }): Promise<void> {
  const dir = resolve(flags.dir);
  const results: ConformanceResult[] = [];
  for (const suite of SECLANG_SUITES) {
    try {
      results.push(await suite.run(dir));
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      results.push({ suite: suite.name, total: 1, passed: 0, failed: 1, skipped: 0, failures: [{ test: suite.name, reason }], skips: [] });
    }
  }
  const sum = (k: 'total' | 'passed' | 'failed' | 'skipped'): number => results.reduce((n, r) => n + r[k], 0);
  if (flags.json) {
    out(JSON.stringify({ total: sum('total'), passed: sum('passed'), failed: sum('failed'), skipped: sum('skipped'), suites: results }));
  } else {
    for (const r of results) {
      const known = new Set(r.knownFailures ?? []);
      out(`${r.suite}: ${r.total} cases, ${r.passed} passed, ${r.failed} failed${known.size > 0 ? ` (${known.size} known)` : ''}, ${r.skipped} skipped`);
      for (const f of r.failures) out(`  ${known.has(f.test) ? 'known FAIL' : 'FAIL'} ${f.test}  ${f.reason}`);
      for (const s of r.skips) out(`  skip ${s.test}  ${s.reason}`);
    }
    out(`total: ${sum('total')} cases, ${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped`);
  }
  // Failures a suite's known-failures file lists count as failed but do not fail the run.
  const unexpected = results.reduce((n, r) => n + r.failures.filter((f) => !(r.knownFailures ?? []).includes(f.test)).length, 0);
  if (unexpected > 0) process.exitCode = 1;
}

export function register(program: Command): void {
  const conformance = program.command('conformance').description('Run conformance suites against the engine');

  conformance
    .command('crs')
    .description('Run the OWASP CRS regression suite (go-ftw tests) against the engine, in-process or (--via-serve) through vpatch serve')
    .requiredOption('--crs-dir <dir>', 'CRS source directory (with rules/ and tests/regression/tests/)')
    .option('--json', 'print {crsVersion,total,passed,failed,skipped,failures} as JSON')
    .option('--include <regex>', 'only tests whose name (e.g. 942100-3) matches')
    .option('--exclude <regex>', 'skip tests whose name matches (--include wins)')
    .option('--known-failures <file>', 'known-failures file (default: the repository\'s test/conformance/crs-known-failures.yaml)')
    .option('--no-known-failures', 'use no known-failures file')
    .option('--concurrency <n>', 'tests in flight at once', '16')
    .option('--timeout <ms>', 'read timeout per request', '10000')
    .option('--summary', 'also print failures grouped by category and by rule')
    .option('--via-serve', 'send every request over real HTTP through a vpatch serve process (rule ids from its audit and error logs) instead of the in-process harness')
    .option('--serve-differences <file>', 'with --via-serve: declared front-end differences layered over the known failures (default: the repository\'s test/proxy/crs-serve-differences.yaml)')
    .option('--no-serve-differences', 'with --via-serve: no front-end differences file')
    .option('--keep-serve-dir', 'with --via-serve: keep vpatch serve\'s working directory (setup file, audit log)')
    .action(async (flags: CrsFlags) => runCrs(flags));

  conformance
    .command('seclang')
    .description('Run the SecLang test vectors (transformations, operators, ...) against the engine')
    .requiredOption('--dir <dir>', 'the seclang-tests directory')
    .option('--json', 'print the results as JSON')
    .action(async (flags: { dir: string; json?: boolean }) => runSeclang(flags));
}
