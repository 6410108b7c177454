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

/**
 * One step of rule evaluation, reported to `TransactionOptions.trace`: what ModSecurity
 * writes to its debug log at level 9, as data. `ruleId` is the chain starter's id and
 * `link` the position in the chain (0 for the starter).
 */
export type TraceEvent =
  /** A value was tested: the variable (as MATCHED_VAR_NAME names it), its value before and after the transformations, and the operator's answer. */
  | { type: 'value'; ruleId: number; link: number; variable: string; raw: string; value: string; matched: boolean }
  /** The operator captured `value` into TX.`index`. */
  | { type: 'capture'; ruleId: number; link: number; index: number; value: string }
  /** A rule or chain link finished: whether it matched (before the next link runs). */
  | { type: 'link'; ruleId: number; link: number; matched: boolean }
  /** setvar wrote `COLLECTION:key` (`value` null when it deleted it). */
  | { type: 'setvar'; ruleId: number; collection: string; key: string; value: string | null }
  /** A request body processor's diagnostic, in ModSecurity v3's words (multipart errors and warnings). */
  | { type: 'body'; processor: string; message: string }
  /** The whole chain matched; msg and logdata expanded now, as for the log. */
  | { type: 'match'; ruleId: number; msg: string; logdata: string; tags: string[] };

export interface TransactionOptions {
  /** Transaction id (UNIQUE_ID); generated when absent. */
  id?: string;
  /** Overrides SecRuleEngine for this transaction (per-route mode). */
  ruleEngine?: RuleEngineMode;
  /** Receives every evaluation step (tests and debugging; costs nothing when absent). */
  trace?: (event: TraceEvent) => void;
}
