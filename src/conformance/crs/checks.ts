/**
 * go-ftw's pass/fail decision for one stage, in its order: expect_error, status,
 * response_contains, then the log checks (match_regex, expect_ids, isolated, no_match_regex,
 * no_expect_ids). The "log slice" in-process is the error-log lines and ids of the rules
 * that matched and log in that stage's transaction(s).
 */
import type { FtwOutput } from './types.js';
import type { RawResponse } from './raw-client.js';

export interface StageObservation {
  response: RawResponse | null;
  error: string | null;
  /** Ids of logged matched rules, in match order (may repeat). */
  ruleIds: number[];
  /** Their ModSecurity-format error-log lines. */
  logLines: string[];
}

export type FailureKind = 'transport-error' | 'expected-error' | 'status' | 'response-contains' | 'match-regex' | 'missing-ids' | 'isolated' | 'no-match-regex' | 'unexpected-ids' | 'harness';

export interface StageFailure {
  kind: FailureKind;
  message: string;
  missingIds?: number[];
  unexpectedIds?: number[];
  status?: number;
}

/** Go RE2 syntax → JS: leading inline flags such as `(?i)` / `(?s)` become RegExp flags. */
export function goRegex(pattern: string): RegExp {
  let flags = '';
  let source = pattern;
  const m = /^\(\?([imsU]+)\)/.exec(source);
  if (m) {
    source = source.slice(m[0].length);
    for (const f of m[1]!) if (f === 'i' || f === 'm' || f === 's') flags += f;
  }
  source = source.replace(/\\z/g, '$(?![\\s\\S])').replace(/\\A/g, '^(?<![\\s\\S])');
  return new RegExp(source, flags);
}

function uniq(ids: number[]): number[] {
  return [...new Set(ids)].sort((a, b) => a - b);
}

function describeLogged(ids: number[]): string {
  const u = uniq(ids);
  return u.length > 0 ? u.join(', ') : 'none';
}

/** Null when the stage passes, else the first failing check. */
export function checkStage(expected: FtwOutput, seen: StageObservation): StageFailure | null {
  if (expected.expectError) {
    if (seen.error !== null) return null;
    return { kind: 'expected-error', message: `expected a transport error, got status ${seen.response?.status ?? '?'}`, status: seen.response?.status };
  }
  if (seen.error !== null) return { kind: 'transport-error', message: `transport error: ${seen.error}` };
  const res = seen.response;
  if (res === null) return { kind: 'harness', message: 'no response' };
  if (expected.status !== 0 && res.status !== expected.status) {
    return { kind: 'status', message: `status ${res.status}, expected ${expected.status} (logged: ${describeLogged(seen.ruleIds)})`, status: res.status };
  }
  if (expected.responseContains !== '' && !res.raw.includes(Buffer.from(expected.responseContains, 'utf8'))) {
    return { kind: 'response-contains', message: `response does not contain ${JSON.stringify(expected.responseContains)}` };
  }
  const log = expected.log;
  const logged = new Set(seen.ruleIds);
  if (log.matchRegex !== '') {
    const re = goRegex(log.matchRegex);
    if (!seen.logLines.some((l) => re.test(l))) {
      return { kind: 'match-regex', message: `no log line matches /${log.matchRegex}/ (logged: ${describeLogged(seen.ruleIds)})` };
    }
  }
  if (log.expectIds.length > 0) {
    const missing = log.expectIds.filter((id) => !logged.has(id));
    if (missing.length > 0) {
      return { kind: 'missing-ids', message: `expected ${missing.join(', ')} not logged (logged: ${describeLogged(seen.ruleIds)})`, missingIds: missing };
    }
  }
  if (expected.isolated && logged.size !== 1) {
    return { kind: 'isolated', message: `isolated test logged ${logged.size} rules: ${describeLogged(seen.ruleIds)}` };
  }
  if (log.noMatchRegex !== '') {
    const re = goRegex(log.noMatchRegex);
    const line = seen.logLines.find((l) => re.test(l));
    if (line !== undefined) {
      return { kind: 'no-match-regex', message: `a log line matches /${log.noMatchRegex}/: ${line.slice(0, 300)}`, unexpectedIds: uniq(seen.ruleIds) };
    }
  }
  if (log.noExpectIds.length > 0) {
    const found = log.noExpectIds.filter((id) => logged.has(id));
    if (found.length > 0) {
      return { kind: 'unexpected-ids', message: `${found.join(', ')} logged but not expected`, unexpectedIds: found };
    }
  }
  return null;
}
