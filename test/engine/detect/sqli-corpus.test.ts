/**
 * The SQLi detector against vpatch's corpora: no benign sample may be flagged (the training
 * corpus, the generated benign values and the held-out corpus that the derivation never saw),
 * the attack corpora must be caught, and the checked-in fingerprint table must be what the
 * corpora derive.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectSqli } from '../../../src/engine/detect/sqli/index.js';
import { derive, loadAttacks, loadBenign, readCorpus } from '../../../src/engine/detect/sqli/derive/derive.js';
import { ATTACK_FINGERPRINT_STRINGS } from '../../../src/engine/detect/sqli/fingerprints.generated.js';

describe('SQLi detector on the corpora', () => {
  it('flags no benign training sample', () => {
    const fps = loadBenign().filter((s) => detectSqli(s).isInjection);
    assert.deepEqual(fps.slice(0, 20), []);
  });

  it('flags no held-out benign sample', () => {
    const holdout = readCorpus('test/engine/detect/corpus/benign-holdout.txt').map((a) => a.payload);
    assert.ok(holdout.length > 100);
    const fps = holdout.filter((s) => detectSqli(s).isInjection).map((s) => `${s} [${detectSqli(s).fingerprint}]`);
    assert.deepEqual(fps, []);
  });

  it('catches the hand-written attacks, except the listed collisions with benign text', () => {
    const hand = readCorpus('src/engine/detect/sqli/derive/attacks.txt');
    const missed = hand.filter((a) => !detectSqli(a.payload).isInjection).map((a) => a.payload);
    // each of these has the fingerprint of ordinary text (see docs/detectors.md, "Known gaps")
    assert.ok(missed.length <= hand.length * 0.14, `missed ${missed.length}/${hand.length}: ${JSON.stringify(missed)}`);
  });

  it('catches at least 98% of the generated attacks', () => {
    const all = loadAttacks();
    const missed = all.filter((a) => !detectSqli(a.payload).isInjection).length;
    assert.ok(missed / all.length < 0.02, `missed ${missed} of ${all.length}`);
  });

  it('checked-in fingerprint table is what the corpora derive', () => {
    const d = derive();
    assert.deepEqual([...ATTACK_FINGERPRINT_STRINGS], d.fingerprints, 'run node dist/src/engine/detect/sqli/derive/generate.js');
  });
});
