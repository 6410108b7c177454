import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJson } from '../../../src/engine/body/index.js';
import type { Arg } from '../../../src/engine/body/index.js';

const opts = { depthLimit: 512 };
const E = (msg: string): string => 'JSON parsing error: ' + msg + '\n';

// Names, values and messages checked against libmodsecurity 3.0.9 (Debian 12, YAJL 2.1).
const cases: Array<{ name: string; body: string; args: Arg[]; error?: string }> = [
  { name: 'object members', body: '{"a":1,"b":"x"}', args: [['json.a', '1'], ['json.b', 'x']] },
  { name: 'nested objects join with dots', body: '{"a":{"b":{"c":"d"}}}', args: [['json.a.b.c', 'd']] },
  { name: 'arrays use array_N', body: '{"d":[1,2,{"e":null}]}', args: [['json.d.array_0', '1'], ['json.d.array_1', '2'], ['json.d.array_2.e', '']] },
  { name: 'top-level array and nested arrays', body: '[1,[2,3],{"a":"b"}]', args: [['json.array_0', '1'], ['json.array_1.array_0', '2'], ['json.array_1.array_1', '3'], ['json.array_2.a', 'b']] },
  { name: 'top-level scalar', body: '"str"', args: [['json', 'str']] },
  { name: 'top-level number keeps its text', body: '-0.5E+3', args: [['json', '-0.5E+3']] },
  { name: 'booleans and null', body: '{"t":true,"f":false,"n":null}', args: [['json.t', 'true'], ['json.f', 'false'], ['json.n', '']] },
  { name: 'numbers keep their source text', body: '[1e5,1E-5,-0,0.0,2.50e3]', args: [['json.array_0', '1e5'], ['json.array_1', '1E-5'], ['json.array_2', '-0'], ['json.array_3', '0.0'], ['json.array_4', '2.50e3']] },
  { name: 'empty object and array give nothing', body: '{"h":[],"i":{},"b":1}', args: [['json.b', '1']] },
  { name: 'duplicate keys are all kept', body: '{"k":"v","k":"w"}', args: [['json.k', 'v'], ['json.k', 'w']] },
  { name: 'empty key is spelled empty-key', body: '{"":1,"x":{"":2},"":{"a":3}}', args: [['json.empty-key', '1'], ['json.x.empty-key', '2'], ['json.empty-key.a', '3']] },
  { name: 'empty key inside array element', body: '[{"":1}]', args: [['json.array_0.empty-key', '1']] },
  { name: 'escapes decode to bytes', body: '{"a":"\\/\\b\\f\\n\\r\\t\\"\\\\"}', args: [['json.a', '/\b\f\n\r\t"\\']] },
  { name: '\\u escapes become UTF-8 bytes', body: '{"s":"\\u00e9\\u0041"}', args: [['json.s', '\xc3\xa9A']] },
  { name: 'surrogate pair', body: '{"a":"\\ud83d\\ude00"}', args: [['json.a', '\xf0\x9f\x98\x80']] },
  { name: 'lone high surrogate becomes ?', body: '{"a":"\\ud800x"}', args: [['json.a', '?x']] },
  { name: 'lone low surrogate is encoded as is', body: '{"a":"\\udc00"}', args: [['json.a', '\xed\xb0\x80']] },
  { name: 'high surrogate combines with any \\u (YAJL quirk)', body: '{"a":"\\ud800\\u0041"}', args: [['json.a', '\xf0\x90\x81\x81']] },
  { name: '\\u0000 gives a NUL byte', body: '{"a":"\\u0000b"}', args: [['json.a', '\x00b']] },
  { name: 'escaped key', body: '{"\\u0061":1}', args: [['json.a', '1']] },
  { name: 'raw UTF-8 passes (loose check as YAJL)', body: '{"a":"\x7f\xc3\xa9\xed\xa0\x80\xc0\xaf"}', args: [['json.a', '\x7f\xc3\xa9\xed\xa0\x80\xc0\xaf']] },
  { name: 'whitespace incl. \\v and \\f', body: '\v{"a" :\f[ 1 , "x" ] }\n', args: [['json.a.array_0', '1'], ['json.a.array_1', 'x']] },
  { name: 'deep mixed nesting', body: '{"a":[{"b":[{"c":1},{"d":[]}]},"z"],"y":{"q":{"r":[null,true]}}}', args: [['json.a.array_0.b.array_0.c', '1'], ['json.a.array_1', 'z'], ['json.y.q.r.array_0', ''], ['json.y.q.r.array_1', 'true']] },
  { name: 'empty body is not an error', body: '', args: [] },
  { name: 'unterminated string after a complete value is ignored (YAJL)', body: '{"a":1} "x', args: [['json.a', '1']] },
  // Errors: arguments seen before the error are kept.
  { name: 'whitespace only', body: '   ', args: [], error: E('parse error: premature EOF') },
  { name: 'premature EOF', body: '{"a":1', args: [['json.a', '1']], error: E('parse error: premature EOF') },
  { name: 'unterminated string', body: '{"a":"x', args: [], error: E('parse error: premature EOF') },
  { name: 'trailing garbage', body: '{"a":1}x', args: [['json.a', '1']], error: E('parse error: trailing garbage') },
  { name: 'second top-level value', body: '{"a":1} 2', args: [['json.a', '1']], error: E('parse error: trailing garbage') },
  { name: 'leading zero', body: '{"a":01}', args: [['json.a', '0']], error: E("parse error: after key and value, inside map, I expect ',' or '}'") },
  { name: 'missing colon', body: '{"a" 1}', args: [], error: E("parse error: object key and value must be separated by a colon (':')") },
  { name: 'array missing comma', body: '[1 2]', args: [['json.array_0', '1']], error: E("parse error: after array element, I expect ',' or ']'") },
  { name: 'trailing comma in object', body: '{"a":1,}', args: [['json.a', '1']], error: E('parse error: invalid object key (must be a string)') },
  { name: 'trailing comma in array', body: '[1,]', args: [['json.array_0', '1']], error: E('parse error: unallowed token at this point in JSON text') },
  { name: 'unquoted key', body: '{a:1}', args: [], error: E('lexical error: invalid char in json text.') },
  { name: 'minus alone', body: '{"a":-}', args: [], error: E('lexical error: malformed number, a digit is required after the minus sign.') },
  { name: 'missing decimals', body: '{"a":1.}', args: [], error: E('lexical error: malformed number, a digit is required after the decimal point.') },
  { name: 'missing exponent', body: '{"a":1.5e+}', args: [], error: E('lexical error: malformed number, a digit is required after the exponent.') },
  { name: 'bad escape', body: '{"a":"\\x"}', args: [], error: E("lexical error: inside a string, '\\' occurs before a character which it may not.") },
  { name: 'bad \\u escape', body: '{"a":"\\u12g4"}', args: [], error: E("lexical error: invalid (non-hex) character occurs after '\\u' inside string.") },
  { name: 'control character in string', body: '{"a":"\x01"}', args: [], error: E('lexical error: invalid character inside string.') },
  { name: 'invalid UTF-8', body: '{"a":"\xff"}', args: [], error: E('lexical error: invalid bytes in UTF8 string.') },
  { name: 'truncated UTF-8', body: '{"a":"\xc3"}', args: [], error: E('lexical error: invalid bytes in UTF8 string.') },
  { name: 'comment', body: '/*c*/{}', args: [], error: E('lexical error: probable comment found in input text, comments are not enabled.') },
  { name: 'bad keyword', body: '{"a":tru}', args: [], error: E('lexical error: invalid string in json text.') },
  { name: 'keyword touching the end', body: '{"a":t', args: [], error: E('lexical error: invalid string in json text.') },
  { name: 'keyword followed by letters', body: '{"a":truex}', args: [['json.a', 'true']], error: E('lexical error: invalid char in json text.') },
  { name: 'hex number', body: '{"a":0x1}', args: [['json.a', '0']], error: E('lexical error: invalid char in json text.') },
];

