import assert from 'node:assert/strict';
import { test } from 'node:test';

import { EngineError } from '../../../src/engine/errors.js';
import { luhnValid } from '../../../src/engine/operators/verifyCC.js';
import { cpfValid } from '../../../src/engine/operators/verifyCPF.js';
import { ssnValid } from '../../../src/engine/operators/verifySSN.js';
import { svnrValid } from '../../../src/engine/operators/verifySVNR.js';
import { compile, run } from './helpers.js';

test('check-digit functions', () => {
  assert.equal(luhnValid('4111111111111111'), true);
  assert.equal(luhnValid('4111 1111 1111 1111'), true);
  assert.equal(luhnValid('4111111111111112'), false);
  assert.equal(luhnValid('79927398713'), true);
  assert.equal(luhnValid('no digits'), false);
  assert.equal(luhnValid('0'), true);

  assert.equal(ssnValid('574-57-8065'), true);
  assert.equal(ssnValid('123-45-6789'), false); // ascending
  assert.equal(ssnValid('111-11-1111'), false); // repeated
  assert.equal(ssnValid('800-57-8065'), false); // area >= 740
  assert.equal(ssnValid('666-57-8065'), false);
  assert.equal(ssnValid('000-57-8065'), false);
  assert.equal(ssnValid('574-00-8065'), false);
  assert.equal(ssnValid('574-57-0000'), false);
  assert.equal(ssnValid('574-57-80651'), false); // ten digits

  assert.equal(cpfValid('010.817.514-60'), true);
  assert.equal(cpfValid('010.817.514-61'), false);
  assert.equal(cpfValid('111.111.111-11'), false);
  assert.equal(cpfValid('012.345.678-90'), false);
  assert.equal(cpfValid('010.817'), false);
  assert.equal(cpfValid('010.817.514-60999'), true); // digits after the eleventh are ignored

  assert.equal(svnrValid('1237010180'), true);
  assert.equal(svnrValid('1237 010180'), true);
  assert.equal(svnrValid('1238010180'), false);
  assert.equal(svnrValid('0123456789'), false);
  assert.equal(svnrValid('1234567890'), false);
  assert.equal(svnrValid('8888888888'), false); // v3 accepts it (loop stops early); see docs
});

test('@verifyCC table, TX.0 is the whole match', () => {
  const boundary = '(?:^|[^\\d])(\\d+)(?:[^\\d]|$)';
  const table: Array<[string, string, boolean, string?]> = [
    ['\\d{13,16}', '5484605089158216', true, '5484605089158216'],
    ['\\d{13,16}', 'card 4111111111111111 exp', true, '4111111111111111'],
    ['^\\d{16}', '4111111111111112', false],
    // v3 retries from later offsets: a shorter run inside a failing number can pass
    ['\\d{13,16}', '4111111111111112', true, '1111111111112'],
    [boundary, 'x 4111111111111111 y', true, ' 4111111111111111 '],
    [boundary, '', false],
    ['d+', '', false],
    ['\\d*', 'TestCase', false],
    ['.*', 'TestCase', false],
    // the first candidate fails Luhn; a later start offset finds a valid one
    ['\\d{16}', '14111111111111111', true, '4111111111111111'],
    ['', '4111111111111111', true, '4111111111111111'], // empty pattern is ".*"
  ];
  for (const [param, input, matched, tx0] of table) {
    assert.deepEqual(run(compile('verifyCC', param), input), { matched, tx0: matched ? tx0 : undefined }, `${param} / ${input}`);
  }
});

test('@verifySSN, @verifyCPF, @verifySVNR tables (ModSecurity regression cases included)', () => {
  const table: Array<[string, string, string, boolean, string?]> = [
    ['verifySSN', '\\d{3}-?\\d{2}-?\\d{4}', '224-88-2046', true, '224-88-2046'],
    ['verifySSN', '\\d{3}-?\\d{2}-?\\d{4}', 'asdf 574-57-8065 asdf', true, '574-57-8065'],
    ['verifySSN', '\\d{3}-?\\d{2}-?\\d{4}', 'asdf 800-57-8065 asdf', false],
    ['verifySSN', '\\d{3}-?\\d{2}-?\\d{4}', '', false],
    ['verifySSN', '\\d{3}-?\\d{2}-?\\d{4}', '8', false],
    ['verifyCPF', '^([0-9]{3}\\.){2}[0-9]{3}-[0-9]{2}$', '010.817.514-60', true, '010.817.514-60'],
    ['verifyCPF', '([0-9]{3}\\.){2}[0-9]{3}-[0-9]{2}', 'asdf 010.817.514-60 asdf', true, '010.817.514-60'],
    ['verifyCPF', '([0-9]{3}\\.){2}[0-9]{3}-[0-9]{2}', 'asdf 010.817 asdf', false],
    ['verifySVNR', '\\d{4} ?\\d{6}', '1237 010180', true, '1237 010180'],
    ['verifySVNR', '([0-9]{4} ?[0-9]{6})', 'asdf 1237 010180 asdf', true, '1237 010180'],
    ['verifySVNR', '([0-9]{4} ?[0-9]{6})', 'asdf 0100817 asdf', false],
    // a capture group can be the accepted candidate, as in v3's searchAll
    ['verifySSN', 'id=(\\d{9})x', 'id=574578065x', true, 'id=574578065x'],
    ['verifySSN', 'id=(\\d{9})\\d', 'id=5745780651', true, '574578065'],
  ];
  for (const [name, param, input, matched, tx0] of table) {
    assert.deepEqual(run(compile(name, param), input), { matched, tx0: matched ? tx0 : undefined }, `@${name} ${param} / ${input}`);
  }
});

test('verify* patterns RE2 cannot compile are load errors', () => {
  for (const name of ['verifyCC', 'verifySSN', 'verifyCPF', 'verifySVNR']) {
    for (const param of ['(?<=x)\\d+', '(\\d)\\1', '(unclosed']) {
      assert.throws(
        () => compile(name, param),
        (err: unknown) => err instanceof EngineError && err.code === 'VPATCH_SECLANG_BAD_ARGUMENT' && err.message.startsWith(`@${name}: `),
        `@${name} ${param}`,
      );
    }
  }
});

test('verify* handle long values with many failing candidates', () => {
  const value = '4111111111111112 '.repeat(20_000) + '4111111111111111';
  assert.deepEqual(run(compile('verifyCC', '\\d{16}'), value), { matched: true, tx0: '4111111111111111' });
  assert.equal(compile('verifySSN', '\\d{3}-\\d{2}-\\d{4}').match('000-00-0000 '.repeat(20_000), null), false);
});
