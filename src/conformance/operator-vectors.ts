/**
 * Runs the SecRules Test Set operator vectors (`seclang-tests/operators/*.json`)
 * against the operator registry, the way libmodsecurity v3's unit runner
 * (test/unit/unit.cc) does: compile the operator from `param`, evaluate it on
 * `input`, and compare with `ret` (1 match, 0 no match).
 *
 * Details that mirror v3's runner:
 *  - `input` and `param` are read with `YAJL_GET_STRING`, a C string, so each ends
 *    at its first NUL character; `input` is then byte-decoded (`\xHH`, `\uHHHH`),
 *    `param` is not (it is only turned into the bytes of its UTF-8 text).
 *  - v3's runner ignores a failed `init()` and evaluates the half-built operator.
 *    Where v3's init fails (an `@ipMatch` list with an invalid entry, for example)
 *    vpatch refuses to compile the operator, which is what v3 does when it loads a
 *    rule. Such a case counts as passed when it expects no match (the empty
 *    operator's answer in v3's runner) and is failed otherwise.
 *  - Cases tagged with a `resource` vpatch lacks (`geoip`) are skipped with the
 *    reason.
 * Every case is evaluated twice, without and with a `Captures` object, and both
 * answers must agree. Cases with `re_groups` also compare the captured groups:
 * exactly for @rx; for @rxGlobal the listed groups must appear, in order, among
 * the captures. v3's runner does not read `re_groups` at all, and the @rxGlobal
 * lists of this snapshot are partial: they omit the later matches in two cases
 * and the empty matches v3's `Regex::searchGlobal` records in three others.
 * `pmFromFile` parameters name `test-cases/secrules-language-tests/...`, a path
 * inside ModSecurity's tree; it maps onto the vectors' own directory.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

import { EngineError } from '../engine/errors.js';
import { getOperator } from '../engine/operators/index.js';
import type { Captures, OperatorCompileContext, OperatorDefinition } from '../engine/operators/types.js';
import type { ConformanceFailure, ConformanceResult } from './types.js';
import { decodeVectorBytes } from './vector-decoding.js';

export type OperatorLookup = (name: string) => OperatorDefinition | undefined;

interface OperatorVector {
  type?: string;
  name?: string;
  param?: string;
  input?: string;
  ret?: number;
  re_groups?: string[];
  resource?: string;
}

/** Where ModSecurity's copy of these vectors lives, relative to its test directory. */
const MODSEC_VECTOR_PREFIX = 'test-cases/secrules-language-tests/';

/** Optional components a case may need, and whether vpatch has them. */
const MISSING_RESOURCES: Record<string, string> = {
  geoip: 'needs a GeoIP database (resource "geoip"); vpatch does not load one and refuses @geoLookup',
  maxmind: 'needs a MaxMind database (resource "maxmind"); vpatch does not load one and refuses @geoLookup',
  'geoip-or-maxmind': 'needs a GeoIP or MaxMind database; vpatch does not load one and refuses @geoLookup',
  curl: 'needs network downloads (resource "curl"), which vpatch does not do',
  ssdeep: 'needs the ssdeep library (resource "ssdeep"), which vpatch does not have',
  lua: 'needs Lua (resource "lua"), which vpatch does not embed',
};

/** `YAJL_GET_STRING` gives a C string: it ends at the first NUL. */
function cString(text: string): string {
  const nul = text.indexOf('\0');
  return nul < 0 ? text : text.slice(0, nul);
}

/** The bytes of a JSON string's UTF-8 text, one code unit per byte. */
function utf8Bytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

function operatorsDirOf(dir: string): string {
  const nested = join(dir, 'operators');
  return existsSync(nested) && statSync(nested).isDirectory() ? nested : dir;
}

function compileContext(operatorsDir: string): OperatorCompileContext {
  const root = dirname(operatorsDir);
  return {
    resolvePath(path: string): string {
      if (path.startsWith(MODSEC_VECTOR_PREFIX)) return join(root, path.slice(MODSEC_VECTOR_PREFIX.length));
      return isAbsolute(path) ? path : resolve(operatorsDir, path);
    },
    readFile(path: string): string {
      return readFileSync(path, 'latin1');
    },
  };
}

