import assert from 'node:assert/strict';
import { test } from 'node:test';

import { atoll, stoiOrZero } from '../../../src/engine/operators/int-parse.js';
import { compile } from './helpers.js';

test('atoll as glibc reads it', () => {
  const table: Array<[string, number | bigint]> = [
    ['', 0],
    ['xxx', 0],
    ['42', 42],
    ['  42', 42],
    ['\t\n\v\f\r 7', 7],
    ['+5', 5],
    ['-5', -5],
    ['12abc', 12],
    ['1.9', 1],
    ['- 5', 0],
    ['0x10', 0],
    ['007', 7],
    ['9007199254740993', 9007199254740993n],
    ['9223372036854775807', 9223372036854775807n],
    ['9223372036854775808', 9223372036854775807n], // saturates
    ['-99999999999999999999', -9223372036854775808n],
    ['000000000000000000000123', 123],
  ];
  for (const [text, value] of table) assert.equal(atoll(text), value, JSON.stringify(text));
});

test('std::stoi as v3 @eq reads it (0 when out of int range)', () => {
  const table: Array<[string, number]> = [
    ['', 0],
    ['abc', 0],
    ['  -17x', -17],
    ['2147483647', 2147483647],
    ['-2147483648', -2147483648],
    ['2147483648', 0],
    ['99999999999999999999', 0],
  ];
  for (const [text, value] of table) assert.equal(stoiOrZero(text), value, JSON.stringify(text));
});

test('@eq @ge @gt @le @lt tables', () => {
  // [operator, param, input, matched]
  const table: Array<[string, string, string, boolean]> = [
    ['eq', '0', '', true],
    ['eq', '5', '', false],
    ['eq', 'xxx', '0', true],
    ['eq', '5', '5', true],
    ['eq', '5', ' 5 apples', true],
    ['eq', '0', '2147483648', true], // out of int range reads as 0 in v3
    ['eq', '1', '1.9', true],
    ['ge', '0', '', true],
    ['ge', '5', '5', true],
    ['ge', '5', '4', false],
    ['ge', '%{tx.x}', '0', true], // an unexpanded macro has no number: 0
    ['gt', '0', '5', true],
    ['gt', '5', '5', false],
    ['gt', '-1', 'xxx', true],
    ['gt', '9007199254740992', '9007199254740993', true], // beyond 2^53 stays exact
    ['gt', '9223372036854775807', '99999999999999999999', false], // both saturate
    ['le', '0', '', true],
    ['le', '5', '10', false],
    ['le', 'xxx', '-1', true],
    ['lt', '5', '', true],
    ['lt', '0', '-5', true],
    ['lt', '5', '5', false],
    ['lt', '5', '\n4', true],
  ];
  for (const [name, param, input, matched] of table) {
    assert.equal(compile(name, param).match(input, null), matched, `@${name} ${param} on ${JSON.stringify(input)}`);
  }
});
