/**
 * Runs libmodsecurity v3's own end-to-end regression cases
 * (`seclang-tests/modsecurity-regression/*.json`, format in the seclang-tests README) against
 * the engine, the way v3's runner (test/regression/regression.cc) drives libmodsecurity:
 *
 *  - the case's `rules` lines, joined with "\n", are compiled as one source named after the
 *    case file (v3 names the file in its messages the same way); `test-cases/data/<file>`
 *    paths, relative to v3's test directory, resolve to `<dir>/data/<file>`;
 *  - the request goes through a transaction as a connector feeds it: connection, request
 *    line, headers (every member of the JSON object, duplicates included, in order), phase 1,
 *    the body (each line of `body` followed by "\n", as v3's runner builds it), phase 2, the
 *    response headers with the status so far (the interruption's, else 200) and the case's
 *    protocol, the response body, phase 4 and logging;
 *  - `http_code` (default 200) is compared with the interruption's status, else 200;
 *    `redirect_url` with the redirect target; `error_log` (a PCRE, run with v3's flags, dot
 *    matches newline and multiline) over the ModSecurity error-log lines of the rules that
 *    matched with `log` (`MatchedRule.errorLogLine`), one per line; `parser_error` requires the
 *    compilation to fail, with a message of the same meaning (see PARSER_ERROR_WORDINGS: v3's
 *    wording is mapped to vpatch's where the meaning is the same, and file and line are
 *    compared when v3's message names them); `audit_log` regexes are written against v3's
 *    Native audit log, so their fragments are checked against vpatch's JSON audit record
 *    (`tx.auditLogEntry()`, see checkAuditLog).
 *  - `debug_log` regexes run over libmodsecurity's internal debug log. vpatch has no such log;
 *    where a regex pins something observable — a variable's value as a rule tested it, a rule
 *    returning 1 or 0, a transformation's output, a capture, a variable saved by setvar, a
 *    rule's msg, a rule being skipped — it is checked against the same statement built from
 *    the engine's evaluation trace (`TransactionOptions.trace`, see debug-log-equivalents.ts).
 *    Any other debug_log regex is libmodsecurity-internal text: a case that expects nothing
 *    else is skipped with that reason, and a case that also expects a status, an error log
 *    etc. is judged on those.
 *
 * Skipped: disabled cases and cases whose `resource` vpatch does not have (Lua, GeoIP/MaxMind
 * databases, ssdeep, curl). v3's runner ignores `version_min`/`version_max` (the cases marked
 * `version_max: 209000` are regressions of v3 issues and v3 runs them), so they run here too.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

import { nodeHost } from '../host/node-host.js';
import { Waf, type EngineHost } from '../engine/index.js';
import { SecLangError } from '../engine/errors.js';
import type { Transaction } from '../engine/transaction.js';
import type { CompiledWaf } from '../engine/waf.js';
import type { TraceEvent } from '../engine/api-types.js';
import type { MatchRecord } from '../engine/match-record.js';
import type { ConformanceFailure, ConformanceResult } from './types.js';
import { OrderedJsonObject, parseOrderedJson, type OrderedJsonValue } from './ordered-json.js';
import { checkDebugLog } from './debug-log-equivalents.js';
import { getTransform } from '../engine/transforms/index.js';

/** Where v3's regression cases name their data files (relative to v3's test directory). */
const DATA_PREFIX = 'test-cases/data/';

/** Optional components a case may need that vpatch does not have, with why. */
const MISSING_RESOURCES: Record<string, string> = {
  lua: 'needs Lua (resource "lua"); vpatch does not embed Lua (SecRuleScript, exec and @inspectFile scripts)',
  geoip: 'needs a GeoIP database (resource "geoip"); vpatch loads none (@geoLookup, GEO)',
  maxmind: 'needs a MaxMind database (resource "maxmind"); vpatch loads none (@geoLookup, GEO)',
  'geoip-or-maxmind': 'needs a GeoIP or MaxMind database; vpatch loads none (@geoLookup, GEO)',
  ssdeep: 'needs the ssdeep library (resource "ssdeep") for @fuzzyHash; vpatch does not have it',
  curl: 'needs network downloads (resource "curl": SecRemoteRules, remote @ipMatchFromFile lists); vpatch never downloads rules',
};

