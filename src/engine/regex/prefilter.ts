/**
 * Prefilter: a cheap necessary condition for a match, computed from the syntax tree.
 *
 * A *factor* is a sequence of byte sets with no repetition, e.g. `s e l e c t` or
 * `[<] [sS] [cC]`. For every node we compute
 *   - `exact`: a finite list of factors that together describe every string the node can
 *     match (null if infinite or too large), and
 *   - `req`: a list of factors such that every match of the node contains at least one of
 *     them (null if nothing useful is known).
 * The root's `req` is checked before the regex engine runs: with `indexOf` when it is a few
 * plain literals, otherwise with one V8 RegExp that is an alternation of the factors (no
 * quantifiers, so V8 runs it in linear time). Checks are case-insensitive whenever any set
 * is an ASCII case pair, and may over-approximate (the `i` flag of V8 also folds Latin-1
 * letters); over-approximation only costs a regex call, never a missed match.
 *
 * Whether a prefilter is used at all depends on an estimate of how often benign text
 * contains a factor (a rough byte-frequency model): a requirement like "contains an `e`"
 * would pass almost every value and only add cost.
 */
import { type ByteSet, type Node, setEquals, setHas, setSize } from './ast.js';

type Factor = ByteSet[];

interface Info {
  exact: Factor[] | null;
  req: Factor[] | null;
}

/** Most factors an `exact` list may hold. */
const EXACT_LIMIT = 64;
/** Longest factor kept in an `exact` list. */
const FACTOR_MAX_LENGTH = 32;
/** Most factors a requirement may hold (big alternations of keywords). */
const REQ_LIMIT = 4096;
/** A requirement that benign text meets at more than this rate per byte is not used. */
const MAX_PER_BYTE_RATE = 0.01;

/** Rough probability of each byte in benign request values. */
const BYTE_FREQ: Float64Array = (() => {
  const f = new Float64Array(256);
  for (let b = 0; b < 256; b++) f[b] = 0.0002;
  for (let b = 0x61; b <= 0x7a; b++) f[b] = 0.03;
  for (const c of 'etaoinsrl') f[c.charCodeAt(0)] = 0.06;
  for (let b = 0x41; b <= 0x5a; b++) f[b] = 0.006;
  for (let b = 0x30; b <= 0x39; b++) f[b] = 0.02;
  for (const c of ' /.-_=&,:;"%+') f[c.charCodeAt(0)] = 0.015;
  for (const c of `<>'(){}[]|\`\\^~!*$@#?`) f[c.charCodeAt(0)] = 0.002;
  return f;
})();

const setProbCache = new WeakMap<ByteSet, number>();
function setProb(set: ByteSet): number {
  let p = setProbCache.get(set);
  if (p !== undefined) return p;
  p = 0;
  for (let w = 0; w < 8; w++) {
    let bits = set[w]!;
    while (bits !== 0) {
      const low = bits & -bits;
      p += BYTE_FREQ[w * 32 + 31 - Math.clz32(low)]!;
      bits ^= low;
    }
  }
  p = Math.min(p, 1);
  setProbCache.set(set, p);
  return p;
}

const factorProbCache = new WeakMap<Factor, number>();
function factorProb(f: Factor): number {
  let p = factorProbCache.get(f);
  if (p !== undefined) return p;
  p = 1;
  for (const s of f) p *= setProb(s);
  factorProbCache.set(f, p);
  return p;
}

const orRateCache = new WeakMap<Factor[], number>();
/** Estimated rate (per byte position) at which benign text contains one of the factors. */
function orRate(factors: Factor[]): number {
  let r = orRateCache.get(factors);
  if (r !== undefined) return r;
  r = 0;
  for (const f of factors) r += factorProb(f);
  orRateCache.set(factors, r);
  return r;
}

function better(a: Factor[] | null, b: Factor[] | null): Factor[] | null {
  if (a === null) return b;
  if (b === null) return a;
  return orRate(a) <= orRate(b) ? a : b;
}

function hasEmpty(factors: Factor[]): boolean {
  return factors.some((f) => f.length === 0);
}

function asReq(exact: Factor[] | null): Factor[] | null {
  if (exact === null || hasEmpty(exact)) return null;
  return exact;
}

function cross(a: Factor[], b: Factor[]): Factor[] | null {
  if (a.length * b.length > EXACT_LIMIT) return null;
  const out: Factor[] = [];
  for (const x of a) {
    for (const y of b) {
      if (x.length + y.length > FACTOR_MAX_LENGTH) return null;
      out.push([...x, ...y]);
    }
  }
  return out;
}

