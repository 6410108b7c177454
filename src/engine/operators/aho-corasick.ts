/**
 * Aho-Corasick phrase matcher over byte strings (one code unit per byte), used by
 * `@pm`, `@pmFromFile` and `@pmf`.
 *
 * Semantics follow libmodsecurity v3's ACMP matcher (src/utils/acmp.cc):
 *  - case-insensitive for ASCII letters only (`tolower()` in the C locale);
 *  - the input is scanned left to right and the scan stops at the first position
 *    where some phrase ends;
 *  - the text reported for that match (TX.0 under `capture`) is the matched
 *    phrase, spelled as in the phrase that first created its automaton node.
 * Unlike ACMP, failure links follow the whole failure chain, so every phrase
 * occurrence is found (ACMP looks only one level up and misses some; see
 * docs/operators.md).
 *
 * Representation: bytes are first mapped to classes (all bytes that occur in no
 * phrase share class 0; `A` and `a` share a class). States are numbered in
 * breadth-first order, so shallow states, where scanning spends most of its time,
 * come first. Up to a memory budget the first states get a dense row holding the
 * complete DFA transition for every class; deeper states keep sparse children and
 * fall back along failure links until they reach a dense state. Matching
 * allocates nothing and takes O(input length) steps (amortised over failure
 * transitions, which only occur in sparse states).
 */

/** ASCII-only lowercase mapping for byte values, as C's tolower() in the "C" locale. */
const FOLD = new Uint8Array(256);
for (let i = 0; i < 256; i++) FOLD[i] = i >= 0x41 && i <= 0x5a ? i + 0x20 : i;

/** Dense transition entries per automaton (states x classes); beyond it states are sparse. */
const DENSE_ENTRY_BUDGET = 1 << 20;

type Table = Uint16Array | Int32Array;

export class AhoCorasick {
  /** Number of distinct phrases in the automaton. */
  readonly phraseCount: number;
  /** Number of states, root included. */
  readonly stateCount: number;
  /** States with a dense transition row (ids below this). */
  readonly denseStates: number;

  private readonly classOf: Uint8Array;
  private readonly classes: number;
  private readonly dense: Table;
  private readonly childStart: Int32Array;
  private readonly childCount: Int32Array;
  private readonly childClass: Uint16Array;
  private readonly childTarget: Int32Array;
  private readonly fail: Int32Array;
  /** For each state, the deepest state on its failure chain (itself included) that ends a phrase, or -1. */
  private readonly out: Int32Array;
  /** Phrase that first created each state, and the state's depth: its text is that phrase's prefix. */
  private readonly creator: Int32Array;
  private readonly depth: Int32Array;
  private readonly phrases: readonly string[];

  private constructor(fields: {
    phrases: readonly string[];
    phraseCount: number;
    classOf: Uint8Array;
    classes: number;
    denseStates: number;
    dense: Table;
    childStart: Int32Array;
    childCount: Int32Array;
    childClass: Uint16Array;
    childTarget: Int32Array;
    fail: Int32Array;
    out: Int32Array;
    creator: Int32Array;
    depth: Int32Array;
  }) {
    this.phrases = fields.phrases;
    this.phraseCount = fields.phraseCount;
    this.stateCount = fields.fail.length;
    this.classOf = fields.classOf;
    this.classes = fields.classes;
    this.denseStates = fields.denseStates;
    this.dense = fields.dense;
    this.childStart = fields.childStart;
    this.childCount = fields.childCount;
    this.childClass = fields.childClass;
    this.childTarget = fields.childTarget;
    this.fail = fields.fail;
    this.out = fields.out;
    this.creator = fields.creator;
    this.depth = fields.depth;
  }

  /**
   * Compile a set of phrases. Empty phrases are ignored (ModSecurity never adds one).
   * Phrases are byte strings; a code unit above 0xFF never matches byte input.
   */
  static build(phrases: readonly string[], denseBudget = DENSE_ENTRY_BUDGET): AhoCorasick {
    // Byte classes: 0 for bytes in no phrase, then one per distinct folded byte;
    // code units above 0xFF share one class that no input byte maps to.
    const classOf = new Uint8Array(256);
    let classes = 1;
    let wideClass = -1;
    const classOfUnit = (unit: number): number => {
      if (unit > 0xff) {
        if (wideClass < 0) wideClass = classes++;
        return wideClass;
      }
      const folded = FOLD[unit]!;
      if (classOf[folded] === 0) {
        classOf[folded] = classes++;
        if (folded >= 0x61 && folded <= 0x7a) classOf[folded - 0x20] = classOf[folded]!;
      }
      return classOf[folded]!;
    };

    // Trie construction with per-state Maps (build time only).
    const children: Array<Map<number, number>> = [new Map()];
    const creatorOf: number[] = [-1];
    const depthOf: number[] = [0];
    const terminal: boolean[] = [false];
    let phraseCount = 0;
    for (let p = 0; p < phrases.length; p++) {
      const phrase = phrases[p]!;
      if (phrase.length === 0) continue;
      let state = 0;
      for (let i = 0; i < phrase.length; i++) {
        const cls = classOfUnit(phrase.charCodeAt(i));
        const row = children[state]!;
        let next = row.get(cls);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          creatorOf.push(p);
          depthOf.push(i + 1);
          terminal.push(false);
          row.set(cls, next);
        }
        state = next;
      }
      if (!terminal[state]) {
        terminal[state] = true;
        phraseCount++;
      }
    }
    if (classes > 0xffff) throw new Error('too many byte classes'); // cannot happen: at most 258