/** One regression case, normalised from its JSON. */
export interface RegressionCase {
  /** `<file without .json>#<index>`, e.g. `action-block#0`. */
  name: string;
  file: string;
  index: number;
  title: string;
  enabled: boolean;
  resource: string;
  clientIp: string;
  clientPort: number;
  serverIp: string;
  serverPort: number;
  method: string;
  uri: string;
  httpVersion: string;
  requestHeaders: Array<[string, string]>;
  requestBody: string;
  responseHeaders: Array<[string, string]>;
  responseBody: string;
  responseProtocol: string;
  rules: string;
  expected: {
    httpCode: number;
    /** Whether the case states http_code (v3's runner compares 200 otherwise). */
    httpCodeGiven: boolean;
    redirectUrl: string;
    parserError: string;
    errorLog: string;
    auditLog: string;
    debugLog: string;
  };
}

/** The outcome of one case. */
export type CaseOutcome = { status: 'passed'; notes: string[] } | { status: 'failed'; reason: string } | { status: 'skipped'; reason: string };

/** YAJL_GET_STRING hands v3's runner a C string: it ends at the first NUL. */
function cString(text: string): string {
  const nul = text.indexOf('\0');
  return nul < 0 ? text : text.slice(0, nul);
}

/** The bytes of a JSON string's UTF-8 text, one code unit per byte (what yajl gives v3). */
function bytes(text: string): string {
  return Buffer.from(cString(text), 'utf8').toString('latin1');
}

function str(v: OrderedJsonValue | undefined): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return '';
}

function num(v: OrderedJsonValue | undefined, fallback: number): number {
  return typeof v === 'number' ? v : fallback;
}

function obj(v: OrderedJsonValue | undefined): OrderedJsonObject {
  return v instanceof OrderedJsonObject ? v : new OrderedJsonObject([]);
}

function pairs(v: OrderedJsonValue | undefined): Array<[string, string]> {
  return obj(v).members.map(([k, val]) => [bytes(k), bytes(str(val))]);
}

/** v3's runner appends "\n" to each line of a body array; a string body is empty in every case. */
function body(v: OrderedJsonValue | undefined): string {
  if (Array.isArray(v)) return v.map((line) => bytes(str(line)) + '\n').join('');
  return '';
}

function toCase(file: string, index: number, t: OrderedJsonObject): RegressionCase {
  const client = obj(t.get('client'));
  const server = obj(t.get('server'));
  const request = obj(t.get('request'));
  const response = obj(t.get('response'));
  const expected = obj(t.get('expected'));
  const rules = t.get('rules');
  return {
    name: `${file.replace(/\.json$/, '')}#${index}`,
    file,
    index,
    title: str(t.get('title')),
    enabled: num(t.get('enabled'), 1) !== 0,
    resource: str(t.get('resource')),
    clientIp: bytes(str(client.get('ip'))),
    clientPort: num(client.get('port'), 0),
    serverIp: bytes(str(server.get('ip'))),
    serverPort: num(server.get('port'), 0),
    method: bytes(str(request.get('method'))),
    uri: bytes(str(request.get('uri'))),
    httpVersion: str(request.get('http_version')),
    requestHeaders: pairs(request.get('headers')),
    requestBody: body(request.get('body')),
    responseHeaders: pairs(response.get('headers')),
    responseBody: body(response.get('body')),
    responseProtocol: bytes(str(response.get('protocol'))),
    rules: Array.isArray(rules) ? rules.map((l) => bytes(str(l)) + '\n').join('') : '',
    expected: {
      httpCode: num(expected.get('http_code'), 200),
      httpCodeGiven: expected.get('http_code') !== undefined,
      redirectUrl: str(expected.get('redirect_url')),
      parserError: str(expected.get('parser_error')),
      errorLog: str(expected.get('error_log')),
      auditLog: str(expected.get('audit_log')),
      debugLog: str(expected.get('debug_log')),
    },
  };
}

function regressionDirOf(dir: string): string {
  const nested = join(dir, 'modsecurity-regression');
  return existsSync(nested) && statSync(nested).isDirectory() ? nested : dir;
}

