import type { Transaction } from '../transaction.js';
import type { Target } from '../rule.js';
import type { ValueSink } from '../value-sink.js';

/**
 * A SecLang variable or collection. `collect` pushes the values a target selects (key,
 * regex or everything, minus the target's exclusions) into the sink; `first` serves macro
 * expansion (`%{REQUEST_HEADERS.host}`).
 */
export interface VariableDefinition {
  readonly name: string;
  /** True when the variable takes key selectors (`ARGS:foo`). */
  readonly isCollection: boolean;
  collect(tx: Transaction, target: Target, sink: ValueSink): void;
  count(tx: Transaction, target: Target): number;
  first(tx: Transaction, lowerKey: string | null): string | undefined;
}
