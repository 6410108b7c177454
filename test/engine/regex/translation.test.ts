/**
 * Table-driven tests of the PCRE2 -> RE2/V8 translation: each row is a pattern as
 * ModSecurity v3 compiles it (PCRE2, 8-bit, DOTALL|MULTILINE), a byte-string input, and
 * what v3 does. The expectations were checked against libmodsecurity 3.0.9 with
 * oracle/modsec-rx-oracle.cc (oracle.test.ts re-checks them when the library is present).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRegex } from '../../../src/engine/regex/index.js';
import { EngineError } from '../../../src/engine/errors.js';
import { MATCH_TABLE } from './translation-table.js';


for (const [pattern, input, expected] of MATCH_TABLE) {
  test(`${JSON.stringify(pattern)} on ${JSON.stringify(input)} -> ${JSON.stringify(expected)}`, () => {
    for (const prefilter of [true, false]) {
      const re = compileRegex(pattern, { prefilter });
      assert.equal(re.test(input), expected !== null, `test() prefilter=${prefilter}`);
      const m = re.match(input);
      assert.equal(m === null ? null : m.groups[0], expected, `match() prefilter=${prefilter}`);
    }
  });
}

test('caseInsensitive option acts as a leading (?i)', () => {
  const re = compileRegex('union\\s+select', { caseInsensitive: true });
  assert.equal(re.test('UNION  SELECT'), true);
  assert.equal(re.test('UNION\xa0SELECT'), false);
});

test('exec returns group 0 and up to 9 groups, unmatched groups as empty strings', () => {
  const re = compileRegex('(a)|(b)');
  assert.deepEqual(re.exec('b'), ['b', '', 'b']);
  assert.equal(re.exec('c'), null);
  const many = compileRegex('(1)(2)(3)(4)(5)(6)(7)(8)(9)(0)(x)');
  assert.deepEqual(many.exec('1234567890x'), ['1234567890x', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
});

test('captures of the final-newline variant give the newline back to the subject', () => {
  // ^ can be followed by an empty rest, so subjects ending with \n run on the variant
  // (emit.ts). Expectations from libmodsecurity 3.0.9.
  const re = compileRegex('(^|x)(a*)$');
  assert.deepEqual(re.exec('a\n'), ['a', '', 'a']);
  assert.deepEqual(re.exec('xa\n'), ['xa', 'x', 'a']);
  assert.equal(re.exec('b\n'), null);
  assert.equal(re.exec('ba\n'), null);
  assert.deepEqual(re.exec('\n'), ['', '', '']);
  assert.deepEqual(re.exec('a\nb\n'), ['a', '', 'a']);
  assert.deepEqual(compileRegex('^(.*)$').exec('ab\n'), ['ab\n', 'ab\n']);
});

test('the engine is RE2 for every pattern RE2 can express, V8 only for bounded backtracking', () => {
  assert.equal(compileRegex('(?i)a+b').engine, 're2');
  assert.equal(compileRegex('<\\?(?!xml)').engine, 'v8');
});

const COMPILE_ERRORS: Array<[string, RegExp]> = [
  ['(abc', /missing closing parenthesis/],
  ['abc)', /unmatched closing parenthesis/],
  ['[b-a]', /range out of order/],
  ['a**', /quantifier does not follow a repeatable item/],
  ['*a', /quantifier does not follow a repeatable item/],
  ['\\x{100}', /too large/],
  ['\\i', /unrecognized character follows/],
  ['[abc', /missing terminating \]/],
  ['a{3,2}', /numbers out of order/],
  ['\\2(a)', /non-existent subpattern/],
  ['(?P>x)', /not supported/],
  ['(*UTF)a', /not supported/],
  ['\\p{L}', /not supported/],
  // lookaround or backreferences with unbounded repetition: refused (ReDoS)
  ['^(?!.*x).*y', /ReDoS/],
  ['(a+)\\1', /ReDoS/],
  ['[\\d-z]', /invalid range/],
  ['a{2}{3}', /quantifier does not follow/],
  ['^*', /quantifier does not follow/],
  ['(?<n>a)(?<n>b)', /same name/],
  ['\\g{-1}(a)', /zero/],
  ['\\N{U+41}', /not supported/],
];

for (const [pattern, reason] of COMPILE_ERRORS) {
  test(`compile error: ${JSON.stringify(pattern)}`, () => {
    assert.throws(
      () => compileRegex(pattern),
      (err: unknown) =>
        err instanceof EngineError &&
        err.code === (reason.source === 'ReDoS' ? 'VPATCH_REGEX_UNSAFE' : 'VPATCH_REGEX_COMPILE') &&
        reason.test(err.message),
    );
  });
}