/** Every case in `dir` (the modsecurity-regression directory, or the seclang-tests directory holding it), in file order. */
export function loadModsecRegressionCases(dir: string): RegressionCase[] {
  const root = regressionDirOf(dir);
  const cases: RegressionCase[] = [];
  for (const file of readdirSync(root).filter((f) => f.endsWith('.json')).sort()) {
    const parsed = parseOrderedJson(readFileSync(join(root, file), 'utf8'));
    const list = Array.isArray(parsed) ? parsed : [parsed];
    list.forEach((t, i) => cases.push(toCase(file, i, obj(t))));
  }
  return cases;
}

/**
 * File access with v3's test-directory paths (`test-cases/data/x`) mapped onto `<dir>/data/x`,
 * and the process environment with the variable v3's runner adds to it (`MODSECURITY`).
 */
function hostFor(dataDir: string): EngineHost {
  const map = (p: string): string | null => (p.startsWith(DATA_PREFIX) ? join(dataDir, p.slice(DATA_PREFIX.length)) : null);
  return {
    ...nodeHost,
    resolve: (baseDir, p) => map(p) ?? nodeHost.resolve(baseDir, p),
    glob: (pattern) => nodeHost.glob(map(pattern) ?? pattern),
    environment: () => ({ ...process.env, MODSECURITY: 'ModSecurity 3.0.9 regression tests' }),
  };
}

/** PCRE as v3's test Regex compiles it (DOTALL | MULTILINE), in JavaScript. */
function pcre(source: string): RegExp {
  return new RegExp(source, 'sm');
}

/**
 * v3's parser errors and vpatch's messages for the same fault. Each entry: the v3 wording
 * (matched against the case's expected regex text), what vpatch's message says instead, and
 * why it is the same fault. Where v3's message names a file and line they are compared too.
 */
interface Wording {
  v3: RegExp;
  vpatch: RegExp;
  meaning: string;
}

export const PARSER_ERROR_WORDINGS: readonly Wording[] = [
  {
    v3: /SecDefaultAction must specify a disruptive action/,
    vpatch: /SecDefaultAction must name a disruptive action/,
    meaning: 'SecDefaultAction without a real disruptive action (block is not one) is refused',
  },
  {
    v3: /does not seems to be a valid rule id/,
    vpatch: /id must be a positive integer/,
    meaning: 'a rule id that is not a number in range is refused',
  },
  {
    v3: /Expecting an action, got: +id:-1/,
    vpatch: /id must be a positive integer.*, got "-1"/,
    meaning: 'a negative rule id is refused (v3\'s grammar has no rule for it)',
  },
  {
    v3: /Expecting an action, got: +id:'1,/,
    vpatch: /id must be a positive integer.*, got "1,phase:2,pass,t:trim"/,
    meaning: 'an id whose opening quote is never closed is refused (the rest of the list becomes its value)',
  },
  {
    v3: /Expecting an action, got: +',phase/,
    vpatch: /id must be a positive integer.*, got "1'"/,
    meaning: 'a stray quote after the id value is refused',
  },
  {
    v3: /Expecting an action, got: +skip:abc/,
    vpatch: /skip needs a positive number, got "abc"/,
    meaning: 'a non-numeric skip count is refused',
  },
  {
    v3: /XMLS: Bad format, missing equals sign/,
    vpatch: /xmlns expects prefix=uri/,
    meaning: 'xmlns without "=" is refused',
  },
  {
    v3: /XMLS: XMLNS is invalid\. Expecting a name=value format/,
    vpatch: /xmlns expects prefix=uri/,
    meaning: 'xmlns with an empty prefix is refused',
  },
  {
    v3: /XMLS: Missing xmlns href for prefix/,
    vpatch: /xmlns: the namespace of prefix "[^"]*" must be an http:\/\/ URI/,
    meaning: 'an xmlns namespace that is not an http:// URI is refused',
  },
  {
    v3: /Expecting an action, got: +ops "id:1000/,
    vpatch: /expected SecRule VARIABLES OPERATOR \[ACTIONS\], got 4 argument\(s\)/,
    meaning: 'a SecRule with a stray word between the operator and the actions is refused',
  },
  {
    v3: /: Not able to open file\.|Looking at: '[^']*conasdffig_example2\.txt'/,
    vpatch: /no file matches "test-cases\/data\/[^"]+"/,
    meaning: 'an Include of a file that does not exist is refused',
  },
  {
    v3: /Rule id: (\d+) is duplicated/,
    vpatch: /rule id \d+ is already used/,
    meaning: 'a duplicate rule id is refused',
  },
  {
    v3: /The transformation none is not suitable to be part of the SecDefaultActions/,
    vpatch: /t:none is not allowed in SecDefaultAction/,
    meaning: 't:none in SecDefaultAction is refused',
  },
  {
    v3: /The action '(\w+)' is not suitable to be part of the SecDefaultActions/,
    vpatch: /action "\w+" is not allowed in SecDefaultAction/,
    meaning: 'a metadata or flow action in SecDefaultAction is refused',
  },
  {
    v3: /SecDefaultActions can only be placed once per phase and configuration context\. Phase (\d) was informed already/,
    vpatch: /SecDefaultAction for phase \d is already set/,
    meaning: 'a second SecDefaultAction for the same phase is refused',
  },
  {
    v3: /Failed to locate the unicode map file from|Invalid input: +SecUnicodeMapFile/,
    vpatch: /SecUnicodeMapFile/,
    meaning: 'SecUnicodeMapFile with a file that does not exist, or without a numeric code page, is refused',
  },
  {
    v3: /Looking at: 'file-not-found\.txt'/,
    vpatch: /cannot read data file "file-not-found\.txt"/,
    meaning: 'an @ipMatchFromFile list that cannot be read is refused',
  },
  {
    v3: /Variable VARIABLE_WEBSERVER_ERROR_LOG is not supported by libModSecurity/,
    vpatch: /variable WEBSERVER_ERROR_LOG is not supported/,
    meaning: 'WEBSERVER_ERROR_LOG is refused (neither v3 nor vpatch provides it)',
  },
];

