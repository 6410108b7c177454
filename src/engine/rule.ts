import type { Operator, OperatorCompileContext, OperatorDefinition } from './operators/types.js';
import type { Macro } from './macro.js';
import type { VariableDefinition } from './variables/types.js';
import type { CompiledRegex } from './regex/index.js';
import type { TransformNode } from './transform-pipeline.js';
import type { CompiledAction } from './actions/types.js';
import type { LinkPlan } from './candidates.js';

/** One variable a rule inspects, e.g. `ARGS`, `REQUEST_HEADERS:User-Agent`, `&TX:foo`, `ARGS:/^id_/`. */
export interface Target {
  variable: VariableDefinition;
  /** Key as written (selector), or null for the whole collection / a scalar. */
  key: string | null;
  lowerKey: string | null;
  keyRegex: CompiledRegex | null;
  /** `&` prefix: the rule sees the number of values instead of the values. */
  count: boolean;
  /** Exclusions (`!ARGS:foo`) that apply to this target's variable. */
  exclusions: TargetExclusion[];
  /** Text as written, for logs and for ctl:ruleRemoveTarget* comparisons. */
  text: string;
}

export interface TargetExclusion {
  variableName: string;
  lowerKey: string | null;
  keyRegex: CompiledRegex | null;
}

export type DisruptiveKind = 'pass' | 'deny' | 'drop' | 'redirect' | 'allow' | 'block';

/** The compiled form of a SecRule / SecAction (and of each chain link). */
export interface Rule {
  id: number;
  phase: number;
  file: string;
  line: number;
  /** The directive text as written, for the audit log. */
  raw: string;

  targets: Target[];
  /** Null for SecAction (always matches). */
  operator: Operator | null;
  operatorDefinition: OperatorDefinition | null;
  operatorName: string;
  operatorParam: string;
  /** Set when the operator parameter contains macros: compiled per distinct expansion. */
  operatorParamMacro: Macro | null;
  /** Data-file access for compiling such macro-expanded operators. */
  operatorContext: OperatorCompileContext | null;
  operatorNegated: boolean;

  transforms: TransformNode;
  /** Names of the transformations, for logs. */
  transformNames: string[];
  multiMatch: boolean;
  capture: boolean;

  /** setvar actions: run once per matched value, as ModSecurity does. */
  perMatchActions: CompiledAction[];
  /** Everything else with an effect (ctl, initcol, expirevar, ...): run once after the whole chain matched. */
  afterMatchActions: CompiledAction[];

  disruptive: DisruptiveKind | null;
  /** `allow` scope: '' (whole transaction), 'phase' or 'request'. */
  allowScope: string;
  status: number | null;
  redirectUrl: Macro | null;

  msg: Macro | null;
  logdata: Macro | null;
  tags: string[];
  /** Tags written with macros, by index in `tags`: expanded when the rule is logged. */
  tagMacros?: Map<number, Macro>;
  severity: number | undefined;
  rev: string;
  ver: string;
  maturity: number | undefined;
  accuracy: number | undefined;
  /** Explicit log / nolog (null = inherit from SecDefaultAction). */
  log: boolean;
  auditlog: boolean;

  skip: number;
  skipAfter: string | null;
  /** XML namespaces declared with xmlns:prefix=uri. */
  xmlNamespaces: Record<string, string> | null;

  /** Next link of a chain, evaluated only when this one matched. */
  chainChild: Rule | null;
  /** True for links after the first one. */
  isChainChild: boolean;
  /** The chain starter (itself for a standalone rule). */
  chainStarter: Rule;
  /** How the candidate index evaluates this link (set by CompiledWaf; null without the index). */
  inspect: LinkPlan | null;
}

export interface Marker {
  marker: string;
}

export type PhaseEntry = Rule | Marker;

export function isMarker(e: PhaseEntry): e is Marker {
  return (e as Marker).marker !== undefined;
}
