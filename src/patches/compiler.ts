/**
 * Compiles patches to SecLang. Every rule the compiler emits carries the patch's metadata
 * (tags, severity, msg) and the disruptive action of its mode: `deny,status:403` for
 * `block`, `pass` for `detect`; a patch in mode `off` emits nothing.
 */
import type { Condition, DeclarativeRule, Patch, PatchMode, RawRule, Scope } from './types.js';
import { isRawRule, PRELUDE_RULE_ID_MIN } from './types.js';
import { type Action, escapeOperatorArg, formatActions, logicalLines, parseSecRule, type SecRuleParts } from './seclang-text.js';

/** Target aliases of the declarative matcher and the SecLang variables they stand for. */
export const TARGET_ALIASES: Record<string, string[]> = {
  args: ['ARGS'],
  args_names: ['ARGS_NAMES'],
  query: ['ARGS_GET'],
  query_names: ['ARGS_GET_NAMES'],
  post: ['ARGS_POST'],
  post_names: ['ARGS_POST_NAMES'],
  headers: ['REQUEST_HEADERS'],
  header_names: ['REQUEST_HEADERS_NAMES'],
  cookies: ['REQUEST_COOKIES'],
  cookie_names: ['REQUEST_COOKIES_NAMES'],
  uri: ['REQUEST_URI'],
  raw_uri: ['REQUEST_URI_RAW'],
  path: ['REQUEST_FILENAME'],
  basename: ['REQUEST_BASENAME'],
  query_string: ['QUERY_STRING'],
  request_line: ['REQUEST_LINE'],
  method: ['REQUEST_METHOD'],
  protocol: ['REQUEST_PROTOCOL'],
  body: ['REQUEST_BODY'],
  xml: ['XML:/*'],
  files: ['FILES'],
  file_fields: ['FILES_NAMES'],
  /** Everything a client controls in a request, decoded or raw. */
  any: [
    'REQUEST_URI',
    'REQUEST_HEADERS',
    'REQUEST_HEADERS_NAMES',
    'REQUEST_COOKIES',
    'REQUEST_COOKIES_NAMES',
    'ARGS',
    'ARGS_NAMES',
    'REQUEST_BODY',
    'XML:/*',
    'FILES',
  ],
};

/** SecLang collections/variables the declarative matcher accepts by name (besides the aliases). */
export const KNOWN_VARIABLES = new Set([
  'ARGS', 'ARGS_NAMES', 'ARGS_GET', 'ARGS_GET_NAMES', 'ARGS_POST', 'ARGS_POST_NAMES', 'ARGS_COMBINED_SIZE',
  'REQUEST_HEADERS', 'REQUEST_HEADERS_NAMES', 'REQUEST_COOKIES', 'REQUEST_COOKIES_NAMES', 'REQUEST_URI',
  'REQUEST_URI_RAW', 'REQUEST_FILENAME', 'REQUEST_BASENAME', 'QUERY_STRING', 'REQUEST_LINE', 'REQUEST_METHOD',
  'REQUEST_PROTOCOL', 'REQUEST_BODY', 'REQUEST_BODY_LENGTH', 'XML', 'FILES', 'FILES_NAMES', 'FILES_SIZES',
  'FILES_TMP_CONTENT', 'MULTIPART_PART_HEADERS', 'MULTIPART_FILENAME', 'MULTIPART_NAME', 'REQBODY_ERROR',
  'REQBODY_PROCESSOR', 'REMOTE_ADDR', 'SERVER_NAME', 'TX', 'MATCHED_VAR', 'MATCHED_VARS', 'FULL_REQUEST',
]);

/** Variables only filled once the request body has been read (phase 2). */
const BODY_VARIABLES = new Set([
  'ARGS', 'ARGS_NAMES', 'ARGS_POST', 'ARGS_POST_NAMES', 'ARGS_COMBINED_SIZE', 'REQUEST_BODY', 'REQUEST_BODY_LENGTH',
  'XML', 'FILES', 'FILES_NAMES', 'FILES_SIZES', 'FILES_TMP_CONTENT', 'MULTIPART_PART_HEADERS', 'MULTIPART_FILENAME',
  'MULTIPART_NAME', 'REQBODY_ERROR', 'REQBODY_PROCESSOR', 'FULL_REQUEST',
]);

