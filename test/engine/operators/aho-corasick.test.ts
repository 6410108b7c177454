import assert from 'node:assert/strict';
import { test } from 'node:test';

import { AhoCorasick } from '../../../src/engine/operators/aho-corasick.js';

/** Reference: the first end position where a phrase occurs, and the longest phrase ending there. */
function naive(phrases: string[], input: string): string | null {
  const lower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const text = lower(input);
  for (let end = 1; end <= text.length; end++) {
    let best: string | null = null;
    for (const p of phrases) {
      if (p.length === 0 || p.length > end) continue;
      if (text.slice(end - p.length, end) === lower(p) && (best === null || p.length > best.length)) best = p;
    }
    if (best !== null) return best;
  }
  return null;
}

/** Deterministic pseudo-random generator (no timing, reproducible). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('Aho-Corasick agrees with a naive search on random phrase sets', () => {
  const rand = lcg(12345);
  const alphabet = 'abAB\0\xff';
  const word = (max: number) => {
    const len = 1 + Math.floor(rand() * max);
    let s = '';
    for (let i = 0; i < len; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
    return s;
  };
  for (let round = 0; round < 400; round++) {
    const phrases = Array.from({ length: 1 + Math.floor(rand() * 8) }, () => word(5));
    // Fully dense, partly dense (deeper states sparse), and root-only dense.
    const automata = [AhoCorasick.build(phrases), AhoCorasick.build(phrases, 40), AhoCorasick.build(phrases, 1)];
    for (let k = 0; k < 60; k++) {
      const input = word(30);
      const expected = naive(phrases, input);
      const ac = automata[k % 3]!;
      const state = ac.firstMatch(input);
      if (expected === null) {
        assert.equal(state, -1, `${JSON.stringify(phrases)} / ${JSON.stringify(input)}`);
      } else {
        assert.ok(state >= 0, `${JSON.stringify(phrases)} / ${JSON.stringify(input)}`);
        const text = ac.text(state);
        assert.equal(text.toLowerCase(), expected.toLowerCase(), `${JSON.stringify(phrases)} / ${JSON.stringify(input)}`);
      }
    }
  }
});

test('Aho-Corasick: reported text is spelled like the phrase that created the node', () => {
  const ac = AhoCorasick.build(['ABCD', 'abc']);
  assert.equal(ac.text(ac.firstMatch('xxabcxx')), 'ABC'); // as v3's node text
  assert.equal(ac.phraseCount, 2);
  const dup = AhoCorasick.build(['x', 'X', 'x', '']);
  assert.equal(dup.phraseCount, 1);
  assert.equal(AhoCorasick.build([]).firstMatch('anything'), -1);
});

test('Aho-Corasick keeps memory bounded for large phrase lists', () => {
  const phrases = Array.from({ length: 20_000 }, (_, i) => `w${i}-${(i * 7919).toString(36)}`);
  const ac = AhoCorasick.build(phrases);
  assert.ok(ac.stateCount > 100_000);
  assert.ok(ac.denseStates < ac.stateCount, 'deep states are sparse');
  assert.ok(ac.denseStates >= 1000, 'shallow states are dense');
  for (const i of [0, 1, 9999, 19_999]) {
    assert.equal(ac.text(ac.firstMatch(`xx${phrases[i]!.toUpperCase()}yy`)).toLowerCase(), phrases[i]);
  }
  assert.equal(ac.firstMatch('w-'.repeat(10_000)), -1);
});

test('Aho-Corasick ignores code units above 0xFF in input', () => {
  const ac = AhoCorasick.build(['ab']);
  assert.equal(ac.firstMatch('a\u0100b'), -1);
  assert.ok(ac.firstMatch('\u0100ab') >= 0);
});
