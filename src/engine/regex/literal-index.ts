/**
 * One Aho-Corasick automaton over the required literals of every compiled pattern, and a
 * per-value cache of what it found.
 *
 * CRS applies some 300 @rx rules to every request value. Checking each pattern's literals
 * with indexOf costs a scan of the value per pattern; RE2 costs a native call per pattern.
 * Here a value is scanned once, for all patterns' literals at the same time, and each
 * pattern then asks "did any of my literals occur?" in O(1). Literals are matched ASCII
 * case-insensitively (a superset for case-sensitive patterns, which is sound for a
 * prefilter). The automaton is rebuilt lazily when patterns were added since the last scan.
 *
 * The cache is keyed by the value's content (Map with string keys) because the engine tests
 * several values against each rule in turn, so consecutive calls alternate between values.
 * It also keeps the UTF-8 Buffer that RE2 reads, so a value is converted once.
 */

const MAX_ENTRIES = 512;
/** New groups accepted after the automaton was first built (see register). */
const LATE_GROUP_LIMIT = 256;
/** Values above this size are not kept in the map (only as the last big value). */
const MAX_CACHED_LENGTH = 16 * 1024;

interface Entry {
  /** hits[group] === 1 when one of the group's literals occurs; tagged with the index version. */
  hits: Uint8Array | null;
  version: number;
  buffer: Buffer | null;
}

class LiteralIndex {
  /** Distinct folded literals and the groups that need each. */
  private readonly literalIds = new Map<string, number>();
  private readonly literalGroups: number[][] = [];
  private groupCount = 0;
  private version = 0;
  private builtVersion = -1;

  // The automaton: a full DFA over byte classes.
  private classOf = new Uint8Array(256);
  private classCount = 1;
  private delta = new Int32Array(1);
  private outStart = new Int32Array(2);
  private outList = new Int32Array(0);

  private readonly cache = new Map<string, Entry>();
  private bigKey = '';
  private bigEntry: Entry | null = null;

  /** Groups by their literal list, so that a pattern compiled again reuses its group. */
  private readonly groupsByLiterals = new Map<string, number>();
  /** Groups added after the first scan (patterns compiled at run time, e.g. from macros). */
  private lateGroups = 0;

  /**
   * Registers one pattern's literals (already ASCII-lowercased); returns its group id, or -1
   * when the index takes no more groups: once values have been scanned, every new group means
   * a rebuild, so after LATE_GROUP_LIMIT of them (patterns built at run time) callers check
   * their literals themselves.
   */
  register(literals: string[]): number {
    const key = [...new Set(literals)].sort().join('\0');
    const known = this.groupsByLiterals.get(key);
    if (known !== undefined) return known;
    if (this.builtVersion >= 0) {
      if (this.lateGroups >= LATE_GROUP_LIMIT) return -1;
      this.lateGroups++;
    }
    const group = this.groupCount++;
    this.groupsByLiterals.set(key, group);
    for (const lit of new Set(literals)) {
      let id = this.literalIds.get(lit);
      if (id === undefined) {
        id = this.literalGroups.length;
        this.literalIds.set(lit, id);
        this.literalGroups.push([]);
      }
      this.literalGroups[id]!.push(group);
    }
    this.version++;
    return group;
  }

