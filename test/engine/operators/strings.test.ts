import assert from 'node:assert/strict';
import { test } from 'node:test';

import { bytes, compile, run } from './helpers.js';

type Row = [param: string, input: string, matched: boolean];

function check(name: string, table: Row[]): void {
  for (const [param, input, matched] of table) {
    const result = run(compile(name, param), input);
    assert.equal(result.matched, matched, `@${name} ${JSON.stringify(param)} on ${JSON.stringify(input)}`);
    assert.equal(result.tx0, undefined, `@${name} sets no capture`);
  }
}

test('@streq', () => {
  check('streq', [
    ['', '', true],
    ['abc', 'abc', true],
    ['abc', 'ABC', false],
    ['abc', 'abcd', false],
    ['POST', 'POST', true],
    ['a\0b', 'a\0b', true],
    [bytes(0xe9), bytes(0xe9), true],
  ]);
});

test('@strmatch and @contains', () => {
  for (const name of ['strmatch', 'contains']) {
    check(name, [
      ['', '', true],
      ['', 'x', true],
      ['abc', 'xxabcxx', true],
      ['abc', 'xxABCxx', false],
      ['ghij', 'abcdefghi', false],
      ['#', '/path#frag', true],
      ['hiding', 'hidinX<-not quite, but is later on->hiding', true],
      ['a|42|c', 'aBc', false], // no Snort-style hex in v3
    ]);
  }
});

test('@beginsWith and @endsWith', () => {
  check('beginsWith', [
    ['', '', true],
    ['', 'abc', true],
    ['abc', 'abcdef', true],
    ['abc', 'ab', false],
    ['abc', 'xabc', false],
    ['GET /', 'GET /index', true],
  ]);
  check('endsWith', [
    ['', '', true],
    ['ghi', 'abcdef\\0ghi', true],
    ['ghi', 'ghix', false],
    ['.example.com', 'www.example.com', true],
    ['example.com', 'com', false],
  ]);
});

test('@within is a substring test on the parameter', () => {
  check('within', [
    ['', '', true],
    ['TestCase', '', true],
    ['', 'TestCase', false],
    ['abcdefghi', 'def', true],
    ['abcdefghi', 'ghij', false],
    ['GET HEAD POST OPTIONS', 'POST', true],
    ['GET HEAD POST OPTIONS', 'T HE', true], // not a token test
    ['|application/json| |text/xml|', '|text/xml|', true],
    ['GET HEAD', 'get', false],
  ]);
});

test('@containsWord (ASCII letters are word characters, everything else delimits)', () => {
  check('containsWord', [
    ['', '', true],
    ['', 'anything', true],
    ['TestCase', '', false],
    ['abc', 'abcdefghi', false],
    ['def', 'abcdefghi', false],
    ['abc', 'abc def ghi', true],
    ['def', 'abc def ghi', true],
    ['ghi', 'abc def ghi', true],
    ['abc', 'abc\\0def ghi', true],
    ['x', 'x', true],
    ['x', ' x ', true],
    ['y', 'xyz', false],
    ['hiding', 'hidingX<-not on word boundary, but is later on->hiding', true],
    ['select', 'select1', true], // digits are delimiters
    ['select', '_select_', true],
    ['select', bytes(0xe9) + 'select' + bytes(0xe9), true],
    ['select', 'Select', false],
    ['ab', 'abab ab', true], // a later occurrence counts
  ]);
});

test('@unconditionalMatch and @noMatch ignore parameter and value', () => {
  for (const [param, input] of [['', ''], ['TestCase', ''], ['', 'TestCase']]) {
    assert.equal(compile('unconditionalMatch', param!).match(input!, null), true);
    assert.equal(compile('noMatch', param!).match(input!, null), false);
  }
});
