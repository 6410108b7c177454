import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { EngineError } from '../../../src/engine/errors.js';
import { parsePmContent, parsePmPhrases } from '../../../src/engine/operators/pm.js';
import { isPmFileComment, parsePmFile } from '../../../src/engine/operators/pmFromFile.js';
import { CRS_DIR, SECLANG_TESTS_DIR } from '../../helpers/shared.js';
import { bytes, compile, fileContext, run } from './helpers.js';

test('@pm parameter parsing (v3 parse_pm_content + whitespace split)', () => {
  const table: Array<[string, string[]]> = [
    ['abc def ghi', ['abc', 'def', 'ghi']],
    ['  abc\tdef\nghi  ', ['abc', 'def', 'ghi']],
    ['( )', ['(', ')']],
    ['"abc def"', ['abc', 'def']], // quotes are removed, then the content is split
    ['  "x"', ['x']],
    ['a|41 42|c', ['aABc']], // hex section, spaces inside it ignored
    ['|41||42|', ['AB']],
    ['|4a|', ['J']],
    ['a\\;b\\:c\\\\d\\"e', ['a;b:c\\d"e']],
    ['a\\nb', ['a\\nb']], // unsupported escape: the raw parameter is used
    ['a|4g|b', ['a|4g|b']], // invalid hex: the raw parameter is used
    ['', []],
    ['   ', []],
    ['""', ['""']], // nothing between the quotes: v3 keeps the parameter as written
  ];
  for (const [param, phrases] of table) {
    assert.deepEqual(parsePmPhrases(param), phrases, JSON.stringify(param));
  }
  assert.equal(parsePmContent('|00|'), '\0');
});

test('@pm matching: case-insensitive (ASCII only), first match, TX.0', () => {
  const table: Array<[string, string, boolean, string?]> = [
    // [param, input, matched, TX.0]
    ['abc def ghi', 'xxxdefyyy', true, 'def'],
    ['abc def ghi', 'xxxDEFyyy', true, 'def'],
    ['ABC', 'xxabcxx', true, 'ABC'], // TX.0 is the phrase as written in the rule
    ['abc def ghi', 'xxxyyy', false],
    ['abc', '', false],
    ['a ` b', '`something', true, '`'], // match ending at the first byte (v3 regression pm 2/4)
    ['a ` b', 'a', true, 'a'],
    ['1 2 3', 'abc', false],
    ['1 2 3', '123', true, '1'],
    // the scan stops where the first phrase ends
    ['bcd abcdef', 'abcdef', true, 'bcd'],
    ['cd abc', 'xabcd', true, 'abc'],
    // the deepest phrase ending at that position is reported
    ['b ab', 'xab', true, 'ab'],
    // only ASCII letters fold: 0xC9 and 0xE9 are different bytes
    [bytes(0xe9), bytes(0xc9), false],
    [bytes(0xe9), 'x' + bytes(0xe9), true, bytes(0xe9)],
    ['gzip compress deflate br zstd', 'gzip, deflate', true, 'gzip'],
    ['gzip compress deflate br zstd', 'identity', false],
    ['document.cookie <!-- <![cdata[', 'x<![CDATA[y', true, '<![cdata['],
    ['?>', 'aa?>bb', true, '?>'],
  ];
  for (const [param, input, matched, tx0] of table) {
    const result = run(compile('pm', param), input);
    assert.equal(result.matched, matched, `@pm ${JSON.stringify(param)} on ${JSON.stringify(input)}`);
    assert.equal(result.tx0, matched ? tx0 : undefined, `TX.0 for ${JSON.stringify(input)}`);
  }
});

test('@pm finds phrases that libmodsecurity v3 ACMP misses (full failure chain)', () => {
  // v3 links "xyzq" to the root because "yz" has no "q" child, so it misses "zq"
  // (libmodsecurity 3.0.9 answers no match here).
  assert.deepEqual(run(compile('pm', 'xyzqr yzw zq'), 'xyzqk'), { matched: true, tx0: 'zq' });
  // When a phrase ends earlier on the way, both find that one first.
  assert.deepEqual(run(compile('pm', 'xyzqr yz zq'), 'xyzqk'), { matched: true, tx0: 'yz' });
});

test('@pm scans long values and large phrase lists', () => {
  const phrases = Array.from({ length: 2000 }, (_, i) => `phrase${i.toString(36)}x`);
  const op = compile('pm', phrases.join(' '));
  const filler = 'phrase'.repeat(50_000);
  assert.equal(op.match(filler, null), false);
  assert.deepEqual(run(op, filler + 'phrase1ax'), { matched: true, tx0: 'phrase1ax' });
  assert.equal(op.match('a'.repeat(1_000_000) + 'PHRASE0X', null), true);
});

