/**
 * Loads go-ftw YAML test files (`*.yaml` and `*.yml`) the way go-ftw decodes them: scalars
 * keep their source text when read as strings (`Content-Length: 7` is the header value "7",
 * `version: 1.0` stays "1.0"), null leaves a field unset, `test_id` defaults to the position
 * in the list, `rule_id` falls back to the first number in the file name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parseDocument, visit } from 'yaml';
import type { FtwHeader, FtwInput, FtwOutput, FtwStage, FtwTest } from './types.js';

type Raw = Record<string, unknown>;

/** All test files under `testsDir`, sorted by path (stable run order). */
export function findTestFiles(testsDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) out.push(full);
    }
  };
  walk(testsDir);
  return out.sort();
}

/** Parses YAML text to plain JS, with every non-null scalar as its source string. */
export function parseYamlAsStrings(text: string, fileName = '<yaml>'): unknown {
  const doc = parseDocument(text, { merge: true });
  if (doc.errors.length > 0) throw new Error(`${fileName}: ${doc.errors[0]!.message}`);
  visit(doc, {
    Scalar(_key, node) {
      if (node.value !== null && typeof node.value !== 'string') {
        node.value = node.source !== undefined ? String(node.source) : String(node.value);
      }
    },
  });
  // Keys are scalars too, so they are strings now as well.
  return doc.toJS({ maxAliasCount: -1 });
}

function str(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Error(`expected a string, got ${JSON.stringify(v)}`);
}

function int(v: unknown, what: string): number | null {
  const s = str(v);
  if (s === null || s === '') return null;
  const n = Number(s.replace(/_/g, ''));
  if (!Number.isInteger(n)) throw new Error(`${what}: not an integer: ${s}`);
  return n;
}

function bool(v: unknown, what: string): boolean | null {
  const s = str(v);
  if (s === null) return null;
  // yaml.v3 decodes these into a Go bool (YAML 1.1 spellings included).
  if (/^(?:true|True|TRUE|yes|Yes|YES|on|On|ON|y|Y)$/.test(s)) return true;
  if (/^(?:false|False|FALSE|no|No|NO|off|Off|OFF|n|N)$/.test(s)) return false;
  throw new Error(`${what}: not a boolean: ${s}`);
}

function ids(v: unknown, what: string): number[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw new Error(`${what}: expected a list`);
  return v.map((x) => {
    const n = int(x, what);
    if (n === null) throw new Error(`${what}: empty id`);
    return n;
  });
}

function headerMap(v: unknown, what: string): FtwHeader[] | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error(`${what}: expected a map`);
  return Object.entries(v as Raw).map(([name, value]) => ({ name, value: str(value) ?? '' }));
}

function headerList(v: unknown, what: string): FtwHeader[] | null {
  if (v === null || v === undefined) return null;
  if (!Array.isArray(v)) throw new Error(`${what}: expected a list of {name, value}`);
  return v.map((h) => {
    const o = (h ?? {}) as Raw;
    return { name: str(o.name) ?? '', value: str(o.value) ?? '' };
  });
}

export function parseInput(raw: unknown): FtwInput {
  const i = (raw ?? {}) as Raw;
  const autocomplete = bool(i.autocomplete_headers, 'autocomplete_headers');
  const stopMagic = bool(i.stop_magic, 'stop_magic');
  return {
    destAddr: str(i.dest_addr),
    port: int(i.port, 'port'),
    protocol: str(i.protocol),
    method: str(i.method),
    uri: str(i.uri),
    version: str(i.version),
    headers: headerMap(i.headers, 'headers'),
    orderedHeaders: headerList(i.ordered_headers, 'ordered_headers'),
    data: str(i.data),
    encodedData: str(i.encoded_data),
    autocompleteHeaders: autocomplete ?? (stopMagic !== null ? !stopMagic : true),
    encodedRequest: str(i.encoded_request) ?? '',
  };
}

export function parseOutput(raw: unknown): FtwOutput {
  const o = (raw ?? {}) as Raw;
  const log = (o.log ?? {}) as Raw;
  const out: FtwOutput = {
    status: int(o.status, 'status') ?? 0,
    responseContains: str(o.response_contains) ?? '',
    log: {
      expectIds: ids(log.expect_ids, 'log.expect_ids'),
      noExpectIds: ids(log.no_expect_ids, 'log.no_expect_ids'),
      matchRegex: str(log.match_regex) ?? '',
      noMatchRegex: str(log.no_match_regex) ?? '',
    },
    expectError: bool(o.expect_error, 'expect_error') ?? false,
    retryOnce: bool(o.retry_once, 'retry_once') ?? false,
    isolated: bool(o.isolated, 'isolated') ?? false,
  };
  // Deprecated string forms, folded in as go-ftw does.
  const logContains = str(o.log_contains) ?? '';
  const noLogContains = str(o.no_log_contains) ?? '';
  if (logContains !== '' && log.expect_ids == null && out.log.matchRegex === '') out.log.matchRegex = logContains;
  if (noLogContains !== '' && log.no_expect_ids == null && out.log.noMatchRegex === '') out.log.noMatchRegex = noLogContains;
  return out;
}

/** Parses one test file's text. `file` is used for errors and the `rule_id` fallback. */
export function parseTestFile(text: string, file: string): FtwTest[] {
  const doc = parseYamlAsStrings(text, file) as Raw | null;
  if (doc === null || doc === undefined) return []; // e.g. a file commented out in full
  let ruleId = int(doc.rule_id, 'rule_id');
  if (ruleId === null || ruleId === 0) {
    const m = /\d+/.exec(file.split(/[\\/]/).pop() ?? '');
    if (!m) throw new Error(`${file}: no rule_id and no number in the file name`);
    ruleId = Number(m[0]);
  }
  const tests = (doc.tests ?? []) as unknown[];
  if (!Array.isArray(tests)) throw new Error(`${file}: tests is not a list`);
  return tests.map((t, index) => {
    const tr = (t ?? {}) as Raw;
    const testId = int(tr.test_id ?? tr.id, 'test_id') || index + 1;
    const rawStages = (tr.stages ?? []) as unknown[];
    const stages: FtwStage[] = rawStages.map((s) => {
      const sr = (s ?? {}) as Raw;
      // Schema v1 wrapped each stage in `stage:`.
      const body = (sr.stage ?? sr) as Raw;
      return { input: parseInput(body.input), output: parseOutput(body.output) };
    });
    return {
      ruleId: ruleId!,
      testId,
      name: `${ruleId}-${testId}`,
      desc: str(tr.desc ?? tr.description) ?? '',
      file,
      stages,
    };
  });
}

export interface LoadedSuite {
  tests: FtwTest[];
  files: number;
}

/** Loads every test file under `testsDir`; a file that does not parse throws with its path. */
export function loadTests(testsDir: string): LoadedSuite {
  const files = findTestFiles(testsDir);
  const tests: FtwTest[] = [];
  for (const f of files) {
    const rel = relative(testsDir, f).split(sep).join('/');
    try {
      tests.push(...parseTestFile(readFileSync(f, 'utf8'), rel));
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw new Error(msg.startsWith(rel) ? msg : `${rel}: ${msg}`);
    }
  }
  return { tests, files: files.length };
}
