import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { EngineError } from '../../../src/engine/errors.js';
import { parseIPv4, parseIPv6 } from '../../../src/engine/operators/ip-set.js';
import { SECLANG_TESTS_DIR } from '../../helpers/shared.js';
import { compile, fileContext } from './helpers.js';

test('IPv4 parsing follows inet_pton', () => {
  const table: Array<[string, number]> = [
    ['0.0.0.0', 0],
    ['255.255.255.255', 0xffffffff],
    ['10.1.2.3', 0x0a010203],
    ['01.2.3.4', -1], // leading zero
    ['1.2.3', -1],
    ['1.2.3.4.', -1],
    ['1.2.3.256', -1],
    ['1..2.3', -1],
    [' 1.2.3.4', -1],
    ['1.2.3.4 ', -1],
    ['', -1],
  ];
  for (const [text, value] of table) assert.equal(parseIPv4(text), value, text);
});

test('IPv6 parsing follows inet_pton', () => {
  const groups = new Uint16Array(8);
  const ok = (text: string, expected: number[]) => {
    assert.equal(parseIPv6(text, groups), true, text);
    assert.deepEqual([...groups], expected, text);
  };
  ok('::', [0, 0, 0, 0, 0, 0, 0, 0]);
  ok('::1', [0, 0, 0, 0, 0, 0, 0, 1]);
  ok('1::', [1, 0, 0, 0, 0, 0, 0, 0]);
  ok('2001:db8::8:800:200C:417A', [0x2001, 0xdb8, 0, 0, 8, 0x800, 0x200c, 0x417a]);
  ok('::ffff:192.0.2.128', [0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0280]);
  ok('1:2:3:4:5:6:7:8', [1, 2, 3, 4, 5, 6, 7, 8]);
  ok('1:2:3:4:5:6:1.2.3.4', [1, 2, 3, 4, 5, 6, 0x0102, 0x0304]);
  for (const bad of ['', ':', ':1', '1:', '1:::2', '1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::8', '::1.2.3', 'g::', '::ffff:01.2.3.4', '1:2:3:4:5:6:7:1.2.3.4']) {
    assert.equal(parseIPv6(bad, groups), false, JSON.stringify(bad));
  }
});

test('@ipMatch table', () => {
  const table: Array<[string, string, boolean]> = [
    ['127.0.0.1,::1', '127.0.0.1', true],
    ['127.0.0.1,::1', '::1', true],
    ['127.0.0.1,::1', '0:0:0:0:0:0:0:1', true],
    ['127.0.0.1,::1', '127.0.0.2', false],
    ['127.0.0.1,::1', 'localhost', false],
    ['127.0.0.1,::1', '', false],
    ['10.10.10.0/21', '10.10.8.1', true],
    ['10.10.10.0/21', '10.10.15.254', true],
    ['10.10.10.0/21', '10.10.16.1', false],
    ['10.10.10.0/21', '10.10.7.254', false],
    ['156.149.249.1/8', '156.1.2.3', true],
    ['192.168.1.0/24,10.0.0.0/8', '10.200.0.1', true],
    ['192.168.1.0/24,,10.0.0.0/8', '192.168.1.77', true], // empty entries are skipped
    ['1.2.3.4/32', '1.2.3.4', true],
    ['1.2.3.4/32', '1.2.3.5', false],
    ['2001:db8::/32', '2001:0db8:ffff:ffff:ffff:ffff:ff00:00ff', true],
    ['2001:db8::/63', '2001:0db8:ffff:ffff:ffff:ffff:ff00:00ff', false],
    ['::/43', '0000:0000:001f:ffff:ffff:ffff:ffff:ffff', true],
    ['::/43', '0000:0000:0020:0000:0000:0000:0000:0000', false],
    ['::1/128', '::1', true],
    ['::ffff:0:0/96', '::ffff:10.1.2.3', true],
    ['10.1.2.3', '::ffff:10.1.2.3', false], // IPv4 entries only match IPv4 values
    ['10.1.2.3', '10.1.2.3\0junk', true], // the value is read as a C string
    ['10.1.2.3', ' 10.1.2.3', false],
    ['0.0.0.1/1,128.0.0.0/1', '203.0.113.9', true],
    ['10.0.0.0/8 # comment', '10.1.1.1', true], // '#' starts a comment; atoi reads "8 "
    ['10.0.0.0/ 8', '10.1.1.1', true],
  ];
  for (const [param, input, matched] of table) {
    assert.equal(compile('ipMatch', param).match(input, null), matched, `@ipMatch ${param} on ${JSON.stringify(input)}`);
  }
});