/** Expands targets (aliases or SecLang variables) into SecLang variable names. */
export function expandTargets(targets: string[]): string[] {
  const out: string[] = [];
  for (const t of targets) {
    const prefix = t.startsWith('!') || t.startsWith('&') ? t[0]! : '';
    const name = prefix ? t.slice(1) : t;
    const alias = TARGET_ALIASES[name];
    if (alias) for (const v of alias) out.push(prefix + v);
    else out.push(t);
  }
  return [...new Set(out)];
}

/** The collection part of a variable (`REQUEST_HEADERS:User-Agent` → `REQUEST_HEADERS`). */
export function variableCollection(v: string): string {
  const s = v.startsWith('!') || v.startsWith('&') ? v.slice(1) : v;
  const i = s.indexOf(':');
  return i < 0 ? s : s.slice(0, i);
}

export function needsBody(conds: Condition[]): boolean {
  return conds.some((c) => expandTargets(c.targets).some((v) => BODY_VARIABLES.has(variableCollection(v))));
}

export function operatorOf(c: Condition): string {
  const neg = c.not ? '!' : '';
  let op: string;
  // a double quote is written \x22 so the operator needs no quote escaping (ModSecurity v3's parser mis-reads some \" sequences)
  if (c.rx !== undefined) op = `@rx ${c.rx.replace(/\\?"/g, '\\x22')}`;
  else if (c.pm !== undefined) op = `@pm ${c.pm.join(' ')}`;
  else if (c.contains !== undefined) op = `@contains ${c.contains}`;
  else if (c.containsWord !== undefined) op = `@containsWord ${c.containsWord}`;
  else if (c.beginsWith !== undefined) op = `@beginsWith ${c.beginsWith}`;
  else if (c.endsWith !== undefined) op = `@endsWith ${c.endsWith}`;
  else if (c.streq !== undefined) op = `@streq ${c.streq}`;
  else if (c.within !== undefined) op = `@within ${c.within}`;
  else if (c.eq !== undefined) op = `@eq ${c.eq}`;
  else if (c.gt !== undefined) op = `@gt ${c.gt}`;
  else if (c.lt !== undefined) op = `@lt ${c.lt}`;
  else if (c.detectSQLi) op = '@detectSQLi';
  else if (c.detectXSS) op = '@detectXSS';
  else throw new Error('condition has no operator');
  return neg + op;
}

function transformActions(c: Condition): Action[] {
  const ts = c.transforms ?? [];
  return [{ name: 't', value: 'none' }, ...ts.filter((t) => t !== 'none').map((t) => ({ name: 't', value: t }))];
}

