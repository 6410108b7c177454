/**
 * `vpatch conformance crs`: the CRS regression suite (go-ftw format) run in-process against
 * the engine behind the node:http adapter. See docs/conformance.md.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileCrsTestWaf } from './engine-waf.js';
import { loadKnownFailures, emptyKnownFailures, type KnownFailures } from './known-failures.js';
import { runCrsTests, type CrsRunResult } from './runner.js';

export { runCrsTests, readCrsVersion, type CrsRunResult, type CrsRunOptions, type TestOutcome } from './runner.js';
export { buildRequest } from './request-builder.js';
export { loadTests } from './loader.js';
export { loadKnownFailures, parseKnownFailures, type KnownFailures } from './known-failures.js';
export { summarizeFailures, categorize, type FailureSummary, type FailureCategory } from './report.js';
export { compileCrsTestWaf } from './engine-waf.js';
export { testSetupConf } from './test-setup.js';

/** The repository's known-failures file, when running from a checkout (src/ or dist/src/). */
export function defaultKnownFailuresFile(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) {
      const f = join(dir, 'test', 'conformance', 'crs-known-failures.yaml');
      return existsSync(f) ? f : null;
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
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