test('@ipMatch rejects what v3 rejects, naming the entry', () => {
  const bad: Array<[string, RegExp]> = [
    ['10.0.0.0/100', /\/100 is outside 1-32/],
    ['::/129', /\/129 is outside 1-128/],
    ['10.0.0.0/-8', /outside 1-32/],
    ['0.0.0.0/0', /\/0 is not accepted/],
    ['1.2.3.4/255.255.255.0', /netmask/],
    ['1.2.3.4/abc', /invalid prefix length/],
    ['1.2.3.4/', /invalid prefix length/],
    ['::1/1:2', /invalid prefix length/],
    ['1.2.3.4 # comment', /invalid IPv4 address "1\.2\.3\.4 "/],
    ['1.2.3.999', /invalid IPv4 address "1\.2\.3\.999"/],
    ['1.2.3.4, 5.6.7.8', /invalid IPv4 address " 5\.6\.7\.8"/],
    ['::g', /invalid IPv6 address/],
    ['localhost', /invalid IPv4 address/],
  ];
  for (const [param, message] of bad) {
    assert.throws(
      () => compile('ipMatch', param),
      (err: unknown) => err instanceof EngineError && err.code === 'VPATCH_SECLANG_BAD_ARGUMENT' && message.test(err.message),
      param,
    );
  }
});

test('@ipMatchFromFile reads comma lists, comments, blank lines and CRLF', () => {
  const regressionData = join(SECLANG_TESTS_DIR, 'modsecurity-regression', 'data');
  const op = compile('ipMatchFromFile', 'ipMatchFromFile.txt', fileContext(regressionData));
  for (const ip of ['127.0.0.1', '10.10.10.1', '::1', '200.249.12.31']) assert.equal(op.match(ip, null), true, ip);
  assert.equal(op.match('10.10.10.2', null), false);

  const dir = mkdtempSync(join(tmpdir(), 'vpatch-ip-'));
  writeFileSync(join(dir, 'list.txt'), '# blocklist\r\n192.0.2.0/24,198.51.100.7\r\n\r\n2001:db8::/48 # trailing comment\n');
  writeFileSync(join(dir, 'bad.txt'), '192.0.2.1\n192.0.2.300\n');
  const ctx = fileContext(dir);
  const listed = compile('ipMatchF', 'list.txt', ctx);
  assert.equal(listed.match('192.0.2.99', null), true);
  assert.equal(listed.match('198.51.100.7', null), true);
  assert.equal(listed.match('198.51.100.8', null), false);
  // "2001:db8::/48 # ..." leaves "/48 ", which v3's atoi reads as 48
  assert.equal(listed.match('2001:db8:0:ffff::1', null), true);
  assert.equal(listed.match('2001:db8:1::1', null), false);
  const isBad = (pattern: RegExp) => (err: unknown) =>
    err instanceof EngineError && err.code === 'VPATCH_SECLANG_BAD_ARGUMENT' && pattern.test(err.message);
  assert.throws(() => compile('ipMatchFromFile', 'bad.txt', ctx), isBad(/bad\.txt:2/));
  assert.throws(() => compile('ipMatchFromFile', 'nope.txt', ctx), isBad(/nope\.txt/));
  assert.throws(() => compile('ipMatchFromFile', 'https://example.com/ips.txt', ctx), isBad(/remote data file/));
});
