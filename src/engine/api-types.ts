/**
 * Public types of the engine API (see docs/engine.md). `Waf` (compiled, immutable, shared)
 * and `Transaction` (one per request) are in waf.ts and transaction.ts.
 */

export type RuleEngineMode = 'On' | 'DetectionOnly' | 'Off';

/** How a transaction ended early: what the caller must do with the connection. */
export interface Interruption {
  /** The disruptive action: `deny` (answer `status`), `drop` (close the connection), `redirect` (answer `status` with Location `url`). */
  action: 'deny' | 'drop' | 'redirect';
  /** HTTP status to answer with (403 unless the rule set `status:`; 302 for redirect). */
  status: number;
  /** Id of the rule whose disruptive action fired (0 when an engine limit such as the body limit decided). */
  ruleId: number;
  /** Phase (1-5) in which it fired. */
  phase: number;
  /** Redirect target for `redirect`. */
  url?: string;
}

/** A rule that matched, with its message and data already macro-expanded. */
export interface MatchedRule {
  id: number;
  phase: number;
  msg: string;
  logdata: string;
  severity: number | undefined;
  tags: string[];
  rev: string;
  ver: string;
  /** e.g. `ARGS:id`, `REQUEST_HEADERS:User-Agent`. */
  matchedVarName: string;
  /** The value after transformations. */
  matchedVar: string;
  /** True when the rule (or its chain) has `log`; only logged rules appear in the error log. */
  log: boolean;
  /** True when the rule carried a disruptive action that fired (or would have fired in DetectionOnly). */
  disruptive: boolean;
  /** ModSecurity-style error-log line: `ModSecurity: Warning. Matched ... [id "942100"] [msg "..."] [data "..."] ...`. */
  errorLogLine: string;
}

export interface TransactionOptions {
  /** Transaction id (UNIQUE_ID); generated when absent. */
  id?: string;
  /** Overrides SecRuleEngine for this transaction (per-route mode). */
  ruleEngine?: RuleEngineMode;
}
