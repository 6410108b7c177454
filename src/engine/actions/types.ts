import type { Rule } from '../rule.js';
import type { Transaction } from '../transaction.js';

/** An action with a run-time effect (setvar, ctl, initcol, ...), compiled once. */
export interface CompiledAction {
  readonly name: string;
  execute(tx: Transaction, rule: Rule): void;
}