function analyse(node: Node): Info {
  switch (node.type) {
    case 'empty':
    case 'assert':
    case 'look':
      return { exact: [[]], req: null };
    case 'backref':
      return { exact: null, req: null };
    case 'set':
      return { exact: [[node.set]], req: [[node.set]] };
    case 'group':
    case 'atomic':
      return analyse(node.item);
    case 'alt': {
      const infos = node.items.map(analyse);
      let exact: Factor[] | null = [];
      for (const i of infos) {
        if (exact === null || i.exact === null || exact.length + i.exact.length > EXACT_LIMIT) {
          exact = null;
          break;
        }
        exact.push(...i.exact);
      }
      let req: Factor[] | null = [];
      for (const i of infos) {
        if (req === null || i.req === null || req.length + i.req.length > REQ_LIMIT) {
          req = null;
          break;
        }
        req.push(...i.req);
      }
      return { exact, req: better(req, asReq(exact)) };
    }
    case 'concat': {
      const infos = node.items.map(analyse);
      let best: Factor[] | null = null;
      for (const i of infos) best = better(best, i.req);
      // Runs of consecutive items with finite languages give longer literals.
      let run: Factor[] | null = null;
      let whole: Factor[] | null = [[]];
      for (const i of infos) {
        if (i.exact === null) {
          best = better(best, asReq(run));
          run = null;
          whole = null;
          continue;
        }
        if (whole !== null) whole = cross(whole, i.exact);
        const next: Factor[] | null = run === null ? i.exact : cross(run, i.exact);
        if (next === null) {
          best = better(best, asReq(run));
          run = i.exact;
        } else {
          run = next;
        }
      }
      best = better(best, asReq(run));
      return { exact: whole, req: better(best, asReq(whole)) };
    }
    case 'repeat': {
      const inner = analyse(node.item);
      let exact: Factor[] | null = null;
      if (inner.exact !== null && node.max !== Infinity && node.max <= 8) {
        exact = [];
        let power: Factor[] | null = [[]];
        for (let k = 0; k <= node.max && exact !== null; k++) {
          if (power === null) {
            exact = null;
            break;
          }
          if (k >= node.min) {
            if (exact.length + power.length > EXACT_LIMIT) {
              exact = null;
              break;
            }
            exact.push(...power);
          }
          if (k < node.max) power = cross(power, inner.exact);
        }
      }
      let req: Factor[] | null = node.min >= 1 ? inner.req : null;
      if (node.min >= 2 && inner.exact !== null) {
        // x{3,} contains x x x
        let power: Factor[] | null = inner.exact;
        for (let k = 1; k < Math.min(node.min, 8) && power !== null; k++) power = cross(power, inner.exact);
        req = better(req, asReq(power));
      }
      return { exact, req: better(req, asReq(exact)) };
    }
  }
}

/** Is every string matching `big` guaranteed to contain a match of `small`? */
function covers(small: Factor, big: Factor): boolean {
  if (small.length > big.length) return false;
  outer: for (let start = 0; start + small.length <= big.length; start++) {
    for (let i = 0; i < small.length; i++) {
      const s = small[i]!;
      const b = big[start + i]!;
      for (let w = 0; w < 8; w++) if ((b[w]! & ~s[w]!) !== 0) continue outer;
    }
    return true;
  }
  return false;
}

/** Drops factors made redundant by another one (and duplicates). */
function simplify(factors: Factor[]): Factor[] {
  const sorted = [...factors].sort((a, b) => a.length - b.length);
  const kept: Factor[] = [];
  for (const f of sorted) {
    if (kept.some((k) => covers(k, f))) continue;
    kept.push(f);
  }
  return kept;
}

function isCasePair(set: ByteSet): number {
  // Returns the lowercase letter if the set is exactly {x, X}, else -1.
  if (setSize(set) !== 2) return -1;
  for (let b = 0x61; b <= 0x7a; b++) if (setHas(set, b) && setHas(set, b - 32)) return b;
  return -1;
}

function singleByte(set: ByteSet): number {
  if (setSize(set) !== 1) return -1;
  for (let b = 0; b < 256; b++) if (setHas(set, b)) return b;
  return -1;
}

// ASCII-only lowercasing, cached for the value that many rules test in a row. JS
// toLowerCase would also fold Latin-1 bytes 0xC0-0xDE, which PCRE2 does not.
const HIGH = /[\x80-\xff]/;
const UPPER = /[A-Z]/;
const UPPER_G = /[A-Z]+/g;
let lastLowerIn = '';
let lastLowerOut = '';
function asciiLower(s: string): string {
  if (s === lastLowerIn) return lastLowerOut;
  let out = s;
  if (UPPER.test(s)) out = HIGH.test(s) ? s.replace(UPPER_G, (m) => m.toLowerCase()) : s.toLowerCase();
  lastLowerIn = s;
  lastLowerOut = out;
  return out;
}

export interface Prefilter {
  /** False only if the input cannot contain a match. */
  mayMatch(input: string): boolean;
  /** Human-readable form, for docs and debugging. */
  describe(): string;
  /** The factors as V8 pattern source, for tests. */
  readonly factors: number;
}

