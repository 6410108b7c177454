/**
 * Runs the CRS regression suite in-process: every stage's request is built byte for byte as
 * go-ftw builds it, sent over a raw TCP connection to the loopback harness (node:http + the
 * WAF adapter + albedo), and checked against the stage's expected output, with the rule ids
 * and error-log lines of that connection's transactions as the log slice.
 *
 * Tests run concurrently (each on its own connections); the stages of one test run in order.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ConformanceFailure, ConformanceResult } from '../types.js';
import type { AdapterWaf } from '../../adapters/node-http.js';
import { loadTests } from './loader.js';
import { buildRequest } from './request-builder.js';
import { sendRaw } from './raw-client.js';
import { startHarness } from './harness.js';
import type { MatchedRule } from '../../engine/api-types.js';
import { checkStage, type StageFailure, type StageObservation } from './checks.js';
import { emptyKnownFailures, type KnownFailures } from './known-failures.js';
import type { FtwOutput, FtwStage, FtwTest } from './types.js';

export interface CrsRunOptions {
  /** CRS directory: `tests/regression/tests` and `rules/` are read from it. */
  crsDir: string;
  /** The compiled WAF (see `compileCrsTestWaf`), served by the in-process harness. */
  waf?: AdapterWaf;
  /**
   * Instead of `waf`: where requests go and how a connection's logged rules are collected
   * (the over-HTTP mode, `serve-target.ts`). Started before the first test, closed after.
   */
  target?: () => Promise<StageTarget>;
  /** Go-style regexes over test names (`920100-4`); inclusion wins over exclusion, as in go-ftw. */
  include?: RegExp;
  exclude?: RegExp;
  knownFailures?: KnownFailures;
  /** Tests in flight at once (default 16). */
  concurrency?: number;
  /** Read timeout per request in ms (default 10000; go-ftw's is 1 s, Coraza's 3 s, but the engine shares this process). */
  timeoutMs?: number;
  /** Tests directory, default `<crsDir>/tests/regression/tests`. */
  testsDir?: string;
  /** Pre-loaded tests (skips loading from disk). */
  tests?: FtwTest[];
  onTestDone?: (outcome: TestOutcome) => void;
}

export interface StageResult {
  index: number;
  failure: StageFailure | null;
  /** Unique logged rule ids. */
  ruleIds: number[];
  status: number | null;
  error: string | null;
  /** Transactions the engine saw (0 when the HTTP front end answered or closed on its own). */
  transactions: number;
  retried: boolean;
}

export interface TestOutcome {
  test: string;
  ruleId: number;
  file: string;
  result: 'passed' | 'failed' | 'skipped';
  /** The expectation came from an override in the known-failures file. */
  overridden: boolean;
  /** Listed as a known failure. */
  known: boolean;
  reason: string;
  stages: StageResult[];
  /** See `CrsRunResult.vacuousPasses`. */
  vacuous: boolean;
}

export interface CrsRunResult extends ConformanceResult {
  crsVersion: string;
  /** Failures not covered by the known-failures file (these fail the run). */
  unexpectedFailures: ConformanceFailure[];
  /** Known failures that passed: remove them from the file. */
  staleKnownFailures: string[];
  /** Overrides that held (counted in `passed`). */
  overridesPassed: number;
  /**
   * Tests that passed without an override although the engine never saw a stage's request
   * (the front end answered alone) and that stage expects neither a status nor an error:
   * their log expectations held vacuously. Such a front-end difference should be declared.
   */
  vacuousPasses: string[];
  outcomes: TestOutcome[];
  durationMs: number;
}

/** `4.28.0` from `SecComponentSignature "OWASP_CRS/4.28.0"` in the CRS rules. */
export function readCrsVersion(crsDir: string): string {
  const rulesDir = join(crsDir, 'rules');
  if (!existsSync(rulesDir)) return 'unknown';
  for (const f of readdirSync(rulesDir).filter((n) => n.endsWith('.conf')).sort()) {
    const m = /^\s*SecComponentSignature\s+"?([^"\r\n]+)"?/m.exec(readFileSync(join(rulesDir, f), 'utf8'));
    if (m) return m[1]!.replace(/^OWASP_CRS\//, '');
  }
  return 'unknown';
}

