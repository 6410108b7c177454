/**
 * Aho-Corasick phrase matcher over byte strings (one code unit per byte), used by
 * `@pm`, `@pmFromFile` and `@pmf`.
 *
 * Semantics follow libmodsecurity v3's ACMP matcher (src/utils/acmp.cc):
 *  - case-insensitive for ASCII letters only (`tolower()` in the C locale);
 *  - the input is scanned left to right and the scan stops at the first position
 *    where some phrase ends;
 *  - the text reported for that match (TX.0 under `capture`) is the automaton
 *    node's text, spelled as in the phrase that first created the node.
 * Unlike ACMP, failure links are computed with the full failure chain, so every
 * phrase occurrence is found (ACMP follows only one level and misses some; see
 * docs/operators.md).
 *
 * Memory is linear in the total phrase length: transitions are stored sparsely
 * (sorted child labels per state) except for the root, which has a dense
 * 256-entry table because most input bytes are scanned from the root.
 * Matching allocates nothing and runs in O(input length) (amortised over
 * failure transitions).
 */

/** ASCII-only lowercase mapping for byte values, as C's tolower() in the "C" locale. */
const FOLD = new Uint8Array(256);
for (let i = 0; i < 256; i++) FOLD[i] = i >= 0x41 && i <= 0x5a ? i + 0x20 : i;

/** States with more children than this are searched by bisection instead of a scan. */
const LINEAR_SCAN_MAX = 8;

export class AhoCorasick {
  /** Number of distinct phrases in the automaton. */
  readonly phraseCount: number;
  /** Number of states, root included. */
  readonly stateCount: number;

  private readonly rootNext: Int32Array;
  private readonly childStart: Int32Array;
  private readonly childCount: Int32Array;
  private readonly childLabel: Uint16Array;
  private readonly childTarget: Int32Array;
  private readonly fail: Int32Array;
  /** For each state, the deepest state on its failure chain (itself included) that ends a phrase, or -1. */
  private readonly out: Int32Array;
  /** Phrase that first created each state, and the state's depth: its text is that phrase's prefix. */
  private readonly creator: Int32Array;
  private readonly depth: Int32Array;
  private readonly phrases: readonly string[];

  private constructor(
    phrases: readonly string[],
    phraseCount: number,
    rootNext: Int32Array,
    childStart: Int32Array,
    childCount: Int32Array,
    childLabel: Uint16Array,
    childTarget: Int32Array,
    fail: Int32Array,
    out: Int32Array,
    creator: Int32Array,
    depth: Int32Array,
  ) {
    this.phrases = phrases;
    this.phraseCount = phraseCount;
    this.stateCount = fail.length;
    this.rootNext = rootNext;
    this.childStart = childStart;
    this.childCount = childCount;
    this.childLabel = childLabel;
    this.childTarget = childTarget;
    this.fail = fail;
    this.out = out;
    this.creator = creator;
    this.depth = depth;
  }

  /**
   * Compile a set of phrases. Empty phrases are ignored (ModSecurity never adds one).
   * Phrases are byte strings; code units above 0xFF never match byte input.
   */
  static build(phrases: readonly string[]): AhoCorasick {
    // Trie construction with per-state Maps (build time only).
    const children: Array<Map<number, number>> = [new Map()];
    const creator: number[] = [-1];
    const depth: number[] = [0];
    const terminal: boolean[] = [false];
    let phraseCount = 0;

    for (let p = 0; p < phrases.length; p++) {
      const phrase = phrases[p]!;
      if (phrase.length === 0) continue;
      let state = 0;
      for (let i = 0; i < phrase.length; i++) {
        let c = phrase.charCodeAt(i);
        if (c < 256) c = FOLD[c]!;
        const row = children[state]!;
        let next = row.get(c);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          creator.push(p);
          depth.push(i + 1);
          terminal.push(false);
          row.set(c, next);
        }
        state = next;
      }
      if (!terminal[state]) {
        terminal[state] = true;
        phraseCount++;
      }
    }

    const n = children.length;
    const fail = new Int32Array(n);
    const out = new Int32Array(n).fill(-1);

    // Breadth-first: a state's failure link depends only on shallower states.
    const queue = new Int32Array(n);
    let head = 0;
    let tail = 0;
    for (const child of children[0]!.values()) {
      fail[child] = 0;
      out[child] = terminal[child] ? child : -1;
      queue[tail++] = child;
    }
    while (head < tail) {
      const u = queue[head++]!;
      for (const [c, v] of children[u]!) {
        let f = fail[u]!;
        let target = children[f]!.get(c);
        while (target === undefined && f !== 0) {
          f = fail[f]!;
          target = children[f]!.get(c);
        }
        fail[v] = target !== undefined && target !== v ? target : 0;
        out[v] = terminal[v] ? v : out[fail[v]!]!;
        queue[tail++] = v;
      }
    }

    // Flatten the sparse transitions (labels sorted for bisection).
    let edges = 0;
    for (let s = 0; s < n; s++) edges += children[s]!.size;
    const childStart = new Int32Array(n);
    const childCount = new Int32Array(n);
    const childLabel = new Uint16Array(edges);
    const childTarget = new Int32Array(edges);
    let e = 0;
    for (let s = 0; s < n; s++) {
      const row = [...children[s]!.entries()].sort((a, b) => a[0] - b[0]);
      childStart[s] = e;
      childCount[s] = row.length;
      for (const [c, t] of row) {
        childLabel[e] = c;
        childTarget[e] = t;
        e++;
      }
    }
    const rootNext = new Int32Array(256);
    for (const [c, t] of children[0]!) if (c < 256) rootNext[c] = t;

    return new AhoCorasick(
      phrases,
      phraseCount,
      rootNext,
      childStart,
      childCount,
      childLabel,
      childTarget,
      fail,
      out,
      Int32Array.from(creator),
      Int32Array.from(depth),
    );
  }

  /**
   * Scan `input` and return the phrase state of the first match (the deepest phrase
   * ending at the first position where any phrase ends), or -1 when none matches.
   */
  firstMatch(input: string): number {
    const rootNext = this.rootNext;
    const fail = this.fail;
    const out = this.out;
    let state = 0;
    for (let i = 0, n = input.length; i < n; i++) {
      let c = input.charCodeAt(i);
      if (c > 0xff) {
        // Not a byte: nothing can continue through it.
        state = 0;
        continue;
      }
      c = FOLD[c]!;
      for (;;) {
        if (state === 0) {
          state = rootNext[c]!;
          break;
        }
        const next = this.child(state, c);
        if (next !== 0) {
          state = next;
          break;
        }
        state = fail[state]!;
      }
      const hit = out[state]!;
      if (hit >= 0) return hit;
    }
    return -1;
  }

  /** True when some phrase occurs in `input`. */
  test(input: string): boolean {
    return this.firstMatch(input) >= 0;
  }

  /** The text ModSecurity reports for a match state (its creating phrase's prefix). */
  text(state: number): string {
    return this.phrases[this.creator[state]!]!.slice(0, this.depth[state]!);
  }

  private child(state: number, c: number): number {
    const start = this.childStart[state]!;
    const count = this.childCount[state]!;
    const labels = this.childLabel;
    if (count <= LINEAR_SCAN_MAX) {
      for (let k = start, end = start + count; k < end; k++) {
        const label = labels[k]!;
        if (label === c) return this.childTarget[k]!;
        if (label > c) return 0;
      }
      return 0;
    }
    let lo = start;
    let hi = start + count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const label = labels[mid]!;
      if (label === c) return this.childTarget[mid]!;
      if (label < c) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }
}
