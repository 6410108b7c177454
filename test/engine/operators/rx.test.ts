import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rx, rxGlobal, globalCaptures } from '../../../src/engine/operators/rx.js';
import { compileRegex } from '../../../src/engine/regex/index.js';
import type { Captures, OperatorCompileContext } from '../../../src/engine/operators/types.js';
import { EngineError } from '../../../src/engine/errors.js';
import { decodeVectorBytes } from '../../../src/conformance/vector-decoding.js';
import { SECLANG_TESTS_DIR } from '../../helpers/shared.js';

interface Vector {
  name: string;
  param?: string;
  input: string;
  ret: number;
  re_groups?: string[];
}

const ctx: OperatorCompileContext = {
  resolvePath: (p) => p,
  readFile: () => {
    throw new Error('no files');
  },
};

function load(file: string): Vector[] {
  return JSON.parse(readFileSync(join(SECLANG_TESTS_DIR, 'operators', file), 'utf8')) as Vector[];
}

/**
 * rxGlobal vectors whose `re_groups` disagree with ModSecurity v3, the reference (see
 * docs/regex.md). ModSecurity's unit runner checks only `ret`, never `re_groups`, and these
 * five lists are the single-match lists of the rx vectors, copied when rxGlobal was added.
 * The values below are what libmodsecurity 3.0.9 (Debian 12) stores in TX, checked with
 * test/engine/regex/oracle/modsec-rx-oracle.cc: every match, including the empty matches
 * that `[a-z]*` finds, numbered consecutively.
 */
const V3_GLOBAL_GROUPS = new Map<string, string[]>([
  ['(a|b|1|2)(a|b|1|2)\0a2b1', ['a2', 'a', '2', 'b1', 'b', '1']],
  ['[a-z]\n\0a\nb\nc\n', ['a\n', 'b\n', 'c\n']],
  ['[a-z]*\0abkjgdsgk', ['abkjgdsgk', '']],
  ['[a-z]*\0aaa0bbb', ['aaa', '', 'bbb', '']],
  ['[a-z]*\0aaa00bbb', ['aaa', '', '', 'bbb', '']],
]);

for (const file of ['rx.json', 'rxGlobal.json']) {
  for (const [i, v] of load(file).entries()) {
    const input = decodeVectorBytes(v.input);
    test(`${file} #${i}: ${v.param ?? ''} on ${JSON.stringify(input)} -> ${v.ret}`, () => {
      const def = v.name === 'rx' ? rx : rxGlobal;
      assert.equal(v.name, def.name);
      const op = def.factory(v.param ?? '', ctx);
      assert.equal(op.match(input, null), v.ret === 1, 'match without captures');
      const captures: Captures = { groups: [] };
      assert.equal(op.match(input, captures), v.ret === 1, 'match with captures');
      if (v.re_groups === undefined) return;
      if (v.name === 'rx') {
        assert.deepEqual(captures.groups, v.re_groups);
      } else {
        const flat = globalCaptures(compileRegex(v.param ?? '').matchAll(input)).map(([, value]) => value);
        const override = V3_GLOBAL_GROUPS.get(`${v.param ?? ''}\0${input}`);
        if (override !== undefined) {
          assert.notDeepEqual(v.re_groups, override, 'override no longer needed');
          assert.deepEqual(flat, override);
          assert.deepEqual(captures.groups, override);
        } else {
          assert.deepEqual(flat, v.re_groups);
          assert.deepEqual(captures.groups, v.re_groups);
        }
      }
    });
  }
}

test('rx: unset groups leave holes (v3 skips them), later groups still land at their number', () => {
  const op = rx.factory('(a)|(b)', ctx);
  const c: Captures = { groups: ['stale'] };
  assert.equal(op.match('xb', c), true);
  assert.equal(c.groups.length, 3);
  assert.equal(c.groups[0], 'b');
  assert.equal(1 in c.groups, false);
  assert.equal(c.groups[2], 'b');
});

test('rx: captures are byte strings, including bytes >= 0x80', () => {
  const op = rx.factory('\\x{e2}\\x80(.)', ctx);
  const c: Captures = { groups: [] };
  assert.equal(op.match('a\xe2\x80\x98b', c), true);
  assert.deepEqual(c.groups, ['\xe2\x80\x98', '\x98']);
});

test('rx: more than 9 groups are all stored, as v3 does', () => {
  const op = rx.factory('(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)', ctx);
  const c: Captures = { groups: [] };
  assert.equal(op.match('abcdefghijk', c), true);
  assert.equal(c.groups.length, 12);
  assert.equal(c.groups[11], 'k');
});

test('rxGlobal: numbering continues across matches and unset groups are skipped', () => {
  const op = rxGlobal.factory('(a)|(b)', ctx);
  const c: Captures = { groups: [] };
  assert.equal(op.match('ab', c), true);
  // match 1: 0='a', 1='a'; match 2 starts at 2: 2='b', (3 unset), 4='b'
  assert.deepEqual(globalCaptures(compileRegex('(a)|(b)').matchAll('ab')), [
    [0, 'a'],
    [1, 'a'],
    [2, 'b'],
    [4, 'b'],
  ]);
  assert.equal(c.groups[0], 'a');
  assert.equal(c.groups[2], 'b');
  assert.equal(c.groups[4], 'b');
});

test('rx / rxGlobal: empty parameter matches anything and captures nothing', () => {
  for (const def of [rx, rxGlobal]) {
    const c: Captures = { groups: ['x'] };
    assert.equal(def.factory('', ctx).match('', c), true);
    assert.deepEqual(c.groups, ['x']);
  }
});

test('rx: a bad pattern throws VPATCH_REGEX_COMPILE with the reason', () => {
  assert.throws(
    () => rx.factory('(abc', ctx),
    (err: unknown) => err instanceof EngineError && err.code === 'VPATCH_REGEX_COMPILE' && /missing closing parenthesis/.test(err.message),
  );
});
