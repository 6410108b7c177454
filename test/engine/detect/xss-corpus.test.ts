/**
 * The XSS detector against vpatch's corpora: every attack caught, no benign value flagged
 * (markup-like text and the shared benign corpora).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCorpus, BENIGN_CORPUS } from '../../../src/engine/detect/sqli/derive/derive.js';
import { detectXss } from '../../../src/engine/detect/xss/index.js';

describe('XSS detector on the corpora', () => {
  it('catches every attack in xss-attacks.txt', () => {
    const attacks = readCorpus('test/engine/detect/corpus/xss-attacks.txt').map((a) => a.payload);
    assert.ok(attacks.length > 100);
    assert.deepEqual(attacks.filter((a) => !detectXss(a).isXss), []);
  });

  for (const file of ['test/engine/detect/corpus/xss-benign.txt', BENIGN_CORPUS, 'test/engine/detect/corpus/benign-holdout.txt']) {
    it(`flags nothing in ${file}`, () => {
      const benign = readCorpus(file).map((a) => a.payload);
      const flagged = benign.filter((b) => detectXss(b).isXss).map((b) => `${b} [${detectXss(b).reason}]`);
      assert.deepEqual(flagged, []);
    });
  }

  it('flags nothing in the SQL attack corpus that has no markup', () => {
    const sql = readCorpus('src/engine/detect/sqli/derive/attacks.txt').map((a) => a.payload);
    const flagged = sql.filter((s) => !s.includes('<') && detectXss(s).isXss);
    assert.deepEqual(flagged, []);
  });

  it('reports what matched', () => {
    assert.deepEqual(detectXss('<IMG SRC=x OnError=alert(1)>'), { isXss: true, reason: 'attr:onerror' });
    assert.deepEqual(detectXss('<Script>'), { isXss: true, reason: 'tag:script' });
    assert.deepEqual(detectXss('<a href="javascript:x">'), { isXss: true, reason: 'url:href' });
    assert.deepEqual(detectXss('hello'), { isXss: false, reason: '' });
  });
});
