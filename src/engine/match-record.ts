import type { MatchedRule } from './api-types.js';
import type { Rule } from './rule.js';
import type { Transaction } from './transaction.js';

function capitalize(s: string): string {
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1);
}

/** Operator names as ModSecurity v3 writes them in logs (`Operator::m_op`) where capitalising ours is not enough. */
const V3_OPERATOR_NAMES: Record<string, string> = {
  streq: 'StrEq',
  strmatch: 'StrMatch',
  pmf: 'PmFromFile',
  ipmatchf: 'IpMatchFromFile',
};

/** An operator's name as ModSecurity v3 logs it: `Rx`, `StrEq`, `PmFromFile`, ... */
export function v3OperatorName(name: string): string {
  return V3_OPERATOR_NAMES[name.toLowerCase()] ?? capitalize(name);
}

/**
 * ModSecurity writes log fields with control bytes, bytes above 0x7e, quotes and backslashes
 * as \xHH, so one log line stays one line and fields stay delimited.
 */
function quote(s: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x1f && c < 0x7f && c !== 0x22 && c !== 0x5c) continue;
    out += s.slice(last, i) + '\\x' + (c < 16 ? '0' : '') + c.toString(16);
    last = i + 1;
  }
  return last === 0 ? s : out + s.slice(last);
}

/**
 * A rule that matched (chain starter), with msg and logdata expanded at the moment the whole
 * chain matched, as ModSecurity v3 does. The error-log line is built on first use, since most
 * callers never read it.
 */
export class MatchRecord implements MatchedRule {
  readonly id: number;
  readonly phase: number;
  readonly msg: string;
  readonly logdata: string;
  readonly severity: number | undefined;
  readonly tags: string[];
  readonly rev: string;
  readonly ver: string;
  readonly matchedVarName: string;
  readonly matchedVar: string;
  readonly log: boolean;
  readonly auditlog: boolean;
  readonly disruptive: boolean;
  readonly file: string;
  readonly line: number;
  readonly maturity: number | undefined;
  readonly accuracy: number | undefined;
  /** "Matched \"Operator ... against variable ...\"": what matched, as ModSecurity words it. */
  readonly matchMessage: string;
  private readonly hostname: string;
  private readonly uri: string;
  private readonly uniqueId: string;
  private readonly status: number;
  private line_: string | undefined;

  constructor(tx: Transaction, rule: Rule, disruptive: boolean) {
    this.id = rule.id;
    this.phase = rule.phase;
    this.msg = rule.msg === null ? '' : rule.msg.expand(tx);
    this.logdata = rule.logdata === null ? '' : rule.logdata.expand(tx);
    this.severity = rule.severity;
    this.tags = expandTags(tx, rule);
    this.rev = rule.rev;
    this.ver = rule.ver;
    this.maturity = rule.maturity;
    this.accuracy = rule.accuracy;
    this.matchedVarName = tx.matchedVarName ?? '';
    this.matchedVar = tx.matchedVar ?? '';
    this.log = rule.log;
    this.auditlog = rule.auditlog;
    this.disruptive = disruptive;
    this.file = rule.file;
    this.line = rule.line;
    const last = lastLink(rule);
    this.matchMessage = last.targets.length === 0
      ? 'Unconditional match in SecAction.'
      : `Matched "Operator \`${v3OperatorName(last.operatorName)}' with parameter \`${quote(last.operatorParamMacro !== null ? last.operatorParamMacro.expand(tx) : last.operatorParam)}' against variable \`${quote(this.matchedVarName)}' (Value: \`${quote(this.matchedVar)}' )`;
    this.hostname = tx.serverName ?? tx.serverAddr ?? '';
    this.uri = tx.requestUri ?? '';
    this.uniqueId = tx.id;
    this.status = tx.interruption?.status ?? 403;
  }

  /** ModSecurity's error-log line for this match. */
  get errorLogLine(): string {
    if (this.line_ === undefined) {
      const head = this.disruptive ? `ModSecurity: Access denied with code ${this.status} (phase ${this.phase}). ` : 'ModSecurity: Warning. ';
      let s = head + this.matchMessage;
      s += ` [file "${quote(this.file)}"] [line "${this.line}"] [id "${this.id}"] [rev "${quote(this.rev)}"]`;
      s += ` [msg "${quote(this.msg)}"] [data "${quote(this.logdata)}"]`;
      s += ` [severity "${this.severity ?? 0}"] [ver "${quote(this.ver)}"] [maturity "${this.maturity ?? 0}"] [accuracy "${this.accuracy ?? 0}"]`;
      for (const t of this.tags) s += ` [tag "${quote(t)}"]`;
      s += ` [hostname "${quote(this.hostname)}"] [uri "${quote(this.uri)}"] [unique_id "${this.uniqueId}"]`;
      this.line_ = s;
    }
    return this.line_;
  }
}

/** The rule's tags with their macros expanded now (ModSecurity v3 expands them when it logs). */
export function expandTags(tx: Transaction, rule: Rule): string[] {
  const macros = rule.tagMacros;
  if (macros === undefined) return rule.tags;
  return rule.tags.map((t, i) => macros.get(i)?.expand(tx) ?? t);
}

function lastLink(rule: Rule): Rule {
  let r = rule;
  while (r.chainChild !== null) r = r.chainChild;
  return r;
}