function checkParserError(c: RegressionCase, err: unknown): string | null {
  const message = err instanceof Error ? err.message : String(err);
  if (!(err instanceof SecLangError)) return `expected a parser error like /${c.expected.parserError}/, got a non-SecLang error: ${message}`;
  const expected = c.expected.parserError;
  const wording = PARSER_ERROR_WORDINGS.find((w) => w.v3.test(expected));
  const ok = wording !== undefined ? wording.vpatch.test(message) : pcre(expected).test(message);
  if (!ok) {
    return wording !== undefined
      ? `expected a parser error meaning "${wording.meaning}" (vpatch: /${wording.vpatch.source}/), got: ${message}`
      : `expected a parser error like /${expected}/ (no vpatch wording mapped), got: ${message}`;
  }
  // v3 names the file (the case file or an included data file) and the line.
  const where = /File: (\S+?)\. Line: (\d+)\./.exec(expected);
  if (where !== null) {
    const file = where[1]!.startsWith(DATA_PREFIX) ? where[1]!.slice(DATA_PREFIX.length) : where[1]!;
    const loc = err.location;
    const base = loc?.file.split('/').pop();
    if (loc === undefined || base !== file || loc.line !== Number(where[2])) {
      return `parser error at ${loc ? `${loc.file}:${loc.line}` : 'no location'}, v3 reports ${where[1]} line ${where[2]}: ${message}`;
    }
  }
  return null;
}

/**
 * v3's audit_log regexes are written against its Native format. Their fragments map onto the
 * JSON record: `\A[\s\S]{0}\z` (nothing written) means the transaction is not audit-relevant;
 * `--A--` (a record's first part) means it is; `id "N"` and `[msg "..."] [data "..."]
 * [severity "N"] [ver ".."] [maturity ".."] [accuracy ".."] [tag ".."]...` name one message
 * of part H, and a message with exactly those fields must be in the record.
 */
