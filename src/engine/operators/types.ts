/**
 * Operators (`@rx`, `@pm`, ...). Values are byte strings (one code unit per byte,
 * see transforms/types.ts). An operator is compiled once from its parameter and then
 * shared by every transaction, so `match` must not keep per-call state on `this`.
 */

/**
 * Capture groups requested by the rule's `capture` action. When the engine passes a
 * `Captures` object the operator fills `groups` (index 0 = whole match, up to 9 groups);
 * the engine copies them into TX.0..TX.9. When `null` is passed nothing is recorded.
 */
export interface Captures {
  groups: string[];
}

/** Compile-time services an operator may need (data files). No other I/O is allowed. */
export interface OperatorCompileContext {
  /** Resolve a path written in a rule relative to the file that contains the rule. */
  resolvePath(path: string): string;
  /** Read a data file (pmFromFile, ipMatchFromFile); throws if missing. */
  readFile(path: string): string;
  /** Report that the operator loaded but behaves differently from ModSecurity (shown with the rule's file and line). */
  warn?(message: string): void;
}

export interface Operator {
  /** True when the operator matches `input`. */
  match(input: string, captures: Captures | null): boolean;
}

export type OperatorFactory = (param: string, ctx: OperatorCompileContext) => Operator;

export interface OperatorDefinition {
  /** Name without `@`, as written in SecLang (case-insensitive lookup). */
  readonly name: string;
  readonly factory: OperatorFactory;
}