  private build(): void {
    const literals = [...this.literalIds.keys()];
    // Byte classes: one per distinct folded byte used in a literal, 0 for all others.
    const classOf = new Uint8Array(256);
    let classes = 1;
    for (const lit of literals) {
      for (let i = 0; i < lit.length; i++) {
        const b = lit.charCodeAt(i);
        if (classOf[b] === 0) classOf[b] = classes++;
      }
    }
    for (let b = 0x41; b <= 0x5a; b++) classOf[b] = classOf[b + 32]!;
    // Trie
    const children: Array<Map<number, number>> = [new Map()];
    const own: number[][] = [[]];
    literals.forEach((lit, id) => {
      let s = 0;
      for (let i = 0; i < lit.length; i++) {
        const c = classOf[lit.charCodeAt(i)]!;
        let next = children[s]!.get(c);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          own.push([]);
          children[s]!.set(c, next);
        }
        s = next;
      }
      own[s]!.push(...this.literalGroups[id]!);
    });
    const states = children.length;
    const delta = new Int32Array(states * classes);
    const fail = new Int32Array(states);
    const out: number[][] = own.map((o) => [...o]);
    // Breadth-first: fail links, outputs along fail links, full transitions.
    const queue: number[] = [];
    for (let c = 0; c < classes; c++) {
      const next = children[0]!.get(c);
      if (next !== undefined && c !== 0) {
        delta[c] = next;
        fail[next] = 0;
        queue.push(next);
      }
    }
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q]!;
      if (out[fail[s]!]!.length > 0) out[s] = [...new Set([...out[s]!, ...out[fail[s]!]!])];
      for (let c = 0; c < classes; c++) {
        const next = c === 0 ? undefined : children[s]!.get(c);
        if (next !== undefined) {
          fail[next] = delta[fail[s]! * classes + c]!;
          delta[s * classes + c] = next;
          queue.push(next);
        } else {
          delta[s * classes + c] = delta[fail[s]! * classes + c]!;
        }
      }
    }
    const outStart = new Int32Array(states + 1);
    let total = 0;
    for (let s = 0; s < states; s++) {
      outStart[s] = total;
      total += out[s]!.length;
    }
    outStart[states] = total;
    const outList = new Int32Array(total);
    for (let s = 0; s < states; s++) outList.set(out[s]!, outStart[s]!);
    this.classOf = classOf;
    this.classCount = classes;
    this.delta = delta;
    this.outStart = outStart;
    this.outList = outList;
    this.builtVersion = this.version;
  }

  private scan(input: string): Uint8Array {
    if (this.builtVersion !== this.version) this.build();
    const hits = new Uint8Array(this.groupCount);
    const { classOf, classCount, delta, outStart, outList } = this;
    let s = 0;
    for (let i = 0; i < input.length; i++) {
      const ch = input.charCodeAt(i);
      s = delta[s * classCount + classOf[ch & 0xff]!]!;
      const end = outStart[s + 1]!;
      for (let k = outStart[s]!; k < end; k++) hits[outList[k]!] = 1;
    }
    return hits;
  }

  private entry(input: string): Entry {
    if (input.length > MAX_CACHED_LENGTH) {
      if (this.bigEntry === null || input !== this.bigKey) {
        this.bigKey = input;
        this.bigEntry = { hits: null, version: -1, buffer: null };
      }
      return this.bigEntry;
    }
    let e = this.cache.get(input);
    if (e === undefined) {
      if (this.cache.size >= MAX_ENTRIES) {
        // Drop the oldest entry (Maps iterate in insertion order).
        const oldest = this.cache.keys().next().value as string;
        this.cache.delete(oldest);
      }
      e = { hits: null, version: -1, buffer: null };
      this.cache.set(input, e);
    }
    return e;
  }

  /** Did one of `group`'s literals occur in the value? */
  has(input: string, group: number): boolean {
    const e = this.entry(input);
    if (e.hits === null || e.version !== this.version) {
      e.hits = this.scan(input);
      e.version = this.version;
    }
    return e.hits[group] === 1;
  }

  /** The value's RE2 Buffer, built once by `make`. */
  buffer(input: string, make: (input: string) => Buffer): Buffer {
    const e = this.entry(input);
    if (e.buffer === null) e.buffer = make(input);
    return e.buffer;
  }

  /** For tests and benchmarks: number of distinct literals and automaton states. */
  stats(): { literals: number; groups: number; states: number } {
    if (this.builtVersion !== this.version) this.build();
    return { literals: this.literalIds.size, groups: this.groupCount, states: this.outStart.length - 1 };
  }
}

export const literalIndex = new LiteralIndex();