function checkAuditLog(c: RegressionCase, tx: Transaction): string | null {
  const expected = c.expected.auditLog;
  if (expected === '\\A[\\s\\S]{0}\\z') {
    return tx.isAuditRelevant ? 'expected no audit record (v3 writes an empty audit log), but the transaction is audit-relevant' : null;
  }
  if (!tx.isAuditRelevant) return `expected an audit record matching /${expected}/, but the transaction is not audit-relevant`;
  if (expected === '--A--') return null;
  const entry = tx.auditLogEntry();
  const messages = entry.transaction.messages ?? [];
  const json = JSON.stringify(entry);
  const id = /^id \\?"(\d+)$/.exec(expected);
  if (id !== null) {
    return messages.some((m) => m.details.ruleId === id[1]) ? null : `expected a message of rule ${id[1]} in the audit record: ${json}`;
  }
  const fields = [...expected.matchAll(/\\\[(\w+) "((?:[^"\\]|\\.)*)"\\\]/g)].map((m) => [m[1]!, m[2]!.replace(/\\(.)/g, '$1')] as const);
  if (fields.length === 0) return `audit_log regex /${expected}/ has no fragment vpatch knows how to check`;
  const ok = messages.some((m) => {
    const tags = fields.filter(([k]) => k === 'tag').map(([, v]) => v);
    if (tags.length > 0 && JSON.stringify(m.details.tags) !== JSON.stringify(tags)) return false;
    for (const [k, v] of fields) {
      const actual = k === 'msg' ? m.message : k === 'tag' ? v : (m.details as unknown as Record<string, unknown>)[k];
      if (actual !== v) return false;
    }
    return true;
  });
  return ok ? null : `expected a message with ${fields.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')} in the audit record: ${json}`;
}

interface RunOutcome {
  tx: Transaction;
  status: number;
  redirect: string;
  trace: TraceEvent[];
}

/** Runs the case's request and response through a transaction as a connector would. */
function drive(waf: CompiledWaf, c: RegressionCase): RunOutcome {
  const trace: TraceEvent[] = [];
  const tx = waf.newTransaction({ trace: (e) => trace.push(e) });
  tx.processConnection(c.clientIp, c.clientPort, c.serverIp, c.serverPort);
  tx.processUri(c.uri, c.method, c.httpVersion);
  for (const [k, v] of c.requestHeaders) tx.addRequestHeader(k, v);
  tx.processRequestHeaders();
  if (tx.requestBodyAccess && c.requestBody.length > 0) tx.appendRequestBody(c.requestBody);
  tx.processRequestBody();
  for (const [k, v] of c.responseHeaders) tx.addResponseHeader(k, v);
  tx.processResponseHeaders(tx.interruption?.status ?? 200, c.responseProtocol);
  if (tx.responseBodyAccess && c.responseBody.length > 0) tx.appendResponseBody(c.responseBody);
  tx.processResponseBody();
  tx.processLogging();
  const it = tx.interruption;
  return { tx, status: it?.status ?? 200, redirect: it?.url ?? '', trace };
}

/** Runs one case. */
export function runRegressionCase(c: RegressionCase, dataDir: string): CaseOutcome {
  if (!c.enabled) return { status: 'skipped', reason: 'disabled in the case file (enabled: 0)' };
  if (c.resource !== '' && MISSING_RESOURCES[c.resource] !== undefined) return { status: 'skipped', reason: MISSING_RESOURCES[c.resource]! };

  let waf: CompiledWaf;
  try {
    waf = Waf.compile([{ text: c.rules, name: c.file, baseDir: '.' }], { host: hostFor(dataDir) });
  } catch (err) {
    if (c.expected.parserError === '') return { status: 'failed', reason: `the rules failed to load: ${err instanceof Error ? err.message : String(err)}` };
    const why = checkParserError(c, err);
    return why === null ? { status: 'passed', notes: [] } : { status: 'failed', reason: why };
  }
  if (c.expected.parserError !== '') return { status: 'failed', reason: `expected a parser error like /${c.expected.parserError}/, but the rules loaded` };

  const run = drive(waf, c);
  const e = c.expected;
  const problems: string[] = [];
  const notes: string[] = [];
  if (run.status !== e.httpCode) problems.push(`HTTP code ${run.status}, expected ${e.httpCode}`);
  if (e.redirectUrl !== '' && run.redirect !== e.redirectUrl) problems.push(`redirect to ${JSON.stringify(run.redirect)}, expected ${JSON.stringify(e.redirectUrl)}`);
  const errorLog = (run.tx.matchedRules as MatchRecord[]).filter((m) => m.log).map((m) => m.errorLogLine).join('\n');
  if (e.errorLog !== '' && !pcre(e.errorLog).test(errorLog)) problems.push(`error log does not match /${e.errorLog}/: ${JSON.stringify(errorLog.slice(0, 600))}`);
  if (e.auditLog !== '') {
    const why = checkAuditLog(c, run.tx);
    if (why !== null) problems.push(why);
  }
  const checksOtherThanDebug = e.httpCodeGiven || e.redirectUrl !== '' || e.errorLog !== '' || e.auditLog !== '';
  if (e.debugLog !== '') {
    const d = checkDebugLog(e.debugLog, run.trace, waf, run.tx, c.rules, (name) => getTransform(name)?.fn);
    if (d.kind === 'checked' && d.problem !== null) problems.push(`debug_log /${e.debugLog}/: ${d.problem}`);
    else if (d.kind === 'internal') {
      if (!checksOtherThanDebug) return { status: 'skipped', reason: 'expects libmodsecurity debug-log text only' };
      notes.push(`debug_log /${e.debugLog}/ is libmodsecurity-internal text; judged on the other expectations`);
    }
  }
  if (problems.length > 0) return { status: 'failed', reason: problems.join('; ') };
  return { status: 'passed', notes };
}

