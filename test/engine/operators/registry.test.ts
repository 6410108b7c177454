import assert from 'node:assert/strict';
import { test } from 'node:test';

import { EngineError } from '../../../src/engine/errors.js';
import {
  allOperators,
  getOperator,
  SUPPORTED_OPERATORS,
  UNSUPPORTED_OPERATORS,
} from '../../../src/engine/operators/index.js';
import { noFiles } from './helpers.js';

test('lookup is case-insensitive and returns the same definition', () => {
  for (const [alias, name] of [
    ['PM', 'pm'],
    ['pmfromfile', 'pmFromFile'],
    ['PMF', 'pmf'],
    ['ipmatch', 'ipMatch'],
    ['IPMATCHFROMFILE', 'ipMatchFromFile'],
    ['ipmatchf', 'ipMatchF'],
    ['verifycc', 'verifyCC'],
    ['verifyssn', 'verifySSN'],
    ['verifycpf', 'verifyCPF'],
    ['verifysvnr', 'verifySVNR'],
    ['ValidateByteRange', 'validateByteRange'],
    ['UNCONDITIONALMATCH', 'unconditionalMatch'],
    ['detectsqli', 'detectSQLi'],
    ['DETECTXSS', 'detectXSS'],
    ['RX', 'rx'],
    ['rxglobal', 'rxGlobal'],
  ] as const) {
    const def = getOperator(alias);
    assert.ok(def, `@${alias} is registered`);
    assert.equal(def.name, name);
    assert.equal(getOperator(name), def);
  }
  assert.equal(getOperator('noSuchOperator'), undefined);
  assert.equal(getOperator(''), undefined);
});

test('allOperators lists every operator exactly once', () => {
  const names = allOperators().map((d) => d.name.toLowerCase());
  assert.equal(new Set(names).size, names.length);
  assert.equal(names.length, SUPPORTED_OPERATORS.length + UNSUPPORTED_OPERATORS.length);
  for (const required of [
    'pm', 'pmfromfile', 'pmf', 'ipmatch', 'ipmatchfromfile', 'ipmatchf', 'validatebyterange',
    'validateurlencoding', 'validateutf8encoding', 'eq', 'ge', 'gt', 'le', 'lt', 'streq', 'strmatch',
    'contains', 'containsword', 'beginswith', 'endswith', 'within', 'unconditionalmatch', 'nomatch',
    'verifycc', 'verifyssn', 'verifycpf', 'verifysvnr',
  ]) {
    assert.ok(names.includes(required), `@${required} is listed`);
  }
});

test('every supported operator compiles a typical parameter', () => {
  const params: Record<string, string> = {
    ipMatch: '127.0.0.1,::1',
    verifyCC: '\\d{13,16}',
    verifySSN: '\\d{3}-?\\d{2}-?\\d{4}',
    verifyCPF: '([0-9]{3}\\.){2}[0-9]{3}-[0-9]{2}',
    verifySVNR: '\\d{4} ?\\d{6}',
    validateByteRange: '1-255',
  };
  for (const def of SUPPORTED_OPERATORS) {
    if (/fromfile|^pmf$|^ipmatchf$/i.test(def.name)) continue; // need files; see pm/ipMatch tests
    const op = def.factory(params[def.name] ?? 'abc', noFiles);
    assert.equal(typeof op.match('some value', null), 'boolean', `@${def.name}`);
  }
});

test('unsupported operators fail to load with VPATCH_SECLANG_UNKNOWN_OPERATOR and a reason', () => {
  const expected = [
    'inspectFile', 'rbl', 'geoLookup', 'fuzzyHash', 'validateDTD', 'validateSchema', 'gsbLookup', 'validateHash', 'rsub',
  ];
  assert.deepEqual(
    UNSUPPORTED_OPERATORS.map((d) => d.name).sort(),
    [...expected].sort(),
  );
  for (const name of expected) {
    const def = getOperator(name);
    assert.ok(def, `@${name} is registered so that it can explain itself`);
    assert.throws(
      () => def.factory('/some/param', noFiles),
      (err: unknown) =>
        err instanceof EngineError &&
        err.code === 'VPATCH_SECLANG_UNKNOWN_OPERATOR' &&
        err.message.startsWith(`@${name} is not supported by vpatch: `) &&
        err.message.length > `@${name} is not supported by vpatch: `.length + 20,
    );
  }
});