test('@pmFromFile line handling (v3 isComment), CR removed', () => {
  assert.equal(isPmFileComment(''), true);
  assert.equal(isPmFileComment('# comment'), true);
  assert.equal(isPmFileComment('  \t# indented comment'), true);
  assert.equal(isPmFileComment('foo # not a comment'), false);
  assert.equal(isPmFileComment('   '), false); // v3 keeps a blank-but-not-empty line as a phrase
  assert.deepEqual(parsePmFile('abc\n# c\n\ndef \r\n  ghi\r\nlast'), ['abc', 'def ', '  ghi', 'last']);
  assert.deepEqual(parsePmFile('a\nb\n'), ['a', 'b']);
});

test('@pmFromFile with the SecRules vector file, path relative to the rule file', () => {
  const ctx = fileContext(join(SECLANG_TESTS_DIR, 'operators'));
  const op = compile('pmFromFile', 'op/pmFromFile-01.dat', ctx);
  assert.deepEqual(run(op, 'xxx yyy zzz'), { matched: true, tx0: 'xxx yyy zzz' });
  assert.deepEqual(run(op, 'xxxdefyyy'), { matched: true, tx0: 'def' });
  assert.equal(op.match('xxx yyy', null), false);
  assert.deepEqual(ctx.reads, [join(SECLANG_TESTS_DIR, 'operators', 'op', 'pmFromFile-01.dat')]);
});

test('@pmFromFile loads every CRS data file and matches its phrases', () => {
  const rulesDir = join(CRS_DIR, 'rules');
  const files = readdirSync(rulesDir).filter((f) => f.endsWith('.data')).sort();
  assert.ok(files.length >= 19, `found ${files.length} CRS data files`);
  const ctx = fileContext(rulesDir);
  for (const file of files) {
    const op = compile('pmFromFile', file, ctx);
    const phrases = parsePmFile(ctx.readFile(join(rulesDir, file)));
    assert.ok(phrases.length > 0, `${file} has phrases`);
    for (const phrase of [phrases[0]!, phrases[phrases.length - 1]!, phrases[phrases.length >> 1]!]) {
      const value = `--${phrase.toUpperCase()}--`;
      assert.equal(op.match(value, null), true, `${file}: ${JSON.stringify(phrase)}`);
    }
    assert.equal(op.match('', null), false, `${file}: empty value`);
  }
  // One rule may name several files; @pmf is the same operator.
  const both = compile('pmf', 'unix-shell.data  windows-powershell-commands.data', ctx);
  assert.equal(both.match('cat /etc/passwd', null), true);
  assert.equal(both.match('Invoke-WebRequest', null), true);
});

test('CRS phrase checks that rules rely on', () => {
  const ctx = fileContext(join(CRS_DIR, 'rules'));
  const lfi = compile('pmFromFile', 'lfi-os-files.data', ctx);
  assert.equal(run(lfi, '/etc/passwd').matched, true);
  assert.equal(lfi.match('hello world', null), false);
  const ua = compile('pmFromFile', 'scanners-user-agents.data', ctx);
  assert.equal(run(ua, 'Mozilla/5.0 sqlmap/1.7').matched, true);
  assert.equal(ua.match('Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0', null), false);
});

test('@pmFromFile load errors name the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vpatch-pm-'));
  writeFileSync(join(dir, 'ok.data'), 'foo\n');
  const ctx = fileContext(dir);
  const isBadArgument = (pattern: RegExp) => (err: unknown) =>
    err instanceof EngineError && err.code === 'VPATCH_SECLANG_BAD_ARGUMENT' && pattern.test(err.message);
  assert.throws(() => compile('pmFromFile', 'missing.data', ctx), isBadArgument(/missing\.data/));
  assert.throws(() => compile('pmFromFile', 'ok.data missing2.data', ctx), isBadArgument(/missing2\.data/));
  assert.throws(() => compile('pmFromFile', 'https://example.com/list.txt', ctx), isBadArgument(/remote data file/));
  assert.throws(() => compile('pmFromFile', '', ctx), isBadArgument(/at least one data file/));
  assert.throws(() => compile('pmf', '   ', ctx), isBadArgument(/@pmf: /));
  assert.equal(compile('pmFromFile', 'ok.data', ctx).match('xxFOOxx', null), true);
});
