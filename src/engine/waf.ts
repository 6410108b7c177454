import type { TransactionOptions } from './api-types.js';
import { CandidateIndex } from './candidates.js';
import { MemoryCollectionStore, type CollectionStore } from './collection-store.js';
import type { EngineConfig } from './config.js';
import type { Operator } from './operators/types.js';
import { compileRegex, type CompiledRegex } from './regex/index.js';
import type { Rule } from './rule.js';
import { SecLangCompiler, type CompiledRuleSet, type EngineHost, type RuleSource } from './seclang/compiler.js';
import { Transaction, type TransactionHost } from './transaction.js';

export interface WafOptions {
  /** File access for Include and data files. */
  host: EngineHost;
  /** Where IP/GLOBAL/SESSION/USER/RESOURCE collections live between transactions (default: in memory). */
  collectionStore?: CollectionStore;
  /**
   * Build the rule-set candidate index (default true): rules are only run on values that
   * can match them. `false` evaluates every rule on every value; the results are the same.
   */
  candidateIndex?: boolean;
}

const DYNAMIC_OPERATOR_CACHE_LIMIT = 256;

/**
 * A compiled rule set: immutable, shared by every transaction. Compile once (loading the
 * full CRS takes well under a second), then call `newTransaction()` per request.
 */
export class CompiledWaf implements TransactionHost {
  readonly ruleSet: CompiledRuleSet;
  readonly collectionStore: CollectionStore;
  readonly auditRelevantStatus: CompiledRegex | null;
  /** The candidate index, or null when compiled with `candidateIndex: false`. */
  readonly candidates: CandidateIndex | null;
  private readonly dynamicOperators = new Map<Rule, Map<string, Operator>>();

  constructor(sources: RuleSource[], options: WafOptions) {
    const compiler = new SecLangCompiler(options.host);
    for (const s of sources) compiler.addSource(s);
    this.ruleSet = compiler.finish();
    this.collectionStore = options.collectionStore ?? new MemoryCollectionStore();
    const relevant = this.ruleSet.config.auditLogRelevantStatus;
    this.auditRelevantStatus = relevant === null ? null : compileRegex(relevant, {});
    this.candidates = options.candidateIndex === false ? null : new CandidateIndex(this.ruleSet);
  }

  get config(): EngineConfig {
    return this.ruleSet.config;
  }

  /** Directives and actions that loaded but have no effect in vpatch, with file:line. */
  get warnings(): string[] {
    return this.ruleSet.warnings;
  }

  /** Number of rules (chain starters and SecActions) after removals. */
  get ruleCount(): number {
    return this.ruleSet.rules.length;
  }

  newTransaction(options: TransactionOptions = {}): Transaction {
    return new Transaction(this, options);
  }

  dynamicOperator(rule: Rule, param: string): Operator {
    let cache = this.dynamicOperators.get(rule);
    if (cache === undefined) {
      cache = new Map();
      this.dynamicOperators.set(rule, cache);
    }
    let op = cache.get(param);
    if (op === undefined) {
      try {
        op = rule.operatorDefinition!.factory(param, rule.operatorContext!);
      } catch {
        // A parameter that does not compile after expansion (e.g. a bad regex built from
        // request data) never matches, rather than failing the transaction.
        op = { match: () => false };
      }
      if (cache.size >= DYNAMIC_OPERATOR_CACHE_LIMIT) cache.clear();
      cache.set(param, op);
    }
    return op;
  }
}
