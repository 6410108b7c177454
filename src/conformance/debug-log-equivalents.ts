/**
 * ModSecurity's regression cases state many expectations as a regex over libmodsecurity's
 * debug log. vpatch has no debug log, but a handful of those debug-log statements report
 * something observable that vpatch's evaluation trace (`TransactionOptions.trace`) reports
 * too. For those, and only those, this module writes the same statements from the trace, in
 * libmodsecurity's words, and runs the case's regex over them:
 *
 *   [4] (Rule: N) Executing operator "Op" with param "p" against VARS.   a rule (chain links: rule 0) was evaluated
 *   [4] (Rule: N) Executing unconditional rule...                        a SecAction was evaluated
 *   [9]  T (0) t:name: "value"                                           a transformation's output for a tested value
 *   [9] Target value: "v" (Variable: NAME)                               the value an operator was run on
 *   [7] Added regex subexpression TX.n: v / Added Op match TX.0: v       a capture
 *   [4] Rule returned 1. / Rule returned 0.                              a rule or chain link matched or not
 *   [8] Saving variable: COLL:key with value: v                          setvar
 *   [8] Setting environment variable: k to v                             setenv
 *   [9] Saving msg: m / [9] Rule tag: t                                  a matched rule's msg and tags
 *   [4] Adding request argument (GET|POST|BODY|JSON): name "n", value "v" an argument and where it came from
 *   [4] Multipart: ...                                                   the multipart parser's errors and warnings
 *
 * (`[N]` is the debug level v3 writes each statement at; its log lines start with it after
 * the transaction's time and URI.)
 *
 * Values are written as v3 writes them (target values with bytes outside 0x20-0x7e as \xHH
 * and cut at 80 characters). A regex about a rule being skipped (`Skipped rule id 'N'`,
 * `Rule id: N was skipped`) is checked as "rule N is in the rules but was never evaluated".
 * A regex that names none of these statements is libmodsecurity-internal (body parser
 * internals, phase bookkeeping, action execution order, v3's internal names for
 * persistent-collection entries such as `RESOURCE:whee::::test`): it is reported as such,
 * never matched against anything.
 */
import type { TraceEvent } from '../engine/api-types.js';
import type { Rule } from '../engine/rule.js';
import type { CompiledWaf } from '../engine/waf.js';
import type { Transaction } from '../engine/transaction.js';
import { v3OperatorName } from '../engine/match-record.js';

export type DebugLogCheck = { kind: 'checked'; problem: string | null } | { kind: 'internal' };

/** Statements of v3's debug log that this module writes from the trace. */
const OBSERVABLE = [
  /Target value/,
  /Variable(?:\\?:|:) /,
  /Rule returned/,
  /Executing operator/,
  /Executing unconditional rule/,
  /Added regex subexpression/,
  /Added \w+ match TX/,
  /Saving variable/,
  /Saving msg/,
  /Rule tag/,
  /Setting environment variable/,
  /t:\w+:/,
  /Adding request argument/,
  /\bRule: \d+/,
  // The multipart parser's diagnostics, which vpatch's parser reports in v3's words.
  /Multipart|[Bb]oundar|Content-Disposition|part header|filename|line endings/,
];

/** Statements of v3's debug log that vpatch's trace has no counterpart for: a regex naming one is internal. */
const INTERNAL = [/Added data/, /Multipart: Boundary:/, /Added (?:file )?part/, /Appending/, /Matched vars/, /Running action/, /Executing chained rule/];

