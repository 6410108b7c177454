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

/** [pattern, input, expected group 0 (null = no match)] */
export const MATCH_TABLE: Array<[string, string, string | null]> = [
  // leading and scoped inline flags
  ['(?i)select', 'SeLeCt', 'SeLeCt'],
  ['(?i:ab)c', 'ABc', 'ABc'],
  ['(?i:ab)c', 'ABC', null],
  ['a(?i)b|c', 'C', 'C'],
  ['a(?i)b|c', 'aB', 'aB'],
  ['(a(?i)b)c', 'aBc', 'aBc'],
  ['(a(?i)b)c', 'aBC', null],
  ['^(?i)up', 'UP', 'UP'],
  ['(?i)x(?-i)y', 'Xy', 'Xy'],
  ['(?i)x(?-i)y', 'XY', null],
  ['(?is)a.b', 'A\nB', 'A\nB'],
  // case folding is ASCII only (no Latin-1 folding of bytes 0xC0-0xFE)
  ['(?i)\\xe9', '\xc9', null],
  ['(?i)\\xe9', '\xe9', '\xe9'],
  ['(?i)[\\xe0-\\xef]', '\xc2', null],
  ['(?i)[^a]', 'A', null],
  ['(?i)[^a]', 'b', 'b'],
  // \x{HH} and bytes >= 0x80
  ['\\x{e2}\\x80\\x98', 'x\xe2\x80\x98', '\xe2\x80\x98'],
  ['[\\x7f-\\x{ff}]', '~', null],
  ['[\\x7f-\\x{ff}]', '\x80', '\x80'],
  ['[\\x7f-\\x{ff}]', '\xff', '\xff'],
  ['\\xac\\xed', '\xac\xed\x00\x05', '\xac\xed'],
  ['\\xe2\\x91[\\xa0-\\xbf]', '\xe2\x91\xa5', '\xe2\x91\xa5'],
  ['[^a]', '\xe9', '\xe9'],
  ['.', '\xff', '\xff'],
  ['\\x', '\x00', '\x00'],
  ['\\x4', '\x04', '\x04'],
  ['\\0', '\x00', '\x00'],
  ['\\012', '\n', '\n'],
  ['\\o{101}', 'A', 'A'],
  ['\\cA', '\x01', '\x01'],
  ['\\e\\a\\f', '\x1b\x07\x0c', '\x1b\x07\x0c'],
  // \z, \Z, \A
  ['b\\z', 'ab', 'b'],
  ['b\\z', 'ab\n', null],
  ['b\\Z', 'ab\n', 'b'],
  ['\\Ab', 'ab', null],
  ['\\Aa', 'ab', 'a'],
  // \s is [\t\n\v\f\r ] (VT included, 0xA0 and 0x85 excluded)
  ['a\\sb', 'a\x0bb', 'a\x0bb'],
  ['a\\sb', 'a\xa0b', null],
  ['a\\sb', 'a\x85b', null],
  ['a\\Sb', 'a\xa0b', 'a\xa0b'],
  ['a[\\s\\x0b]b', 'a\x0bb', 'a\x0bb'],
  ['a\\hb', 'a\xa0b', 'a\xa0b'],
  ['a\\vb', 'a\x85b', 'a\x85b'],
  // \w \d \b are ASCII
  ['\\w', '\xe9', null],
  ['\\d', '\xb2', null],
  ['\\bcaf\\b', 'caf\xe9', 'caf'],
  ['\\Bx', 'ax', 'x'],
  // ^ and $ with PCRE2_MULTILINE, newline = LF only
  ['^def$', 'abc\ndef\nghi', 'def'],
  ['^def', 'abc\rdef', null],
  ['abc$', 'abc\r\n', null],
  ['abc$', 'abc\n', 'abc'],
  ['^$', '', ''],
  ['^$', 'abc\n', null],
  ['^$', 'abc\n\n', ''],
  ['^$', '\n', ''],
  ['^.*$', 'x\n', 'x\n'],
  ['^[a-z]*$', 'x\n', 'x'],
  ['^0?$', 'a\n', null],
  ['a\\n^', 'a\n', null],
  ['a\\n^b', 'a\nb', 'a\nb'],
  ['$\\n', 'a\n', '\n'],
  ['(?-m)^b', 'a\nb', null],
  ['(?-m)a$', 'a\n', 'a'],
  ['(?-m)a$', 'a\nb', null],
  // . under DOTALL, and without it
  ['a.b', 'a\nb', 'a\nb'],
  ['(?-s)a.b', 'a\nb', null],
  ['\\N', '\n', null],
  // PCRE2 10.42 syntax details
  ['x{,3}', 'x{,3}', 'x{,3}'],
  ['a{2}', 'aaa', 'aa'],
  ['a{2,}?', 'aaa', 'aa'],
  ['\\Qa.b\\E', 'a.b', 'a.b'],
  ['\\Qa.b\\E', 'axb', null],
  ['[\\Q]\\E]', ']', ']'],
  ['[]a]', ']', ']'],
  ['[^]a]', 'b', 'b'],
  ['[\\d-]', '-', '-'],
  ['[[:alpha:]]+', '12ab3', 'ab'],
  ['[[:^digit:]]', '1a', 'a'],
  ['a(?#comment)b', 'ab', 'ab'],
  ['(?x) a b # comment\n c', 'abc', 'abc'],
  ['(?<name>a)b', 'ab', 'ab'],
  ['\\-\\\'\\,\\!', "-',!", "-',!"],
  // lookaround and backreferences run on V8, bounded patterns only
  ['<\\?(?!xml)', '<?php', '<?'],
  ['<\\?(?!xml)', '<?xml', null],
  ['(?<=a)b', 'ab', 'b'],
  ['(a|b)\\1', 'abb', 'bb'],
  ['(?<n>a)\\k<n>', 'aa', 'aa'],
  ['a(?>bc|b)c', 'abc', null],
  ['a(?>bc|b)c', 'abcc', 'abcc'],
  ['(?=\\d{3})\\d', 'a123', '1'],
];

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
      (err: unknown) => err instanceof EngineError && err.code === 'VPATCH_REGEX_COMPILE' && reason.test(err.message),
    );
  });
}