function cleanText(s: string): string {
  // quotes and backslashes would end the action value; ModSecurity v3 reads % as the start of a macro
  return s.replace(/['"\\]/g, '').replace(/%/g, 'percent-').replace(/[\r\n\t]+/g, ' ').trim();
}

const SEVERITY_NAMES: Record<Patch['severity'], string> = {
  critical: 'CRITICAL',
  high: 'ERROR',
  medium: 'WARNING',
  low: 'NOTICE',
};

function regexEscape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The chain links that restrict a rule to the patch's scope (empty when unscoped). */
export function scopeConditions(scope: Scope): Condition[] {
  const out: Condition[] = [];
  if (scope.hosts.length > 0) {
    const alts = scope.hosts.map((h) => {
      const [host, port] = h.split(':') as [string, string | undefined];
      const hp = host.startsWith('*.') ? `[^.]+(?:\\.[^.]+)*\\.${regexEscape(host.slice(2))}` : regexEscape(host);
      return port ? `${hp}:${port}` : `${hp}(?::[0-9]+)?`;
    });
    out.push({ targets: ['REQUEST_HEADERS:Host'], transforms: ['lowercase'], rx: `^(?:${alts.join('|').toLowerCase()})$` });
  }
  if (scope.paths.length > 0) {
    const alts = scope.paths.map((p) => regexEscape(p.toLowerCase()));
    out.push({ targets: ['REQUEST_FILENAME'], transforms: ['urlDecodeUni', 'normalizePath', 'lowercase'], rx: `^(?:${alts.join('|')})` });
  }
  if (scope.methods.length > 0) {
    out.push({ targets: ['REQUEST_METHOD'], rx: `^(?:${scope.methods.map(regexEscape).join('|')})$` });
  }
  return out;
}

function conditionToParts(c: Condition, actions: Action[]): SecRuleParts {
  return {
    variables: expandTargets(c.targets).join('|'),
    operator: escapeOperatorArg(operatorOf(c)),
    actions: [...actions, ...transformActions(c)],
  };
}

function headActions(patch: Patch, id: number, phase: number, msg: string, mode: PatchMode): Action[] {
  const disruptive: Action[] = mode === 'block' ? [{ name: 'deny', value: undefined }, { name: 'status', value: '403' }] : [{ name: 'pass', value: undefined }];
  const tags: Action[] = [
    { name: 'tag', value: 'vpatch' },
    { name: 'tag', value: `vpatch/${patch.id}` },
    { name: 'tag', value: `vpatch/mode/${mode}` },
    ...patch.cves.map((c) => ({ name: 'tag', value: c })),
    ...patch.classes.map((c) => ({ name: 'tag', value: `attack-${c}` })),
  ];
  return [
    { name: 'id', value: String(id) },
    { name: 'phase', value: String(phase) },
    ...disruptive,
    { name: 'log', value: undefined },
    { name: 'auditlog', value: undefined },
    { name: 'msg', value: cleanText(`${patch.id} ${msg}`) },
    { name: 'logdata', value: 'Matched %{MATCHED_VAR_NAME}: %{MATCHED_VAR}' },
    ...tags,
    { name: 'severity', value: SEVERITY_NAMES[patch.severity] },
  ];
}

function printRule(parts: SecRuleParts, indent: string): string {
  if (parts.actions.length === 0) return `${indent}SecRule ${parts.variables} "${parts.operator}"`;
  return `${indent}SecRule ${parts.variables} "${parts.operator}" \\\n${indent}    "${formatActions(parts.actions)}"`;
}

/** Variables that hold one value (or a named one), cheap to test, as opposed to whole collections. */
const SCALAR_VARIABLES = new Set([
  'REQUEST_FILENAME', 'REQUEST_BASENAME', 'REQUEST_URI', 'REQUEST_URI_RAW', 'QUERY_STRING', 'REQUEST_METHOD',
  'REQUEST_PROTOCOL', 'REQUEST_LINE', 'REQUEST_BODY', 'REQUEST_BODY_LENGTH', 'REQBODY_ERROR', 'REQBODY_PROCESSOR',
  'REMOTE_ADDR', 'SERVER_NAME', 'MULTIPART_FILENAME', 'MULTIPART_NAME', 'FULL_REQUEST',
]);

/** Rough cost of a condition: how many values it may have to transform and match. */
export function conditionCost(c: Condition): number {
  let cost = 0;
  for (const v of expandTargets(c.targets)) {
    if (v.startsWith('&') || v.startsWith('!')) cost += 1;
    else if (v.includes(':')) cost += 2; // a named member (ARGS:x, REQUEST_HEADERS:Host)
    else cost += SCALAR_VARIABLES.has(variableCollection(v)) ? 3 : 50;
  }
  return cost * (1 + (c.transforms?.length ?? 0) / 4);
}

/**
 * The chain a declarative rule compiles to: the scope conditions and the cheapest conditions
 * first, so a request out of scope or on another path costs one or two single-value tests, and
 * the condition that scans collections runs last (its match is what logdata reports).
 */
export function orderedLinks(patch: Patch, rule: DeclarativeRule): Condition[] {
  const conds: Condition[] = [rule, ...(rule.and ?? [])];
  const ranked = conds.map((c, i) => ({ c, i, cost: conditionCost(c) })).sort((a, b) => a.cost - b.cost || a.i - b.i);
  return [...scopeConditions(patch.scope), ...ranked.map((r) => r.c)];
}

function compileDeclarative(patch: Patch, rule: DeclarativeRule, mode: PatchMode): string {
  const links: Condition[] = orderedLinks(patch, rule);
  const phase = rule.phase ?? (needsBody(links) ? 2 : 1);
  const lines: string[] = [];
  links.forEach((c, i) => {
    const last = i === links.length - 1;
    const base = i === 0 ? headActions(patch, rule.id, phase, rule.msg, mode) : [];
    const actions = last ? base : [...base, { name: 'chain', value: undefined }];
    lines.push(printRule(conditionToParts(c, actions), i === 0 ? '' : '    '));
  });
  return lines.join('\n');
}

const DISRUPTIVE = new Set(['deny', 'drop', 'block', 'pass', 'allow', 'redirect', 'proxy', 'status']);
const META = new Set(['id', 'phase', 'severity', 'log', 'nolog', 'auditlog', 'noauditlog']);

/** Splits a raw rule's text into chains (each a list of SecRule parts). */
export function parseRawChains(text: string): SecRuleParts[][] {
  const chains: SecRuleParts[][] = [];
  let current: SecRuleParts[] | null = null;
  for (const line of logicalLines(text)) {
    const parts = parseSecRule(line);
    if (!current) {
      current = [];
      chains.push(current);
    }
    current.push(parts);
    if (!parts.actions.some((a) => a.name === 'chain')) current = null;
  }
  if (current) throw new Error('the last rule ends with chain but no rule follows');
  return chains;
}

function compileRaw(patch: Patch, rule: RawRule, mode: PatchMode): string {
  const chains = parseRawChains(rule.seclang);
  if (chains.length !== 1) throw new Error(`a raw rule holds exactly one SecRule (or chain); found ${chains.length}`);
  const chain = chains[0]!;
  const head = chain[0]!;
  const idAction = head.actions.find((a) => a.name === 'id');
  if (!idAction || Number(idAction.value) !== rule.id) throw new Error(`the SecRule's id action must be id:${rule.id}`);
  const phaseAction = head.actions.find((a) => a.name === 'phase');
  const phase = phaseAction ? Number(phaseAction.value) : 2;
  const msgAction = head.actions.find((a) => a.name === 'msg');
  const rest = head.actions.filter((a) => !DISRUPTIVE.has(a.name) && !META.has(a.name) && a.name !== 'msg' && a.name !== 'chain');
  const newHead: SecRuleParts = {
    ...head,
    actions: [...headActions(patch, rule.id, phase, msgAction?.value ?? patch.title, mode).filter((a) => a.name !== 'logdata' || !rest.some((r) => r.name === 'logdata')), ...rest],
  };
  const links: SecRuleParts[] = [newHead, ...chain.slice(1)];
  const scope = scopeConditions(patch.scope).map((c) => conditionToParts(c, []));
  const all = [...links, ...scope];
  return all
    .map((p, i) => {
      const last = i === all.length - 1;
      const actions = p.actions.filter((a) => a.name !== 'chain');
      if (!last) actions.push({ name: 'chain', value: undefined });
      return printRule({ ...p, actions }, i === 0 ? '' : '    ');
    })
    .join('\n');
}

/** SecLang for one rule of a patch in the given mode. */
export function compileRule(patch: Patch, rule: Patch['rules'][number], mode: PatchMode): string {
  return isRawRule(rule) ? compileRaw(patch, rule, mode) : compileDeclarative(patch, rule, mode);
}

/** SecLang for a whole patch (empty for mode `off`). */
export function compilePatch(patch: Patch, mode: PatchMode = patch.mode): string {
  if (mode === 'off') return '';
  const header = `# ${patch.id}: ${cleanText(patch.title)} (${patch.cves.join(', ')}) mode=${mode}`;
  return [header, ...patch.rules.map((r) => compileRule(patch, r, mode))].join('\n') + '\n';
}

/**
 * Rules every catalog load starts with: select the JSON and XML request body processors
 * (ModSecurity only parses them when a rule asks, as CRS's REQUEST-901 does), so patches
 * see JSON and XML fields in ARGS / XML:/* when loaded without CRS.
 */
export function preludeSecLang(): string {
  const id = PRELUDE_RULE_ID_MIN;
  return [
    '# vpatch catalog prelude: request body processors',
    'SecRequestBodyAccess On',
    `SecRule REQUEST_HEADERS:Content-Type "@rx (?i)^\\s*application/(?:[a-z0-9.+-]+\\+)?json" \\\n    "id:${id},phase:1,pass,nolog,t:none,ctl:requestBodyProcessor=JSON,tag:'vpatch/prelude'"`,
    `SecRule REQUEST_HEADERS:Content-Type "@rx (?i)^\\s*(?:application|text)/(?:[a-z0-9.+-]+\\+)?xml" \\\n    "id:${id + 1},phase:1,pass,nolog,t:none,ctl:requestBodyProcessor=XML,tag:'vpatch/prelude'"`,
    '# patches inspect the raw body (REQUEST_BODY) whatever the body processor',
    `SecAction "id:${id + 2},phase:1,pass,nolog,ctl:forceRequestBodyVariable=On,tag:'vpatch/prelude'"`,
    '',
  ].join('\n');
}

/** SecLang for a set of patches with per-patch modes (patches absent from `modes` use their default). */
export function compilePatches(patches: Patch[], modes: Record<string, PatchMode> = {}, opts: { prelude?: boolean } = {}): string {
  const parts: string[] = [];
  if (opts.prelude !== false) parts.push(preludeSecLang());
  for (const p of patches) {
    const text = compilePatch(p, modes[p.id] ?? p.mode);
    if (text) parts.push(text);
  }
  return parts.join('\n');
}