    // Renumber breadth-first.
    const n = children.length;
    const order = new Int32Array(n); // new id -> old id
    const idOf = new Int32Array(n); // old id -> new id
    let tail = 1;
    for (let head = 0; head < tail; head++) {
      const old = order[head]!;
      idOf[old] = head;
      for (const child of children[old]!.values()) order[tail++] = child;
    }

    const childStart = new Int32Array(n);
    const childCount = new Int32Array(n);
    let edges = 0;
    for (let s = 0; s < n; s++) edges += children[s]!.size;
    const childClass = new Uint16Array(edges);
    const childTarget = new Int32Array(edges);
    const creator = new Int32Array(n);
    const depth = new Int32Array(n);
    const isTerminal = new Uint8Array(n);
    let e = 0;
    for (let s = 0; s < n; s++) {
      const old = order[s]!;
      creator[s] = creatorOf[old]!;
      depth[s] = depthOf[old]!;
      isTerminal[s] = terminal[old] ? 1 : 0;
      const row = [...children[old]!.entries()].sort((a, b) => a[0] - b[0]);
      childStart[s] = e;
      childCount[s] = row.length;
      for (const [cls, target] of row) {
        childClass[e] = cls;
        childTarget[e] = idOf[target]!;
        e++;
      }
    }

    const findChild = (s: number, cls: number): number => {
      for (let k = childStart[s]!, end = k + childCount[s]!; k < end; k++) {
        if (childClass[k] === cls) return childTarget[k]!;
      }
      return -1;
    };

    // Failure links and outputs, in breadth-first (= id) order.
    const fail = new Int32Array(n);
    const out = new Int32Array(n).fill(-1);
    for (let s = 0; s < n; s++) {
      for (let k = childStart[s]!, end = k + childCount[s]!; k < end; k++) {
        const v = childTarget[k]!;
        const cls = childClass[k]!;
        let f = s === 0 ? -1 : fail[s]!;
        let target = -1;
        while (f >= 0) {
          target = findChild(f, cls);
          if (target >= 0 || f === 0) break;
          f = fail[f]!;
        }
        fail[v] = target >= 0 && target !== v ? target : 0;
        out[v] = isTerminal[v] ? v : out[fail[v]!]!;
      }
    }

    // Dense rows: the full DFA transition for the first states.
    const denseStates = Math.max(1, Math.min(n, Math.floor(denseBudget / classes)));
    const dense: Table = n <= 0xffff ? new Uint16Array(denseStates * classes) : new Int32Array(denseStates * classes);
    for (let s = 0; s < denseStates; s++) {
      const row = s * classes;
      const fallback = s === 0 ? -1 : fail[s]! * classes;
      for (let cls = 0; cls < classes; cls++) dense[row + cls] = fallback < 0 ? 0 : dense[fallback + cls]!;
      for (let k = childStart[s]!, end = k + childCount[s]!; k < end; k++) dense[row + childClass[k]!] = childTarget[k]!;
    }

    return new AhoCorasick({
      phrases,
      phraseCount,
      classOf,
      classes,
      denseStates,
      dense,
      childStart,
      childCount,
      childClass,
      childTarget,
      fail,
      out,
      creator,
      depth,
    });
  }

  /**
   * Scan `input` and return the phrase state of the first match (the deepest phrase
   * ending at the first position where any phrase ends), or -1 when none matches.
   */
  firstMatch(input: string): number {
    const classOf = this.classOf;
    const dense = this.dense;
    const classes = this.classes;
    const denseStates = this.denseStates;
    const out = this.out;
    let state = 0;
    for (let i = 0, n = input.length; i < n; i++) {
      const unit = input.charCodeAt(i);
      const cls = unit > 0xff ? 0 : classOf[unit]!;
      if (state < denseStates) {
        state = dense[state * classes + cls]!;
      } else {
        state = this.sparseStep(state, cls);
      }
      if (out[state]! >= 0) return out[state]!;
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

  /** Transition from a state without a dense row: its children, else its failure chain. */
  private sparseStep(state: number, cls: number): number {
    const fail = this.fail;
    const denseStates = this.denseStates;
    let s = state;
    while (s >= denseStates) {
      for (let k = this.childStart[s]!, end = k + this.childCount[s]!; k < end; k++) {
        const c = this.childClass[k]!;
        if (c === cls) return this.childTarget[k]!;
        if (c > cls) break;
      }
      s = fail[s]!;
    }
    return this.dense[s * this.classes + cls]!;
  }
}
