import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { decodeVectorBytes } from '../../../src/conformance/vector-decoding.js';
import { detectSQLi } from '../../../src/engine/operators/detectSQLi.js';
import type { OperatorCompileContext } from '../../../src/engine/operators/types.js';
import { SECLANG_TESTS_DIR } from '../../helpers/shared.js';

const ctx: OperatorCompileContext = {
  resolvePath: (p) => p,
  readFile: () => {
    throw new Error('no files');
  },
};

describe('@detectSQLi operator', () => {
  const op = detectSQLi.factory('', ctx);

  it('is named detectSQLi and ignores its parameter', () => {
    assert.equal(detectSQLi.name, 'detectSQLi');
    const other = detectSQLi.factory('whatever', ctx);
    assert.equal(other.match("1' or '1'='1", null), true);
  });

  it('puts the fingerprint in capture group 0 on a match', () => {
    const captures = { groups: [] as string[] };
    assert.equal(op.match("x' and sleep(12) --", captures), true);
    assert.equal(captures.groups[0], 's&f(1');
  });

  it('leaves captures alone when nothing matches', () => {
    const captures = { groups: [] as string[] };
    assert.equal(op.match("Patrick O'Brien", captures), false);
    assert.deepEqual(captures.groups, []);
  });

  it('accepts a null Captures', () => {
    assert.equal(op.match('1234 OR 1=1', null), true);
  });

  it('treats values as bytes (high bytes are identifier characters)', () => {
    assert.equal(op.match('caf\xe9 cr\xe8me', null), false);
    assert.equal(op.match('\xe9\' or 1=1--', null), true);
  });

  describe('SecLang operator vectors (detectSQLi.json)', () => {
    const vectors = JSON.parse(readFileSync(resolve(SECLANG_TESTS_DIR, 'operators/detectSQLi.json'), 'utf8')) as {
      input: string;
      ret: number;
      param?: string;
    }[];
    it('has the three vectors', () => assert.equal(vectors.length, 3));
    for (const v of vectors) {
      it(`${JSON.stringify(v.input)} -> ${v.ret}`, () => {
        const o = detectSQLi.factory(v.param ?? '', ctx);
        assert.equal(o.match(decodeVectorBytes(v.input), null) ? 1 : 0, v.ret);
      });
    }
  });
});
