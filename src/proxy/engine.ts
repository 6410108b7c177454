/**
 * What the proxy needs of the engine, as structural types: the engine's `Waf` and
 * `Transaction` satisfy them, and so do the test doubles. Keeping the proxy on these
 * interfaces makes the data plane testable without rules and lets the failure policy be
 * exercised with an engine that throws or stalls.
 */
import type { Interruption, MatchedRule, TransactionOptions } from '../engine/api-types.js';

export type { Interruption, MatchedRule, TransactionOptions };

export interface ProxyTransaction {
  processConnection(clientIp: string, clientPort: number, serverIp: string, serverPort: number): void;
  processUri(uri: string, method: string, httpVersion: string): void;
  addRequestHeader(name: string, value: string): void;
  processRequestHeaders(): Interruption | null;
  readonly requestBodyAccess: boolean;
  appendRequestBody(chunk: Buffer): Interruption | null;
  processRequestBody(): Interruption | null;
  addResponseHeader(name: string, value: string): void;
  processResponseHeaders(status: number, protocol: string): Interruption | null;
  readonly responseBodyAccess: boolean;
  appendResponseBody(chunk: Buffer): Interruption | null;
  processResponseBody(): Interruption | null;
  processLogging(): void;
  readonly interruption: Interruption | null;
  readonly wouldInterrupt: Interruption | null;
  readonly matchedRules: readonly MatchedRule[];
  /** Per-transaction rule removal (ctl:ruleRemoveById / ruleRemoveByTag); used for per-route exclusions when present. */
  removeRuleRanges?(ranges: Array<[number, number]>): void;
  removeRulesByTag?(tag: string): void;
  /** SecAuditEngine's verdict for this transaction, when the engine computes it. */
  readonly isAuditRelevant?: boolean;
  /** The engine's ModSecurity JSON audit record (messages carry rule file and line). */
  auditLogEntry?(): { transaction: Record<string, unknown> };
}

export interface ProxyWaf {
  newTransaction(options?: TransactionOptions): ProxyTransaction;
  readonly warnings: readonly string[];
}

/** Why the engine could not give a verdict. */
export type EngineFailureKind = 'error' | 'timeout';

export class EngineFailure extends Error {
  readonly kind: EngineFailureKind;
  readonly phase: string;
  constructor(kind: EngineFailureKind, phase: string, cause?: unknown) {
    super(kind === 'timeout' ? `engine time budget exceeded in ${phase}` : `engine error in ${phase}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'EngineFailure';
    this.kind = kind;
    this.phase = phase;
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}

/**
 * Runs engine calls for one transaction, adding up the time they take. A call that throws,
 * or that brings the total over the budget, raises EngineFailure. The engine is synchronous,
 * so a call cannot be pre-empted: the budget is checked when it returns.
 */
export class EngineClock {
  /** Nanoseconds spent in the engine so far. */
  elapsedNs = 0n;
  private readonly budgetNs: bigint;
  constructor(budgetMs: number) {
    this.budgetNs = BigInt(Math.round(budgetMs * 1e6));
  }
  run<T>(phase: string, fn: () => T): T {
    const start = process.hrtime.bigint();
    let out: T;
    try {
      out = fn();
    } catch (err) {
      this.elapsedNs += process.hrtime.bigint() - start;
      throw new EngineFailure('error', phase, err);
    }
    this.elapsedNs += process.hrtime.bigint() - start;
    if (this.budgetNs > 0n && this.elapsedNs > this.budgetNs) throw new EngineFailure('timeout', phase);
    return out;
  }
  get seconds(): number {
    return Number(this.elapsedNs) / 1e9;
  }
}
