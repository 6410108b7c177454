import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { decodeVectorBytes } from '../../../src/conformance/vector-decoding.js';
import { detectXSS } from '../../../src/engine/operators/detectXSS.js';
import type { OperatorCompileContext } from '../../../src/engine/operators/types.js';
import { SECLANG_TESTS_DIR } from '../../helpers/shared.js';

const ctx: OperatorCompileContext = {
  resolvePath: (p) => p,
  readFile: () => {
    throw new Error('no files');
  },
};

describe('@detectXSS operator', () => {
  const op = detectXSS.factory('', ctx);

  it('is named detectXSS and ignores its parameter', () => {
    assert.equal(detectXSS.name, 'detectXSS');
    assert.equal(detectXSS.factory('anything', ctx).match('<script>alert(1)</script>', null), true);
  });

  it('matches script-capable HTML and leaves ordinary markup and text alone', () => {
    assert.equal(op.match('<img src=x onerror=alert(1)>', null), true);
    assert.equal(op.match('" onmouseover="alert(1)', null), true);
    assert.equal(op.match('<b>bold</b> and <a href="https://example.com/">a link</a>', null), false);
    assert.equal(op.match('if a < b and c > d then', null), false);
  });

  it('captures the whole value in group 0 on a match, as ModSecurity v3 does', () => {
    const captures = { groups: [] as string[] };
    assert.equal(op.match('x<script>', captures), true);
    assert.deepEqual(captures.groups, ['x<script>']);
    const none = { groups: [] as string[] };
    assert.equal(op.match('plain text', none), false);
    assert.deepEqual(none.groups, []);
  });

  describe('SecLang operator vectors (detectXSS.json)', () => {
    const vectors = JSON.parse(readFileSync(resolve(SECLANG_TESTS_DIR, 'operators/detectXSS.json'), 'utf8')) as {
      input: string;
      ret: number;
      param?: string;
    }[];
    it('has the three vectors', () => assert.equal(vectors.length, 3));
    for (const v of vectors) {
      it(`${JSON.stringify(v.input)} -> ${v.ret}`, () => {
        const o = detectXSS.factory(v.param ?? '', ctx);
        assert.equal(o.match(decodeVectorBytes(v.input), null) ? 1 : 0, v.ret);
      });
    }
  });
});
