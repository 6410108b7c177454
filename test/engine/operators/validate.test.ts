import assert from 'node:assert/strict';
import { test } from 'node:test';

import { EngineError } from '../../../src/engine/errors.js';
import { bytes, compile } from './helpers.js';

test('@validateByteRange table', () => {
  const table: Array<[string, string, boolean]> = [
    ['1-255', 'abc', false],
    ['1-255', 'a\0c', true],
    ['9,10,13,32-126,128-255', 'GET /index.html?a=b\r\n', false],
    ['9,10,13,32-126,128-255', 'a\x01b', true],
    ['9,10,13,32-126,128-255', bytes(0x7f), true],
    ['9,10,13,32-126,128-255', bytes(0xd0, 0x90), false],
    ['32-36,38-126', '100%', true],
    ['32-36,38-126', '100$', false],
    ['38,44-46,48-58,61,65-90,95,97-122', 'key_1=Value.2', false],
    ['38,44-46,48-58,61,65-90,95,97-122', 'key 1', true],
    ['97-105', 'abcdefghi', false],
    ['97-105', 'abcdefghij', true],
    ['0-255', '', false],
    ['37-102, 127-255', '%D0%A2', false], // v3 regression: " 127" is read by stoi
    ['0-255', bytes(0xd0, 0x90), false],
    // v3 skips entries that are not numbers: nothing allowed, every non-empty value matches
    ['xxx', 'TestCase', true],
    ['', 'TestCase', true],
    ['xxx', '', false],
    ['65,xxx,66', 'ABBA', false],
    ['65-xxx', 'A', true],
    ['-5', 'A', true],
  ];
  for (const [param, input, matched] of table) {
    assert.equal(compile('validateByteRange', param).match(input, null), matched, `${param} on ${JSON.stringify(input)}`);
  }
});

test('@validateByteRange refuses numbers v3 would drop or write out of bounds', () => {
  for (const param of ['256', '0-256', '300-400', '200-100', '9,10,1000']) {
    assert.throws(
      () => compile('validateByteRange', param),
      (err: unknown) => err instanceof EngineError && err.code === 'VPATCH_SECLANG_BAD_ARGUMENT' && err.message.includes(param),
      param,
    );
  }
});

test('@validateUrlEncoding table', () => {
  const table: Array<[string, boolean]> = [
    ['', false],
    ['Hello%20World!', false],
    ['Hello+World!', false],
    ['%00', false],
    ['%ff%FF%aA', false],
    ['%0', true],
    ['%f', true],
    ['%', true],
    ['abc%', true],
    ['%0z', true],
    ['%z0', true],
    ['%0%', true],
    ['%41%4', true],
    ['100%25', false],
    ['%%41', true],
  ];
  const op = compile('validateUrlEncoding', '');
  for (const [input, matched] of table) assert.equal(op.match(input, null), matched, JSON.stringify(input));
});

test('@validateUtf8Encoding table', () => {
  const table: Array<[string, boolean, string]> = [
    ['', false, 'empty'],
    ['plain ascii', false, 'ascii'],
    [bytes(0xc3, 0xa9), false, 'é'],
    [bytes(0xe2, 0x82, 0xac), false, '€'],
    [bytes(0xf0, 0x9f, 0x98, 0x80), false, 'emoji'],
    [bytes(0xf4, 0x8f, 0xbf, 0xbf), false, 'U+10FFFF'],
    [bytes(0xef, 0xbf, 0xbf), false, 'U+FFFF'],
    [bytes(0xe4), true, 'truncated 3-byte'],
    [bytes(0x5c, 0x30, 0xe4), true, 'vector \\0\\xe4'],
    [bytes(0x03, 0xbf), true, 'lone continuation'],
    [bytes(0xc9, 0x3b), true, 'bad continuation'],
    [bytes(0xff, 0x00), true, '0xFF'],
    [bytes(0xc0, 0xaf), true, 'overlong /'],
    [bytes(0xc1, 0xbf), true, 'overlong C1'],
    [bytes(0xe0, 0x80, 0xaf), true, 'overlong 3-byte'],
    [bytes(0xf0, 0x80, 0x80, 0xaf), true, 'overlong 4-byte'],
    [bytes(0xed, 0xa0, 0x80), true, 'surrogate D800'],
    [bytes(0xed, 0xbf, 0xbf), true, 'surrogate DFFF'],
    [bytes(0xf5, 0x80, 0x80, 0x80), true, 'lead F5'],
    [bytes(0xf8, 0x88, 0x80, 0x80, 0x80), true, '5-byte form'],
    [bytes(0xf4, 0x90, 0x80, 0x80), true, 'U+110000 (v3 accepts; see docs)'],
    [bytes(0xe2, 0x82), true, 'cut short'],
    ['ok' + bytes(0xc3), true, 'cut at end'],
  ];
  const op = compile('validateUtf8Encoding', '');
  for (const [input, matched, label] of table) assert.equal(op.match(input, null), matched, label);
});
