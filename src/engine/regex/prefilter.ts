/**
 * Prefilter: a cheap necessary condition for a match, computed from the syntax tree.
 *
 * A *factor* is a sequence of byte sets with no repetition, e.g. `s e l e c t` or
 * `[<] [sS] [cC]`. For every node we compute
 *   - `exact`: a finite list of factors that together describe every string the node can
 *     match (null if infinite or too large), and
 *   - `req`: a list of factors such that every match of the node contains at least one of
 *     them (null if nothing useful is known).
 * The root's `req` becomes a list of literals (small sets expanded, otherwise the longest
 * literal run of each factor kept), ASCII-lowercased. Every match contains one of them, so
 * a value that contains none cannot match. The literals of all patterns live in one shared
 * Aho-Corasick automaton (literal-index.ts), so a value is scanned once for all patterns and
 * each pattern's check is a lookup. Matching is ASCII case-insensitive for every pattern:
 * for a case-sensitive pattern that over-approximates, which only costs an engine call,
 * never a missed match.
 *
 * Whether a prefilter is used at all depends on an estimate of how often benign text
 * contains a literal (a rough byte-frequency model): a requirement like "contains an `e`"
 * would pass almost every value and only add cost.
 */
import { type ByteSet, type Node, setHas, setSize } from './ast.js';
import { literalIndex } from './literal-index.js';

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

export interface Prefilter {
  /** False only if the input cannot contain a match. */
  mayMatch(input: string): boolean;
  /** Human-readable form, for docs and debugging. */
  describe(): string;
  /** Number of literals. */
  readonly factors: number;
}

/** Most literals one factor may expand to (`[0-1]x` -> `0x`, `1x`). */
const EXPANSION_LIMIT = 16;

/**
 * The ASCII-lowercased literals that stand for a factor: every string matching the factor
 * contains one of them. The longest literal run is kept when it has 3 bytes or more; small
 * sets expand otherwise.
 */
function factorLiterals(f: Factor): string[] | null {
  const core = literalCore(f);
  if (core.length >= 3 && core.length < f.length) return factorLiterals(core);
  let variants: string[] = [''];
  for (const set of f) {
    const pair = isCasePair(set);
    let chars: number[];
    if (pair >= 0) chars = [pair];
    else {
      const n = setSize(set);
      if (n === 0 || n * variants.length > EXPANSION_LIMIT) {
        variants = [];
        break;
      }
      chars = [];
      for (let b = 0; b < 256; b++) {
        if (!setHas(set, b)) continue;
        const lower = b >= 0x41 && b <= 0x5a ? b + 32 : b;
        if (!chars.includes(lower)) chars.push(lower);
      }
    }
    const next: string[] = [];
    for (const v of variants) for (const c of chars) next.push(v + String.fromCharCode(c));
    variants = next;
  }
  if (variants.length > 0) return variants;
  if (core.length === 0) return null;
  return factorLiterals(core);
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

/** Estimated per-byte rate at which benign text contains one of the (folded) literals. */
function literalRate(literals: string[]): number {
  let r = 0;
  for (const lit of literals) {
    let p = 1;
    for (let i = 0; i < lit.length; i++) {
      const b = lit.charCodeAt(i);
      p *= b >= 0x61 && b <= 0x7a ? BYTE_FREQ[b]! + BYTE_FREQ[b - 32]! : BYTE_FREQ[b]!;
    }
    r += p;
  }
  return r;
}

/** Drops literals that contain another one (any text containing them contains the other). */
function minimalLiterals(literals: string[]): string[] {
  const sorted = [...new Set(literals)].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const lit of sorted) if (!kept.some((k) => lit.includes(k))) kept.push(lit);
  return kept;
}

/** ASCII-only lowercasing (JS toLowerCase would also fold Latin-1 bytes, PCRE2 does not). */
function asciiLower(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
}

/** For patterns the shared index does not take: a few literals checked with includes(). */
function localPrefilter(literals: string[]): Prefilter | null {
  if (literals.length > 8) return null;
  return {
    factors: literals.length,
    describe: () => `local [${literals.map((l) => JSON.stringify(l)).join(', ')}]`,
    mayMatch: (input) => {
      const lower = asciiLower(input);
      return literals.some((l) => lower.includes(l));
    },
  };
}

/**
 * The prefilter for a pattern's tree, or null when none would pay off. Its literals go into
 * the shared index (literal-index.ts); the check is then one lookup per call.
 */
export function buildPrefilter(root: Node): Prefilter | null {
  const info = analyse(root);
  if (info.req === null || info.req.length === 0 || hasEmpty(info.req)) return null;
  const factors = simplify(info.req);
  if (orRate(factors) > MAX_PER_BYTE_RATE) return null;
  const literals: string[] = [];
  for (const f of factors) {
    const lits = factorLiterals(f);
    if (lits === null) return null;
    literals.push(...lits);
  }
  const minimal = minimalLiterals(literals);
  if (minimal.length === 0 || minimal.includes('') || literalRate(minimal) > MAX_PER_BYTE_RATE) return null;
  const group = literalIndex.register(minimal);
  if (group < 0) return localPrefilter(minimal);
  const describe = (): string =>
    minimal.length <= 8
      ? `[${minimal.map((l) => JSON.stringify(l)).join(', ')}]`
      : `[${minimal
          .slice(0, 8)
          .map((l) => JSON.stringify(l))
          .join(', ')}, ... ${minimal.length} literals]`;
  return { factors: minimal.length, describe, mayMatch: (input) => literalIndex.has(input, group) };
}
