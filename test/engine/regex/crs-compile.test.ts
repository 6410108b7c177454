import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRegex } from '../../../src/engine/regex/index.js';
import { loadCrsRxPatterns } from './crs-patterns.js';

const patterns = loadCrsRxPatterns();

test('the shared CRS has 318 @rx operator arguments (297 @rx, 21 !@rx)', () => {
  assert.equal(patterns.length, 318);
  assert.equal(patterns.filter((p) => p.negated).length, 21);
});

test('every CRS @rx pattern compiles to RE2 (linear time)', () => {
  const failures: string[] = [];
  for (const p of patterns) {
    try {
      const re = compileRegex(p.pattern);
      if (re.engine !== 're2') failures.push(`${p.id}: engine ${re.engine}`);
      // Exercise the compiled program once on a value with every kind of byte.
      re.test('GET /index.php?id=1 HTTP/1.1\r\n\xe2\x80\x98\x00\n');
    } catch (err) {
      failures.push(`${p.id} (${p.file}:${p.line}): ${(err as Error).message}`);
    }
  }
  assert.deepEqual(failures, []);
});