export function isSkipped(name: string, include?: RegExp, exclude?: RegExp): boolean {
  if (include && include.test(name)) return false;
  if (exclude && exclude.test(name)) return true;
  if (include && !include.test(name)) return true;
  return false;
}

function requestMethod(bytes: Buffer): string {
  const sp = bytes.indexOf(0x20);
  return sp > 0 && sp < 64 ? bytes.subarray(0, sp).toString('latin1') : '';
}

/** What a connection's transactions logged, as the checks need it. */
export interface CollectedRules {
  rules: Array<Pick<MatchedRule, 'id' | 'log' | 'errorLogLine'>>;
  /** Engine or harness errors on this connection. */
  errors: string[];
  /** Transactions the engine ran on this connection (0: the front end answered alone). */
  transactions: number;
}

/** A server the stages are sent to: the in-process harness, or `vpatch serve` over HTTP. */
export interface StageTarget {
  host: string;
  port: number;
  /** Called when a stage's connection is established, before anything is written. */
  onConnect?(clientPort: number): void;
  /** The rules logged on the connection from `clientPort`, once it is closed and its transactions are done; null on timeout. */
  collect(clientPort: number, timeoutMs: number): Promise<CollectedRules | null>;
  close(): Promise<void>;
}

interface StageRun {
  failure: StageFailure | null;
  seen: StageObservation | null;
  transactions: number;
}

async function runStage(harness: StageTarget, stage: FtwStage, expected: FtwOutput, timeoutMs: number): Promise<StageRun> {
  let bytes: Buffer;
  try {
    bytes = buildRequest(stage.input).bytes;
  } catch (err) {
    return { failure: { kind: 'harness', message: `cannot build the request: ${err instanceof Error ? err.message : String(err)}` }, seen: null, transactions: 0 };
  }
  const exchange = await sendRaw(bytes, {
    host: harness.host,
    port: harness.port,
    timeoutMs,
    method: requestMethod(bytes),
    ...(harness.onConnect ? { onConnect: (p: number) => harness.onConnect!(p) } : {}),
  });
  let collected: CollectedRules | null = null;
  if (exchange.localPort !== 0) collected = await harness.collect(exchange.localPort, timeoutMs + 5000);
  if (exchange.localPort !== 0 && collected === null) {
    return { failure: { kind: 'harness', message: 'the server did not finish the transaction' }, seen: null, transactions: 0 };
  }
  const logged = (collected?.rules ?? []).filter((r) => r.log);
  const seen: StageObservation = {
    response: exchange.response,
    error: exchange.error,
    ruleIds: logged.map((r) => r.id),
    logLines: logged.map((r) => r.errorLogLine),
  };
  if (collected && collected.errors.length > 0) {
    return { failure: { kind: 'harness', message: `engine error: ${collected.errors[0]}` }, seen, transactions: collected.transactions };
  }
  return { failure: checkStage(expected, seen), seen, transactions: collected?.transactions ?? 0 };
}