for (const c of cases) {
  test(`json: ${c.name}`, () => {
    const r = parseJson(c.body, opts);
    assert.deepEqual(r.args, c.args);
    assert.equal(r.error, c.error ?? null);
  });
}

const DEPTH_ERROR = 'JSON parsing error: parse error: client cancelled parse via callback return value\n. Parsing depth limit exceeded';

test('json: depth limit counts objects and arrays', () => {
  const ok = parseJson('['.repeat(512) + '1' + ']'.repeat(512), opts);
  assert.equal(ok.error, null);
  assert.equal(ok.args.length, 1);
  assert.equal(ok.args[0]![0], 'json' + '.array_0'.repeat(512));
  assert.equal(parseJson('['.repeat(513) + ']'.repeat(513), opts).error, DEPTH_ERROR);
  assert.equal(parseJson('{"a":'.repeat(513) + '1' + '}'.repeat(513), opts).error, DEPTH_ERROR);
  assert.equal(parseJson('{"a":{"b":1}}', { depthLimit: 1 }).error, DEPTH_ERROR);
});

test('json: 100k levels of nesting give an error, not a crash', () => {
  const r = parseJson('['.repeat(100_000) + ']'.repeat(100_000), opts);
  assert.equal(r.error, DEPTH_ERROR);
  const r2 = parseJson('{"a":'.repeat(100_000), { depthLimit: 1_000_000 });
  assert.equal(r2.error, 'JSON parsing error: parse error: premature EOF\n');
});

test('json: unterminated 10 MB string', () => {
  const r = parseJson('{"a":"' + 'x'.repeat(10 * 1024 * 1024), opts);
  assert.deepEqual(r.args, []);
  assert.equal(r.error, 'JSON parsing error: parse error: premature EOF\n');
});

test('json: 10 MB array of objects', () => {
  const item = '{"k":"v\\u0041","n":12345},';
  const count = Math.ceil((10 * 1024 * 1024) / item.length);
  const r = parseJson('[' + item.repeat(count) + '0]', opts);
  assert.equal(r.error, null);
  assert.equal(r.args.length, count * 2 + 1);
  assert.deepEqual(r.args[2], ['json.array_1.k', 'vA']);
  assert.deepEqual(r.args[r.args.length - 1], ['json.array_' + count, '0']);
});
