/**
 * `vpatch conformance crs`: the CRS regression suite (go-ftw format) run in-process against
 * the engine behind the node:http adapter. See docs/conformance.md.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileCrsTestWaf } from './engine-waf.js';
import { loadKnownFailures, emptyKnownFailures, loadKnownFailuresLayer, layerKnownFailures, type KnownFailures } from './known-failures.js';
import { ServeTarget } from './serve-target.js';
import { runCrsTests, type CrsRunResult } from './runner.js';

export { runCrsTests, readCrsVersion, type CrsRunResult, type CrsRunOptions, type TestOutcome } from './runner.js';
export { buildRequest } from './request-builder.js';
export { loadTests } from './loader.js';
export { loadKnownFailures, parseKnownFailures, parseKnownFailuresLayer, loadKnownFailuresLayer, layerKnownFailures, type KnownFailures, type KnownFailuresLayer } from './known-failures.js';
export { ServeTarget, type ServeTargetOptions } from './serve-target.js';
export { serveCrsSetupConf, SERVE_TEST_FLAGS } from './serve-setup.js';
export { summarizeFailures, categorize, type FailureSummary, type FailureCategory } from './report.js';
export { compileCrsTestWaf } from './engine-waf.js';
export { testSetupConf } from './test-setup.js';

function repoFile(...path: string[]): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) {
      const f = join(dir, ...path);
      return existsSync(f) ? f : null;
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** The repository's known-failures file, when running from a checkout (src/ or dist/src/). */
export function defaultKnownFailuresFile(): string | null {
  return repoFile('test', 'conformance', 'crs-known-failures.yaml');
}

/**
 * The declared differences between vpatch serve's HTTP front end and the in-process harness
 * (node:http defaults), layered over the known-failures file in the over-HTTP run.
 */
export function defaultServeDifferencesFile(): string | null {
  return repoFile('test', 'proxy', 'crs-serve-differences.yaml');
}

export interface CrsConformanceOptions {
  crsDir: string;
  include?: RegExp;
  exclude?: RegExp;
  /** Known-failures file; default: the repository's, if present. `null`: none. */
  knownFailuresFile?: string | null;
  concurrency?: number;
  timeoutMs?: number;
}

/** Compiles the test WAF from `crsDir` and runs its regression suite. */
export async function runCrsConformance(options: CrsConformanceOptions): Promise<CrsRunResult & { knownFailuresFile: string | null }> {
  const crsDir = resolve(options.crsDir);
  const testsDir = join(crsDir, 'tests', 'regression', 'tests');
  if (!existsSync(testsDir)) throw new Error(`${crsDir}: no tests/regression/tests directory (the CRS regression suite ships with the CRS sources)`);
  const file = options.knownFailuresFile === undefined ? defaultKnownFailuresFile() : options.knownFailuresFile;
  const known: KnownFailures = file ? loadKnownFailures(file) : emptyKnownFailures();
  const waf = compileCrsTestWaf(crsDir);
  const result = await runCrsTests({
    crsDir,
    waf,
    knownFailures: known,
    ...(options.include ? { include: options.include } : {}),
    ...(options.exclude ? { exclude: options.exclude } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  return { ...result, knownFailuresFile: file };
}

export interface CrsViaServeOptions extends CrsConformanceOptions {
  /** Front-end differences layered over the known failures; default: the repository's. `null`: none. */
  serveDifferencesFile?: string | null;
  /** Extra `vpatch serve` flags. */
  extraFlags?: string[];
  /** Command running the vpatch CLI (default: this installation). */
  command?: string[];
  /** Keep vpatch serve's working directory (setup file, audit log). */
  keep?: boolean;
  /** Pre-loaded tests (a sample); default: the whole suite. */
  tests?: import('./types.js').FtwTest[];
}

/**
 * The same suite sent over real HTTP through a `vpatch serve` process (see serve-target.ts),
 * with the same expectations and known failures, plus the declared front-end differences.
 */
export async function runCrsConformanceViaServe(options: CrsViaServeOptions): Promise<CrsRunResult & { knownFailuresFile: string | null; serveDifferencesFile: string | null; command: string[] }> {
  const crsDir = resolve(options.crsDir);
  const testsDir = join(crsDir, 'tests', 'regression', 'tests');
  if (!existsSync(testsDir)) throw new Error(`${crsDir}: no tests/regression/tests directory (the CRS regression suite ships with the CRS sources)`);
  const file = options.knownFailuresFile === undefined ? defaultKnownFailuresFile() : options.knownFailuresFile;
  const layerFile = options.serveDifferencesFile === undefined ? defaultServeDifferencesFile() : options.serveDifferencesFile;
  let known: KnownFailures = file ? loadKnownFailures(file) : emptyKnownFailures();
  if (layerFile) known = layerKnownFailures(known, loadKnownFailuresLayer(layerFile));
  let command: string[] = [];
  const result = await runCrsTests({
    crsDir,
    target: async () => {
      const t = await ServeTarget.start({
        crsDir,
        ...(options.extraFlags ? { extraFlags: options.extraFlags } : {}),
        ...(options.command ? { command: options.command } : {}),
        ...(options.keep ? { keep: true } : {}),
      });
      command = t.commandLine;
      return t;
    },
    knownFailures: known,
    ...(options.tests ? { tests: options.tests } : {}),
    ...(options.include ? { include: options.include } : {}),
    ...(options.exclude ? { exclude: options.exclude } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  return { ...result, knownFailuresFile: file, serveDifferencesFile: layerFile, command };
}
