import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';

import { runOperatorVectors } from '../../../src/conformance/operator-vectors.js';
import { getOperator } from '../../../src/engine/operators/index.js';
import { SECLANG_TESTS_DIR } from '../../helpers/shared.js';

/** Vector files for the operators this module owns (rx, rxGlobal, detectSQLi and detectXSS are tested elsewhere). */
const OWNED_FILES = [
  'beginsWith', 'contains', 'containsWord', 'endsWith', 'eq', 'ge', 'geoLookup', 'gt', 'ipMatch', 'le', 'lt',
  'noMatch', 'pm', 'pmFromFile', 'streq', 'strmatch', 'unconditionalMatch', 'validateByteRange',
  'validateUrlEncoding', 'validateUtf8Encoding', 'verifyCC', 'verifycpf', 'verifyssn', 'verifysvnr', 'within',
];
const fileOf = (testName: string) => testName.slice('operators/'.length, testName.indexOf('#'));

test('SecRules operator vectors: 100% of the cases for the operators owned here pass', () => {
  const result = runOperatorVectors(join(SECLANG_TESTS_DIR, 'operators'));
  const owned = (name: string) => OWNED_FILES.includes(fileOf(name));
  const ownedFailures = result.failures.filter((f) => owned(f.test));
  assert.deepEqual(ownedFailures, [], 'no owned case fails');
  assert.equal(result.passed + result.failed + result.skipped, result.total);

  // Every skip is a geoLookup case that needs a GeoIP database, with the reason.
  assert.equal(result.skipped, 5);
  for (const skip of result.skips) {
    assert.match(skip.test, /^operators\/geoLookup#\d$/);
    assert.match(skip.reason, /GeoIP database/);
  }
  // The owned files hold 3,955 cases minus rx (20), rxGlobal (21), detectSQLi (3), detectXSS (3).
  const ownedTotal = result.total - 47;
  assert.equal(ownedTotal, 3908);
  const ownedPassed = ownedTotal - 5 - ownedFailures.length;
  assert.equal(ownedPassed, 3903);
});

test('the runner reads the seclang-tests root too, and reports unregistered operators as failures', () => {
  const onlyPm = (name: string) => (name === 'pm' ? getOperator('pm') : undefined);
  const result = runOperatorVectors(SECLANG_TESTS_DIR, onlyPm);
  assert.equal(result.total, 3955);
  assert.equal(result.passed, 15); // pm.json
  assert.ok(result.failures.some((f) => f.test === 'operators/eq#0' && /not registered/.test(f.reason)));
});

test('only @ipMatch 10.0.0.0/100 relies on load rejection (v3 fails init there too)', () => {
  const rejecting = new Set<string>();
  const spy = (name: string) => {
    const def = getOperator(name);
    if (!def) return undefined;
    return {
      name: def.name,
      factory: (param: string, ctx: Parameters<typeof def.factory>[1]) => {
        try {
          return def.factory(param, ctx);
        } catch (err) {
          rejecting.add(`@${name} ${param}`);
          throw err;
        }
      },
    };
  };
  runOperatorVectors(join(SECLANG_TESTS_DIR, 'operators'), spy);
  assert.deepEqual([...rejecting], ['@ipMatch 10.0.0.0/100']);
});
