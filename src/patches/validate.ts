/**
 * Validation of patch documents: the JSON Schema first (field-level errors), then the
 * checks a schema cannot express (regexes RE2 can compile, known variables, raw SecLang
 * that parses and uses its own id, rule ids unique across the loaded set).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AjvModule from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { PatchValidationError } from './errors.js';
import { expandTargets, KNOWN_VARIABLES, parseRawChains, TARGET_ALIASES, variableCollection } from './compiler.js';
import { PATCH_SCHEMA_PATH } from './paths.js';
import type { Condition, DeclarativeRule, Patch, PatchRule, RawRule } from './types.js';
import { isRawRule } from './types.js';

const require = createRequire(import.meta.url);
type RE2Ctor = new (pattern: string, flags?: string) => unknown;
let RE2: RE2Ctor | null | undefined;
function re2(): RE2Ctor | null {
  if (RE2 === undefined) {
    try {
      RE2 = require('re2') as RE2Ctor;
    } catch {
      RE2 = null;
    }
  }
  return RE2;
}

type AjvClass = typeof AjvModule.default;
const Ajv = ((AjvModule as unknown as { default?: AjvClass }).default ?? AjvModule) as AjvClass;

export const PATCH_SCHEMA: Record<string, unknown> = JSON.parse(readFileSync(PATCH_SCHEMA_PATH, 'utf8'));

let validators: { patch: ValidateFunction; declarative: ValidateFunction; raw: ValidateFunction; request: ValidateFunction } | undefined;
function getValidators() {
  if (!validators) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addSchema(PATCH_SCHEMA);
    const id = PATCH_SCHEMA.$id as string;
    validators = {
      patch: ajv.getSchema(id)!,
      declarative: ajv.getSchema(`${id}#/definitions/declarativeRule`)!,
      raw: ajv.getSchema(`${id}#/definitions/rawRule`)!,
      request: ajv.getSchema(`${id}#/definitions/request`)!,
    };
  }
  return validators;
}

const OPERATOR_KEYS = ['rx', 'pm', 'contains', 'containsWord', 'beginsWith', 'endsWith', 'streq', 'within', 'eq', 'gt', 'lt', 'detectSQLi', 'detectXSS'];

function describe(e: ErrorObject): string {
  switch (e.keyword) {
    case 'required':
      return `missing required field "${(e.params as { missingProperty: string }).missingProperty}"`;
    case 'additionalProperties':
      return `unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    case 'enum':
      return `must be one of: ${((e.params as { allowedValues: unknown[] }).allowedValues).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'oneOf':
      if (/\/headers$/.test(e.instancePath)) return 'must be a mapping of name: value, or a list of [name, value] pairs';
      return `exactly one operator is required (${OPERATOR_KEYS.join(', ')})`;
    case 'not':
      return 'give only one of body, bodyBase64, form, json, xml, multipart';
    case 'anyOf':
      return 'needs a purl or a cpe';
    default:
      return e.message ?? e.keyword;
  }
}

/** The most specific schema errors: deepest path first, one per path. */
function pickErrors(errors: ErrorObject[], prefix = ''): Array<{ field: string; reason: string }> {
  const seen = new Set<string>();
  const out: Array<{ field: string; reason: string }> = [];
  const sorted = [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length);
  for (const e of sorted) {
    if (e.keyword === 'if' || e.keyword === 'allOf') continue;
    // errors inside the branches of a oneOf are summed up by the oneOf error itself
    if (/\/oneOf\/\d+\//.test(e.schemaPath)) continue;
    let field = prefix + e.instancePath;
    if (e.keyword === 'additionalProperties') field = `${field}/${(e.params as { additionalProperty: string }).additionalProperty}`;
    if (e.keyword === 'required') field = `${field}/${(e.params as { missingProperty: string }).missingProperty}`;
    const key = field;
    if (seen.has(key)) continue;
    // a oneOf over rules is reported by re-validating the item against its own kind
    if (e.keyword === 'oneOf' && /^\/rules\/\d+$/.test(e.instancePath)) continue;
    seen.add(key);
    out.push({ field: field || '/', reason: describe(e) });
  }
  return out;
}

/** Validates a parsed document against the schema; returns field-level errors. */
export function schemaErrors(doc: unknown): Array<{ field: string; reason: string }> {
  const v = getValidators();
  if (v.patch(doc)) return [];
  const errors = v.patch.errors ?? [];
  const out = pickErrors(errors.filter((e) => !/^\/rules\/\d+/.test(e.instancePath)));
  const rules = (doc as { rules?: unknown }).rules;
  if (Array.isArray(rules)) {
    rules.forEach((r, i) => {
      const isRaw = typeof r === 'object' && r !== null && 'seclang' in r;
      const fn = isRaw ? v.raw : v.declarative;
      if (!fn(r)) out.push(...pickErrors(fn.errors ?? [], `/rules/${i}`));
    });
  }
  return out;
}

function checkRegex(pattern: string, field: string, file: string): void {
  const R = re2();
  if (R) {
    try {
      new R(pattern, 'u');
    } catch (err) {
      throw new PatchValidationError(file, field, `regular expression is not RE2-compatible (no lookaround or backreferences): ${(err as Error).message}`);
    }
    return;
  }
  const flags = /^\(\?([ims]+)\)/.exec(pattern)?.[1] ?? '';
  try {
    new RegExp(pattern.replace(/^\(\?([ims]+)\)/, ''), flags);
  } catch (err) {
    throw new PatchValidationError(file, field, `invalid regular expression: ${(err as Error).message}`);
  }
}

function checkCondition(c: Condition, field: string, file: string): void {
  for (const [i, t] of c.targets.entries()) {
    const name = t.replace(/^[!&]/, '');
    if (TARGET_ALIASES[name]) continue;
    const coll = variableCollection(name);
    if (!KNOWN_VARIABLES.has(coll)) throw new PatchValidationError(file, `${field}/targets/${i}`, `unknown target "${t}" (use an alias such as ${Object.keys(TARGET_ALIASES).slice(0, 6).join(', ')}, or a SecLang variable)`);
  }
  if (expandTargets(c.targets).length === 0) throw new PatchValidationError(file, `${field}/targets`, 'no targets');
  if (c.rx !== undefined) checkRegex(c.rx, `${field}/rx`, file);
  if (c.pm) for (const [i, w] of c.pm.entries()) if (/\s/.test(w)) throw new PatchValidationError(file, `${field}/pm/${i}`, '@pm phrases cannot contain whitespace (use rx)');
}

/**
 * Actions a raw rule may not carry: they change how other rules evaluate the transaction, and a
 * patch runs before CRS (vpatch serve loads the patches first), so a patch in detect mode could
 * otherwise switch CRS off, skip its rules or change its anomaly scoring.
 */
const FOREIGN_ACTIONS = new Set(['ctl', 'skip', 'skipafter', 'exec']);
/** TX variables CRS reads to score and decide (anomaly scores, paranoia levels, thresholds, its settings). */
const CRS_TX = /^!?tx\.(?:[a-z0-9_]*(?:anomaly|paranoia|threshold|score)|crs_|critical_|error_|warning_|notice_|early_blocking|enforce_)/i;

function checkRaw(r: RawRule, field: string, file: string): void {
  let chains;
  try {
    chains = parseRawChains(r.seclang);
  } catch (err) {
    throw new PatchValidationError(file, `${field}/seclang`, `cannot parse SecLang: ${(err as Error).message}`);
  }
  if (chains.length !== 1) throw new PatchValidationError(file, `${field}/seclang`, `a raw rule holds exactly one SecRule or chain; found ${chains.length}`);
  const head = chains[0]![0]!;
  const id = head.actions.find((a) => a.name === 'id');
  if (!id || Number(id.value) !== r.id) throw new PatchValidationError(file, `${field}/seclang`, `the first SecRule must carry id:${r.id} (the rule's id field)`);
  if (!head.actions.some((a) => a.name === 'phase')) throw new PatchValidationError(file, `${field}/seclang`, 'the first SecRule must carry a phase');
  for (const [k, link] of chains[0]!.entries()) {
    if (k > 0 && link.actions.some((a) => a.name === 'id')) throw new PatchValidationError(file, `${field}/seclang`, 'chained rules cannot carry an id');
    const op = link.operator.replace(/^!/, '');
    if (op.startsWith('@rx ')) checkRegex(op.slice(4).replace(/\\"/g, '"'), `${field}/seclang`, file);
    if (/^@(pmFromFile|ipMatchFromFile|inspectFile|rbl)/.test(op)) throw new PatchValidationError(file, `${field}/seclang`, `operator ${op.split(' ')[0]} needs external resources; not allowed in patches`);
    for (const a of link.actions) {
      const name = a.name.toLowerCase();
      if (FOREIGN_ACTIONS.has(name)) throw new PatchValidationError(file, `${field}/seclang`, `action ${a.name} is not allowed in patches: a patch runs before CRS and must not change how other rules evaluate the request`);
      if (name === 'setvar' && CRS_TX.test((a.value ?? '').replace(/^'|'$/g, ''))) throw new PatchValidationError(file, `${field}/seclang`, `setvar:${a.value} is not allowed in patches: CRS scores and decides with that variable (a patch blocks with its own mode instead)`);
    }
  }
}

/** Semantic checks beyond the schema. Throws PatchValidationError. */
export function checkPatchSemantics(p: Patch, file: string): void {
  const ids = new Set<number>();
  p.rules.forEach((r: PatchRule, i) => {
    const field = `/rules/${i}`;
    if (ids.has(r.id)) throw new PatchValidationError(file, `${field}/id`, `rule id ${r.id} is used twice in this patch`);
    ids.add(r.id);
    if (isRawRule(r)) checkRaw(r, field, file);
    else {
      const d = r as DeclarativeRule;
      checkCondition(d, field, file);
      (d.and ?? []).forEach((c, k) => checkCondition(c, `${field}/and/${k}`, file));
    }
  });
  if (p.expires.date && Number.isNaN(Date.parse(p.expires.date + 'T00:00:00Z'))) throw new PatchValidationError(file, '/expires/date', `not a date: ${p.expires.date}`);
  const cveYear = /^VP-(\d{4})-/.exec(p.id)?.[1];
  if (cveYear && !p.cves.some((c) => c.startsWith(`CVE-${cveYear}-`))) throw new PatchValidationError(file, '/id', `the id's year ${cveYear} matches none of its CVEs`);
}
