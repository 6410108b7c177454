/**
 * The SQLi detector against vpatch's corpora: no benign sample may be flagged (the training
 * corpus, the generated benign values and the held-out corpus that the derivation never saw)
 * except the documented cases where ModSecurity v3 flags the same text (v3-decisions.txt), the
 * detector must agree with v3's recorded verdicts on the labelled corpus (v3-labels.txt), and
 * the checked-in fingerprint table must be what the corpora derive.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectSqli } from '../../../src/engine/detect/sqli/index.js';
import { derive, detectorKeys, loadBenign, loadFollowV3, loadLabelled, readCorpus } from '../../../src/engine/detect/sqli/derive/derive.js';
import { ATTACK_FINGERPRINT_STRINGS } from '../../../src/engine/detect/sqli/fingerprints.generated.js';
import { isAttackFingerprint } from '../../../src/engine/detect/sqli/detect.js';

describe('SQLi detector on the corpora', () => {
  it('flags no benign training sample, except where v3 flags it too (v3-decisions.txt)', () => {
    const follow = loadFollowV3();
    const flagged = loadBenign().filter((s) => detectSqli(s).isInjection);
    const unexplained = flagged.filter((s) => !detectorKeys(s).some((k) => follow.has(k) && isAttackFingerprint(k)));
    assert.deepEqual(unexplained.slice(0, 20), []);
    // the documented examples are among them
    for (const { benign } of follow.values()) assert.ok(flagged.includes(benign), `${benign} is flagged`);
  });

  it('flags no held-out benign sample', () => {
    const holdout = readCorpus('test/engine/detect/corpus/benign-holdout.txt').map((a) => a.payload);
    assert.ok(holdout.length > 100);
    const fps = holdout.filter((s) => detectSqli(s).isInjection).map((s) => `${s} [${detectSqli(s).fingerprint}]`);
    assert.deepEqual(fps, []);
  });

  it('agrees with v3\'s recorded verdicts on at least 99% of the labelled corpus', () => {
    const { values, sqli } = loadLabelled();
    let agree = 0;
    values.forEach((v, i) => {
      if (detectSqli(v).isInjection === (sqli[i] === 1)) agree++;
    });
    assert.ok(agree / values.length >= 0.99, `agreement ${((agree / values.length) * 100).toFixed(2)}% of ${values.length}`);
  });

  it('catches the hand-written attacks v3 catches, but for a few', () => {
    const hand = new Set(readCorpus('src/engine/detect/sqli/derive/attacks.txt').map((a) => a.payload));
    const { values, sqli } = loadLabelled();
    const caughtByV3 = values.filter((v, i) => sqli[i] === 1 && hand.has(v));
    const missed = caughtByV3.filter((v) => !detectSqli(v).isInjection);
    assert.ok(caughtByV3.length > 300);
    assert.ok(missed.length <= caughtByV3.length * 0.03, `missed ${missed.length}/${caughtByV3.length}: ${JSON.stringify(missed)}`);
  });

  it('checked-in fingerprint table is what the corpora derive', () => {
    const d = derive();
    assert.deepEqual([...ATTACK_FINGERPRINT_STRINGS], d.fingerprints, 'run node dist/src/engine/detect/sqli/derive/generate.js');
  });
});