function sameGroups(actual: readonly string[], expected: readonly string[]): boolean {
  if (actual.length !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (actual[i] !== expected[i]) return false;
  return true;
}

/** True when `expected` is an ordered subsequence of `actual`. */
function containsInOrder(actual: readonly string[], expected: readonly string[]): boolean {
  let k = 0;
  for (let i = 0; i < actual.length && k < expected.length; i++) if (actual[i] === expected[k]) k++;
  return k === expected.length;
}

function show(value: string, max = 80): string {
  return JSON.stringify(value.length > max ? value.slice(0, max) + '...' : value);
}

/**
 * Run every operator vector file in `dir` (the `operators` directory, or the
 * seclang-tests directory that contains it).
 */
export function runOperatorVectors(dir: string, lookup: OperatorLookup = getOperator): ConformanceResult {
  const operatorsDir = operatorsDirOf(dir);
  const ctx = compileContext(operatorsDir);
  const result: ConformanceResult = {
    suite: 'seclang-operators',
    total: 0,
    passed: 0,
    failed: 0,
    skipped: 0,
    failures: [],
    skips: [],
  };
  const fail = (failure: ConformanceFailure): void => {
    result.failed++;
    result.failures.push(failure);
  };

  const files = readdirSync(operatorsDir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  for (const file of files) {
    const parsed = JSON.parse(readFileSync(join(operatorsDir, file), 'utf8')) as OperatorVector | OperatorVector[];
    const cases = Array.isArray(parsed) ? parsed : [parsed];
    const group = file.slice(0, -'.json'.length);
    cases.forEach((vector, index) => {
      const test = `operators/${group}#${index}`;
      result.total++;
      const name = vector.name ?? '';
      if (vector.type !== undefined && vector.type !== 'op') {
        result.skipped++;
        result.skips.push({ test, reason: `not an operator case (type ${JSON.stringify(vector.type)})` });
        return;
      }
      if (vector.resource !== undefined) {
        result.skipped++;
        result.skips.push({
          test,
          reason: `@${name}: ${MISSING_RESOURCES[vector.resource] ?? `needs resource ${JSON.stringify(vector.resource)}, which vpatch does not have`}`,
        });
        return;
      }
      const expected = vector.ret === 1;
      const param = utf8Bytes(cString(vector.param ?? ''));
      const input = decodeVectorBytes(cString(vector.input ?? ''));
      const label = `@${name} ${show(param)} on ${show(input)}`;

      const def = lookup(name);
      if (!def) {
        fail({ test, reason: `@${name} is not registered` });
        return;
      }
      let operator;
      try {
        operator = def.factory(param, ctx);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (err instanceof EngineError && err.code === 'VPATCH_SECLANG_BAD_ARGUMENT' && !expected) {
          // v3 fails init() too; its unit runner then evaluates an empty operator (no match).
          result.passed++;
          return;
        }
        fail({ test, reason: `${label}: failed to compile: ${message}` });
        return;
      }
      try {
        const plain = operator.match(input, null);
        const captures: Captures = { groups: [] };
        const captured = operator.match(input, captures);
        if (plain !== captured) {
          fail({ test, reason: `${label}: answers ${plain} without capture but ${captured} with capture` });
          return;
        }
        if (plain !== expected) {
          fail({ test, reason: `${label}: expected ${expected ? 'a match' : 'no match'}, got ${plain ? 'a match' : 'no match'}` });
          return;
        }
        if (vector.re_groups) {
          const groups = vector.re_groups.map((g) => decodeVectorBytes(g));
          const global = name.toLowerCase() === 'rxglobal';
          if (global ? !containsInOrder(captures.groups, groups) : !sameGroups(captures.groups, groups)) {
            const how = global ? 'expected, in order, among them' : 'expected';
            fail({ test, reason: `${label}: captured ${JSON.stringify(captures.groups)}, ${how} ${JSON.stringify(groups)}` });
            return;
          }
        }
        result.passed++;
      } catch (err) {
        fail({ test, reason: `${label}: threw ${err instanceof Error ? err.message : String(err)}` });
      }
    });
  }
  return result;
}