async function runTest(harness: StageTarget, test: FtwTest, known: KnownFailures, timeoutMs: number): Promise<TestOutcome> {
  const override = known.overrides.get(test.name);
  const knownFailure = known.knownFailures.get(test.name);
  const stages: StageResult[] = [];
  let firstFailure: { index: number; failure: StageFailure } | null = null;
  let vacuous = false;
  for (const [index, stage] of test.stages.entries()) {
    const expected = override && (override.stage === null || override.stage === index) ? override.expect : stage.output;
    let run = await runStage(harness, stage, expected, timeoutMs);
    let retried = false;
    if (run.failure && expected.retryOnce) {
      retried = true;
      run = await runStage(harness, stage, expected, timeoutMs);
    }
    stages.push({
      index,
      failure: run.failure,
      ruleIds: [...new Set(run.seen?.ruleIds ?? [])].sort((a, b) => a - b),
      status: run.seen?.response?.status ?? null,
      error: run.seen?.error ?? null,
      transactions: run.transactions,
      retried,
    });
    if (run.failure && !firstFailure) firstFailure = { index, failure: run.failure };
    if (!override && run.transactions === 0 && expected.status === 0 && !expected.expectError) vacuous = true;
  }
  const failed = firstFailure !== null;
  let reason = '';
  if (firstFailure) {
    const where = test.stages.length > 1 ? `stage ${firstFailure.index}: ` : '';
    reason = `${where}${firstFailure.failure.message}`;
    if (override) reason = `override (${override.reason}) did not hold: ${reason}`;
    else if (knownFailure) reason = `known failure (${knownFailure.reason}): ${reason}`;
  }
  return {
    test: test.name,
    ruleId: test.ruleId,
    file: test.file,
    result: failed ? 'failed' : 'passed',
    overridden: override !== undefined,
    known: knownFailure !== undefined,
    reason,
    stages,
    vacuous: !failed && vacuous,
  };
}

function compareNames(a: string, b: string): number {
  const [ar, at] = a.split('-').map(Number);
  const [br, bt] = b.split('-').map(Number);
  return ar! - br! || at! - bt!;
}

/** Runs the suite against `options.waf`. */
export async function runCrsTests(options: CrsRunOptions): Promise<CrsRunResult> {
  const started = Date.now();
  const testsDir = options.testsDir ?? join(options.crsDir, 'tests', 'regression', 'tests');
  const tests = options.tests ?? loadTests(testsDir).tests;
  const known = options.knownFailures ?? emptyKnownFailures();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const concurrency = Math.max(1, options.concurrency ?? 16);

  const outcomes: TestOutcome[] = [];
  const toRun: FtwTest[] = [];
  for (const t of tests) {
    if (isSkipped(t.name, options.include, options.exclude)) {
      outcomes.push({ test: t.name, ruleId: t.ruleId, file: t.file, result: 'skipped', overridden: false, known: false, reason: 'excluded by --include/--exclude', stages: [], vacuous: false });
    } else {
      toRun.push(t);
    }
  }

  if (!options.waf && !options.target) throw new Error('runCrsTests: give waf or target');
  const harness: StageTarget = options.target ? await options.target() : await startHarness(options.waf!);
  try {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < toRun.length) {
        const t = toRun[next++]!;
        const outcome = await runTest(harness, t, known, timeoutMs);
        outcomes.push(outcome);
        options.onTestDone?.(outcome);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, toRun.length) }, worker));
  } finally {
    await harness.close();
  }

  outcomes.sort((a, b) => compareNames(a.test, b.test));
  const failures = outcomes.filter((o) => o.result === 'failed').map((o) => ({ test: o.test, reason: o.reason }));
  const unexpectedFailures = outcomes.filter((o) => o.result === 'failed' && !o.known).map((o) => ({ test: o.test, reason: o.reason }));
  const staleKnownFailures = outcomes.filter((o) => o.result === 'passed' && o.known).map((o) => o.test);
  const skips = outcomes.filter((o) => o.result === 'skipped').map((o) => ({ test: o.test, reason: o.reason }));
  return {
    suite: 'crs',
    crsVersion: readCrsVersion(options.crsDir),
    total: outcomes.length,
    passed: outcomes.filter((o) => o.result === 'passed').length,
    failed: failures.length,
    skipped: skips.length,
    failures,
    skips,
    unexpectedFailures,
    staleKnownFailures,
    overridesPassed: outcomes.filter((o) => o.result === 'passed' && o.overridden).length,
    vacuousPasses: outcomes.filter((o) => o.vacuous).map((o) => o.test),
    outcomes,
    durationMs: Date.now() - started,
  };
}
