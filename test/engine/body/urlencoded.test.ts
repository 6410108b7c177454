import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUrlencoded, parseUrlencodedDetailed, urlDecodeNonStrict } from '../../../src/engine/body/index.js';
import type { Arg } from '../../../src/engine/body/index.js';

// Expectations checked against libmodsecurity 3.0.9 (Debian 12) ARGS.
const cases: Array<{ name: string; body: string; sep?: string; args: Arg[]; urlencodedError: boolean }> = [
  { name: 'simple pairs', body: 'a=1&b=2', args: [['a', '1'], ['b', '2']], urlencodedError: false },
  { name: 'empty body', body: '', args: [], urlencodedError: false },
  { name: 'lone separator gives one empty argument', body: '&', args: [['', '']], urlencodedError: false },
  { name: 'empty piece in the middle is kept, trailing one dropped', body: 'a=1&&b=2&', args: [['a', '1'], ['', ''], ['b', '2']], urlencodedError: false },
  { name: 'piece without = is a name with empty value', body: 'a&b=', args: [['a', ''], ['b', '']], urlencodedError: false },
  { name: 'empty name', body: '=e', args: [['', 'e']], urlencodedError: false },
  { name: 'only the first = splits', body: 'a=b=c', args: [['a', 'b=c']], urlencodedError: false },
  { name: 'plus is space, %2B is plus', body: 'q=+%2B+', args: [['q', ' + ']], urlencodedError: false },
  { name: 'hex escapes in both cases', body: '%41%4a=%4A', args: [['AJ', 'J']], urlencodedError: false },
  { name: 'invalid escapes are kept and flagged', body: 'b=%2x%zz+c', args: [['b', '%2x%zz c']], urlencodedError: true },
  { name: 'truncated escape at the end', body: 'a%=%4', args: [['a%', '%4']], urlencodedError: true },
  { name: 'double percent', body: 'x=%%41', args: [['x', '%A']], urlencodedError: true },
  { name: 'bytes stay bytes', body: '%00=%ff%C3%A9', args: [['\x00', '\xff\xc3\xa9']], urlencodedError: false },
  { name: 'repeated names are all kept', body: 'a=1&a=2&a=3', args: [['a', '1'], ['a', '2'], ['a', '3']], urlencodedError: false },
  { name: 'semicolon is not a separator by default', body: 'a=1;b=2', args: [['a', '1;b=2']], urlencodedError: false },
  { name: 'custom separator (SecArgumentSeparator)', body: 'a=1;b=2', sep: ';', args: [['a', '1'], ['b', '2']], urlencodedError: false },
];

for (const c of cases) {
  test(`urlencoded: ${c.name}`, () => {
    const r = parseUrlencodedDetailed(c.body, c.sep);
    assert.deepEqual(r.args, c.args);
    assert.equal(r.urlencodedError, c.urlencodedError);
    assert.deepEqual(parseUrlencoded(c.body, c.sep), c.args);
  });
}

test('urlDecodeNonStrict returns the input itself when nothing is encoded', () => {
  const s = 'plain-text_value';
  const r = urlDecodeNonStrict(s);
  assert.equal(r.value, s);
  assert.equal(r.invalid, 0);
});

test('urlencoded: 10 MB body is linear and exact', () => {
  const pair = 'k=%41+b&';
  const body = pair.repeat(Math.ceil((10 * 1024 * 1024) / pair.length));
  const args = parseUrlencoded(body);
  assert.equal(args.length, body.length / pair.length);
  assert.deepEqual(args[args.length - 1], ['k', 'A b']);
});

test('urlencoded: one 10 MB value without separators', () => {
  const body = 'v=' + '%41'.repeat(3_000_000) + '%';
  const r = parseUrlencodedDetailed(body);
  assert.equal(r.args.length, 1);
  assert.equal(r.args[0]![1].length, 3_000_001);
  assert.equal(r.urlencodedError, true);
});