/** One entry of the known-failures file: a case name, or a pattern with `*` (`offset-variable#*`), and why it fails. */
export interface RegressionKnownFailure {
  test: string;
  reason: string;
  matches(name: string): boolean;
}

/**
 * Reads a known-failures file:
 *
 *   known_failures:
 *     - test: "offset-variable#*"     # a case name, or a pattern where * matches anything
 *       reason: "..."                 # required
 */
export function loadRegressionKnownFailures(file: string): RegressionKnownFailure[] {
  const doc = parseYaml(readFileSync(file, 'utf8')) as { known_failures?: Array<{ test?: unknown; reason?: unknown }> } | null;
  return (doc?.known_failures ?? []).map((e, i) => {
    if (typeof e.test !== 'string' || e.test === '') throw new Error(`${file}: known_failures[${i}] has no test`);
    if (typeof e.reason !== 'string' || e.reason.trim() === '') throw new Error(`${file}: known_failures[${i}] (${e.test}) has no reason`);
    const re = new RegExp(`^${e.test.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    return { test: e.test, reason: e.reason, matches: (name: string) => re.test(name) };
  });
}

/** The repository's known-failures file, when running from a checkout (src/ or dist/src/). */
export function defaultRegressionKnownFailuresFile(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) {
      const f = join(dir, 'test', 'conformance', 'modsec-regression-known-failures.yaml');
      return existsSync(f) ? f : null;
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

export interface ModsecRegressionOptions {
  /** Only the cases whose name (`action-block#0`) matches. */
  only?: RegExp;
  /** Known-failures file; undefined: the repository's, null: none. */
  knownFailuresFile?: string | null;
}

/** Runs every case in `dir` (the seclang-tests directory, or its modsecurity-regression directory). */
export function runModsecRegression(dir: string, options: ModsecRegressionOptions = {}): ConformanceResult {
  const root = regressionDirOf(dir);
  const dataDir = join(root, 'data');
  const file = options.knownFailuresFile === undefined ? defaultRegressionKnownFailuresFile() : options.knownFailuresFile;
  const known = file === null ? [] : loadRegressionKnownFailures(file);
  const result: ConformanceResult = { suite: 'modsecurity-regression', total: 0, passed: 0, failed: 0, skipped: 0, failures: [], skips: [], knownFailures: [] };
  for (const c of loadModsecRegressionCases(root)) {
    if (options.only !== undefined && !options.only.test(c.name)) continue;
    result.total++;
    let outcome: CaseOutcome;
    try {
      outcome = runRegressionCase(c, dataDir);
    } catch (err) {
      outcome = { status: 'failed', reason: `threw: ${err instanceof Error ? err.stack ?? err.message : String(err)}` };
    }
    const test = c.name;
    if (outcome.status === 'passed') result.passed++;
    else if (outcome.status === 'skipped') {
      result.skipped++;
      result.skips.push({ test, reason: outcome.reason });
    } else {
      result.failed++;
      const failure: ConformanceFailure = { test, reason: `${c.title}: ${outcome.reason}` };
      result.failures.push(failure);
      if (known.some((k) => k.matches(test))) result.knownFailures!.push(test);
    }
  }
  return result;
}