function jsSetSource(set: ByteSet, fold: boolean): string {
  const pair = fold ? isCasePair(set) : -1;
  if (pair >= 0) return String.fromCharCode(pair);
  const ranges: Array<[number, number]> = [];
  for (let b = 0; b < 256; b++) {
    if (!setHas(set, b)) continue;
    const start = b;
    while (b + 1 < 256 && setHas(set, b + 1)) b++;
    ranges.push([start, b]);
  }
  const ch = (b: number): string => {
    if (b >= 0x30 && b <= 0x39) return String.fromCharCode(b);
    if ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)) return String.fromCharCode(b);
    return '\\x' + b.toString(16).padStart(2, '0');
  };
  if (ranges.length === 1 && ranges[0]![0] === ranges[0]![1]) return ch(ranges[0]![0]);
  return '[' + ranges.map(([a, b]) => (a === b ? ch(a) : ch(a) + '-' + ch(b))).join('') + ']';
}

/** Alternation of factors with shared prefixes merged (a trie), so V8 dispatches on bytes. */
function trieSource(factors: Factor[], fold: boolean): string {
  interface TrieNode {
    children: Map<string, { set: ByteSet; node: TrieNode }>;
    end: boolean;
  }
  const root: TrieNode = { children: new Map(), end: false };
  for (const f of factors) {
    let n = root;
    for (const set of f) {
      const key = jsSetSource(set, fold);
      let child = n.children.get(key);
      if (child === undefined) {
        child = { set, node: { children: new Map(), end: false } };
        n.children.set(key, child);
      }
      n = child.node;
    }
    n.end = true;
  }
  const emit = (n: TrieNode): string => {
    if (n.end) return '';
    const parts: string[] = [];
    for (const [key, child] of n.children) parts.push(key + emit(child.node));
    if (parts.length === 1) return parts[0]!;
    return '(?:' + parts.join('|') + ')';
  };
  return emit(root);
}

function makePrefilter(factors: Factor[]): Prefilter {
  const fold = factors.some((f) => f.some((s) => isCasePair(s) >= 0));
  const literal = factors.every((f) => f.every((s) => singleByte(s) >= 0 || (fold && isCasePair(s) >= 0)));
  const text = (f: Factor): string =>
    f
      .map((s) => {
        const pair = isCasePair(s);
        if (pair >= 0) return String.fromCharCode(pair);
        const b = singleByte(s);
        return String.fromCharCode(fold && b >= 0x41 && b <= 0x5a ? b + 32 : b);
      })
      .join('');
  const describe = (): string =>
    factors.length <= 8 && literal
      ? `${fold ? 'i' : ''}[${factors.map((f) => JSON.stringify(text(f))).join(', ')}]`
      : `/${trieSource(factors, fold).slice(0, 300)}/${fold ? 'i' : ''} (${factors.length} factors)`;

  if (literal && factors.length <= 4) {
    const needles = factors.map(text);
    if (needles.length === 1) {
      const needle = needles[0]!;
      return {
        factors: 1,
        describe,
        mayMatch: fold ? (input) => asciiLower(input).includes(needle) : (input) => input.includes(needle),
      };
    }
    return {
      factors: needles.length,
      describe,
      mayMatch: (input) => {
        const s = fold ? asciiLower(input) : input;
        for (const n of needles) if (s.includes(n)) return true;
        return false;
      },
    };
  }
  const re = new RegExp(trieSource(factors, fold), fold ? 'i' : '');
  return { factors: factors.length, describe, mayMatch: (input) => re.test(input) };
}

function isLiteralSet(s: ByteSet): boolean {
  return singleByte(s) >= 0 || isCasePair(s) >= 0;
}

/** The longest run of literal (single byte or ASCII case pair) sets in a factor. */
function literalCore(f: Factor): Factor {
  let best: Factor = [];
  let start = -1;
  for (let i = 0; i <= f.length; i++) {
    if (i < f.length && isLiteralSet(f[i]!)) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0 && i - start > best.length) best = f.slice(start, i);
    start = -1;
  }
  return best;
}

/**
 * A few factors are checked with indexOf when they are literals. Trimming each factor to its
 * literal core (a weaker but still necessary condition) gets there when the cores stay long.
 */
function preferLiterals(factors: Factor[]): Factor[] {
  if (factors.length > 4) return factors;
  if (factors.every((f) => f.every(isLiteralSet))) return factors;
  const cores = factors.map(literalCore);
  if (cores.some((c) => c.length < 3)) return factors;
  const trimmed = simplify(cores);
  return orRate(trimmed) <= MAX_PER_BYTE_RATE / 4 ? trimmed : factors;
}

/** The prefilter for a pattern's tree, or null when none would pay off. */
export function buildPrefilter(root: Node): Prefilter | null {
  const info = analyse(root);
  if (info.req === null || info.req.length === 0 || hasEmpty(info.req)) return null;
  const factors = simplify(info.req);
  if (orRate(factors) > MAX_PER_BYTE_RATE) return null;
  return makePrefilter(preferLiterals(factors));
}

/** Exposed for tests: the factor lists compare structurally. */
export function _factorsEqual(a: Factor, b: Factor): boolean {
  return a.length === b.length && a.every((s, i) => setEquals(s, b[i]!));
}