/** `lowercase: "x"`: a transformation's output, named without its `t:`. */
function namesTransformation(regex: string, transforms: (name: string) => unknown): boolean {
  for (const m of regex.matchAll(/(?:^|[\s:])(\w+): \\?"/g)) if (transforms(m[1]!) !== undefined) return true;
  return false;
}

const V3_INTERNAL_NAME = /\b(?:IP|GLOBAL|RESOURCE|SESSION|USER):[^\s"]*::/;

const SKIPPED = [/Skipped rule id \\?'(\d+)\\?'/, /Rule id: (\d+) was skipped/];


/** v3's utils::string::toHexIfNeeded. */
function hexIfNeeded(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c < 32 || c > 126 ? '\\x' + c.toString(16).padStart(2, '0') : s[i];
  }
  return out;
}

/** v3's utils::string::limitTo. */
function limitTo(n: number, s: string): string {
  return s.length > n ? `${s.slice(0, n)} (${s.length - n} characters omitted)` : s;
}

function linkOf(waf: CompiledWaf, ruleId: number, link: number): Rule | undefined {
  let r: Rule | null | undefined = waf.ruleSet.rulesById.get(ruleId);
  for (let i = 0; i < link && r; i++) r = r.chainChild;
  return r ?? undefined;
}

/** A transformation's name as the rules spell it (v3 writes it as written). */
function spelled(rulesText: string, canonical: string): string {
  const m = new RegExp(`t:(${canonical})\\b`, 'i').exec(rulesText);
  return m ? m[1]! : canonical;
}

/** The debug-log statements above, written from the trace. */
export function traceToV3DebugLog(trace: readonly TraceEvent[], waf: CompiledWaf, rulesText: string, transforms: (name: string) => ((s: string) => string) | undefined): string {
  const lines: string[] = [];
  let open = '';
  const opening = (ruleId: number, link: number): void => {
    const key = `${ruleId}/${link}`;
    if (open === key) return;
    open = key;
    const rule = linkOf(waf, ruleId, link);
    if (rule === undefined) return;
    const id = link === 0 ? ruleId : 0;
    if (rule.targets.length === 0) {
      lines.push(`[4] (Rule: ${id}) Executing unconditional rule...`);
      return;
    }
    const op = v3OperatorName(rule.operatorName);
    const vars = rule.targets.map((t) => (t.key === null ? t.variable.name : `${t.variable.name}:${t.key}`)).join('|');
    lines.push(`[4] (Rule: ${id}) Executing operator "${op}" with param "${rule.operatorParam}" against ${vars}.`);
  };
  for (const e of trace) {
    switch (e.type) {
      case 'value': {
        opening(e.ruleId, e.link);
        const rule = linkOf(waf, e.ruleId, e.link);
        if (rule !== undefined) {
          let v = e.raw;
          for (const name of rule.transformNames) {
            const fn = transforms(name);
            if (fn === undefined) break;
            v = fn(v);
            lines.push(`[9]  T (0) t:${spelled(rulesText, name)}: "${v}"`);
          }
        }
        const variable = e.variable.startsWith('&') ? e.variable.slice(1) : e.variable;
        lines.push(`[9] Target value: "${limitTo(80, hexIfNeeded(e.value))}" (Variable: ${variable})`);
        break;
      }
      case 'capture': {
        const rule = linkOf(waf, e.ruleId, e.link);
        const op = rule ? v3OperatorName(rule.operatorName) : '';
        lines.push(op === 'Rx' || op === 'RxGlobal' ? `[7] Added regex subexpression TX.${e.index}: ${e.value}` : `[7] Added ${op} match TX.${e.index}: ${e.value}`);
        break;
      }
      case 'link':
        opening(e.ruleId, e.link);
        lines.push(`[4] Rule returned ${e.matched ? 1 : 0}.`);
        open = '';
        break;
      case 'setvar':
        if (e.collection === 'ENV') lines.push(`[8] Setting environment variable: ${e.key} to ${e.value ?? ''}`);
        else if (e.value !== null) lines.push(`[8] Saving variable: ${e.collection}:${e.key} with value: ${e.value}`);
        break;
      case 'body':
        lines.push(`[4] ${e.message}`);
        break;
      case 'match': {
        const rule = waf.ruleSet.rulesById.get(e.ruleId);
        if (rule?.msg != null) lines.push(`[9] Saving msg: ${e.msg}`);
        for (const tag of e.tags) lines.push(`[9] Rule tag: ${tag}`);
        break;
      }
    }
  }
  return lines.join('\n');
}

/** `Adding request argument (GET|POST|BODY|JSON): name "n", value "v"`, one line per argument, in v3's words. */
function requestArguments(tx: Transaction): string {
  let out = '';
  for (let i = 0; i < tx.argsGet.size; i++) out += `[4] Adding request argument (GET): name "${tx.argsGet.keys[i]}", value "${tx.argsGet.values[i]}"\n`;
  const origin = tx.requestBodyProcessor === 'MULTIPART' ? 'BODY' : tx.requestBodyProcessor === 'JSON' ? 'JSON' : 'POST';
  for (let i = 0; i < tx.argsPost.size; i++) out += `[4] Adding request argument (${origin}): name "${tx.argsPost.keys[i]}", value "${tx.argsPost.values[i]}"\n`;
  return out;
}

/**
 * Checks a case's debug_log regex against vpatch's trace when the regex is about something
 * the trace shows; otherwise says it is libmodsecurity-internal.
 */
export function checkDebugLog(
  regex: string,
  trace: readonly TraceEvent[],
  waf: CompiledWaf,
  tx: Transaction,
  rulesText: string,
  transforms: (name: string) => ((s: string) => string) | undefined,
): DebugLogCheck {
  for (const skipped of SKIPPED) {
    const m = skipped.exec(regex);
    if (m === null) continue;
    const id = Number(m[1]);
    if (!new RegExp(`id:'?${id}\\b`).test(rulesText)) return { kind: 'checked', problem: `rule ${id} is not in the rules` };
    const ran = trace.some((e) => (e.type === 'value' || e.type === 'link') && e.ruleId === id);
    return { kind: 'checked', problem: ran ? `rule ${id} was evaluated; expected it to be skipped` : null };
  }
  if (!OBSERVABLE.some((r) => r.test(regex)) && !namesTransformation(regex, transforms)) return { kind: 'internal' };
  if (INTERNAL.some((r) => r.test(regex))) return { kind: 'internal' };
  // v3's internal names for persistent-collection entries (`RESOURCE:whee::::test`, key and
  // web-app id folded into the name) are not a variable name a rule can use.
  if (V3_INTERNAL_NAME.test(regex)) return { kind: 'internal' };
  const text = requestArguments(tx) + traceToV3DebugLog(trace, waf, rulesText, transforms);
  let re: RegExp;
  try {
    re = new RegExp(regex, 'sm');
  } catch (err) {
    return { kind: 'checked', problem: `the regex does not compile in JavaScript: ${err instanceof Error ? err.message : String(err)}` };
  }
  return { kind: 'checked', problem: re.test(text) ? null : `no such statement in vpatch's trace: ${JSON.stringify(text.slice(0, 1500))}` };
}
