/**
 * Required literals of a pattern, for the rule-set candidate index (src/engine/candidates.ts).
 *
 * `requiredLiterals(root)` returns ASCII-lowercased byte strings such that every string the
 * pattern matches (anywhere in a subject) contains at least one of them, compared ASCII
 * case-insensitively; null when no such finite list is known. The derivation is the one the
 * prefilter uses (prefilter.ts): per syntax-tree node, `exact` (a finite list of factors
 * describing every match) and `req` (factors one of which every match contains), where a
 * factor is a sequence of byte sets. Unlike the prefilter, nothing is rejected for being
 * common: the caller gets the literals and an estimated per-byte hit rate, and decides.
 *
 * Each factor becomes literals through one window of consecutive sets whose case-folded
 * expansion is small (at most 64 strings): any string matching the factor contains the
 * window, so it contains one of the window's expansions. Windows are chosen by estimated
 * rarity in benign text, so `[0-9]+union` yields "union", not ten digits.
 */
import { type ByteSet, type Node, setHas } from './ast.js';
import { parseRegex, RegexSyntaxError } from './parser.js';

/** A sequence of byte sets with no repetition, and its estimated per-position rate. */
interface Factor {
  sets: ByteSet[];
  rate: number;
}

/** A list of factors and the sum of their rates. */
interface FList {
  items: Factor[];
  rate: number;
}

interface Info {
  exact: FList | null;
  req: FList | null;
}

const EXACT_LIMIT = 64;
const FACTOR_MAX_LENGTH = 32;
const REQ_LIMIT = 4096;
/** Most literals one factor may expand to. */
const EXPANSION_LIMIT = 64;
/** Rate-equivalent cost of one more literal when choosing a factor's window. */
const LITERAL_COST = 1e-6;

/** Rough probability of each byte in benign request values (the prefilter's model). */
export const BYTE_FREQ: Float64Array = (() => {
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

/** Probability of a folded byte (a lowercase letter stands for both cases). */
function foldedProb(b: number): number {
  return b >= 0x61 && b <= 0x7a ? BYTE_FREQ[b]! + BYTE_FREQ[b - 32]! : BYTE_FREQ[b]!;
}

/** Calls visit(b) for every byte of the set, ascending. */
function forEachByte(set: ByteSet, visit: (b: number) => void): void {
  for (let w = 0; w < 8; w++) {
    let bits = set[w]!;
    while (bits !== 0) {
      const low = bits & -bits;
      visit(w * 32 + 31 - Math.clz32(low));
      bits ^= low;
    }
  }
}

const setProbCache = new WeakMap<ByteSet, number>();
function setProb(set: ByteSet): number {
  let p = setProbCache.get(set);
  if (p !== undefined) return p;
  let sum = 0;
  forEachByte(set, (b) => {
    sum += BYTE_FREQ[b]!;
  });
  p = Math.min(sum, 1);
  setProbCache.set(set, p);
  return p;
}

const EMPTY_FACTOR: Factor = { sets: [], rate: 1 };
const ONLY_EMPTY: FList = { items: [EMPTY_FACTOR], rate: 1 };

function list(items: Factor[]): FList {
  let rate = 0;
  for (const f of items) rate += f.rate;
  return { items, rate };
}

function better(a: FList | null, b: FList | null): FList | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.rate <= b.rate ? a : b;
}

function asReq(exact: FList | null): FList | null {
  if (exact === null) return null;
  for (const f of exact.items) if (f.sets.length === 0) return null;
  return exact;
}

function cross(a: FList, b: FList): FList | null {
  if (a.items.length * b.items.length > EXACT_LIMIT) return null;
  const out: Factor[] = [];
  for (const x of a.items) {
    for (const y of b.items) {
      if (x.sets.length + y.sets.length > FACTOR_MAX_LENGTH) return null;
      out.push({ sets: x.sets.length === 0 ? y.sets : y.sets.length === 0 ? x.sets : [...x.sets, ...y.sets], rate: x.rate * y.rate });
    }
  }
  return list(out);
}

function concatLists(lists: FList[], limit: number): FList | null {
  let n = 0;
  for (const l of lists) n += l.items.length;
  if (n > limit) return null;
  const items: Factor[] = [];
  let rate = 0;
  for (const l of lists) {
    for (const f of l.items) items.push(f);
    rate += l.rate;
  }
  return { items, rate };
}

function analyse(node: Node): Info {
  switch (node.type) {
    case 'empty':
    case 'assert':
    case 'look':
      // Zero-width: contributes nothing to what the match consumes.
      return { exact: ONLY_EMPTY, req: null };
    case 'backref':
      return { exact: null, req: null };
    case 'set': {
      const l: FList = { items: [{ sets: [node.set], rate: setProb(node.set) }], rate: setProb(node.set) };
      return { exact: l, req: l };
    }
    case 'group':
    case 'atomic':
      return analyse(node.item);
    case 'alt': {
      const infos = node.items.map(analyse);
      const exacts: FList[] = [];
      for (const i of infos) {
        if (i.exact === null) break;
        exacts.push(i.exact);
      }
      const exact = exacts.length === infos.length ? concatLists(exacts, EXACT_LIMIT) : null;
      // Every match is a match of one branch, so it contains one of that branch's factors.
      const reqs: FList[] = [];
      for (const i of infos) {
        const r = better(i.req, asReq(i.exact));
        if (r === null) break;
        reqs.push(r);
      }
      const req = reqs.length === infos.length ? concatLists(reqs, REQ_LIMIT) : null;
      return { exact, req: better(req, asReq(exact)) };
    }
    case 'concat': {
      const infos = node.items.map(analyse);
      let best: FList | null = null;
      for (const i of infos) best = better(best, i.req);
      let run: FList | null = null;
      let whole: FList | null = ONLY_EMPTY;
      for (const i of infos) {
        if (i.exact === null) {
          best = better(best, asReq(run));
          run = null;
          whole = null;
          continue;
        }
        if (whole !== null) whole = cross(whole, i.exact);
        const next: FList | null = run === null ? i.exact : cross(run, i.exact);
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
      let exact: FList | null = null;
      if (inner.exact !== null && node.max !== Infinity && node.max <= 8) {
        const parts: FList[] = [];
        let power: FList | null = ONLY_EMPTY;
        for (let k = 0; k <= node.max; k++) {
          if (power === null) break;
          if (k >= node.min) parts.push(power);
          if (k < node.max) power = cross(power, inner.exact);
        }
        exact = power === null ? null : concatLists(parts, EXACT_LIMIT);
      }
      let req: FList | null = node.min >= 1 ? better(inner.req, asReq(inner.exact)) : null;
      if (node.min >= 2 && inner.exact !== null) {
        let power: FList | null = inner.exact;
        for (let k = 1; k < Math.min(node.min, 8) && power !== null; k++) power = cross(power, inner.exact);
        req = better(req, asReq(power));
      }
      return { exact, req: better(req, asReq(exact)) };
    }
  }
}

const foldedCache = new WeakMap<ByteSet, number[]>();
/** The distinct folded bytes of a set (ASCII capitals folded to lowercase), ascending. */
function foldedBytes(set: ByteSet): number[] {
  let out = foldedCache.get(set);
  if (out !== undefined) return out;
  const folded: number[] = [];
  forEachByte(set, (b) => {
    if (b >= 0x41 && b <= 0x5a && setHas(set, b + 32)) return;
    folded.push(b >= 0x41 && b <= 0x5a ? b + 32 : b);
  });
  out = folded.sort((a, b) => a - b);
  foldedCache.set(set, out);
  return out;
}

/**
 * Literals for one factor: the expansion of its rarest small window. Null when no window
 * expands to at most EXPANSION_LIMIT strings (or the factor is empty). An empty list means
 * the factor can never occur (it has an empty set).
 */
function factorLiterals(factor: Factor): string[] | null {
  const f = factor.sets;
  if (f.length === 0) return null;
  const folded = f.map(foldedBytes);
  if (folded.some((s) => s.length === 0)) return [];
  const probs = folded.map((s) => s.reduce((p, b) => p + foldedProb(b), 0));
  let bestStart = -1;
  let bestEnd = -1;
  let bestRate = Infinity;
  let bestCount = Infinity;
  for (let i = 0; i < f.length; i++) {
    let count = 1;
    let rate = 1;
    for (let j = i; j < f.length; j++) {
      count *= folded[j]!.length;
      if (count > EXPANSION_LIMIT) break;
      rate *= probs[j]!;
      // Each extra literal must buy a real drop in the rate: "acman" alone is rare
      // enough, expanding it with the byte after it would only multiply the literals.
      const score = rate + count * LITERAL_COST;
      if (score < bestRate || (score === bestRate && count < bestCount)) {
        bestRate = score;
        bestCount = count;
        bestStart = i;
        bestEnd = j + 1;
      }
    }
  }
  if (bestStart < 0) return null;
  let variants: string[] = [''];
  for (let k = bestStart; k < bestEnd; k++) {
    const next: string[] = [];
    for (const v of variants) for (const b of folded[k]!) next.push(v + String.fromCharCode(b));
    variants = next;
  }
  return variants;
}

/** Drops literals that contain another one (a value containing them contains the other). */
export function minimalLiterals(literals: Iterable<string>): string[] {
  const sorted = [...new Set(literals)].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  const kept: string[] = [];
  const keptSet = new Set<string>();
  let longest = 0;
  outer: for (const lit of sorted) {
    // Does a kept (shorter or equal) literal occur in lit? Check lit's substrings.
    const maxLen = Math.min(longest, lit.length);
    for (let len = 1; len <= maxLen; len++) {
      for (let i = 0; i + len <= lit.length; i++) if (keptSet.has(lit.slice(i, i + len))) continue outer;
    }
    kept.push(lit);
    keptSet.add(lit);
    if (lit.length > longest) longest = lit.length;
  }
  return kept;
}

/**
 * Shortens a literal to its rarest window of at most `max` bytes: a value containing the
 * literal contains the window.
 */
export function rarestWindow(lit: string, max: number): string {
  if (lit.length <= max) return lit;
  let best = 0;
  let bestRate = Infinity;
  for (let i = 0; i + max <= lit.length; i++) {
    let p = 1;
    for (let k = i; k < i + max; k++) p *= foldedProb(lit.charCodeAt(k));
    if (p < bestRate) {
      bestRate = p;
      best = i;
    }
  }
  return lit.slice(best, best + max);
}

/** Estimated per-byte rate at which benign text contains one of the (folded) literals. */
export function literalRate(literals: readonly string[]): number {
  let r = 0;
  for (const lit of literals) {
    let p = 1;
    for (let i = 0; i < lit.length; i++) p *= foldedProb(lit.charCodeAt(i));
    r += p;
  }
  return r;
}

/**
 * Folded literals one of which every match of the tree contains (distinct, not minimised:
 * see minimalLiterals), or null when none are known. An empty list means the pattern can
 * never match.
 */
export function requiredLiterals(root: Node): string[] | null {
  const info = analyse(root);
  const req = better(info.req, asReq(info.exact));
  if (req === null) return null;
  const literals: string[] = [];
  for (const f of req.items) {
    const lits = factorLiterals(f);
    if (lits === null) return null;
    literals.push(...lits);
  }
  const distinct = [...new Set(literals)];
  if (distinct.includes('')) return null;
  return distinct;
}

/**
 * Whether some string that contains no byte of `banned` may match `node` (true when
 * unsure: assertions, lookarounds and backreferences are assumed satisfiable).
 */
function canMatchAvoiding(node: Node, banned: ByteSet): boolean {
  switch (node.type) {
    case 'empty':
    case 'assert':
    case 'look':
    case 'backref':
      return true;
    case 'set':
      for (let w = 0; w < 8; w++) if ((node.set[w]! & ~banned[w]!) !== 0) return true;
      return false;
    case 'concat':
      for (const item of node.items) if (!canMatchAvoiding(item, banned)) return false;
      return true;
    case 'alt':
      for (const item of node.items) if (canMatchAvoiding(item, banned)) return true;
      return false;
    case 'repeat':
      return node.min === 0 || canMatchAvoiding(node.item, banned);
    case 'group':
    case 'atomic':
      return canMatchAvoiding(node.item, banned);
  }
}

/**
 * A set of bytes every match of the tree contains at least one of, as folded one-byte
 * literals, or null when there is none (the pattern can match without any particular
 * byte, e.g. the empty string). Found greedily: starting from every byte the pattern
 * mentions, the most common bytes are dropped first as long as the pattern still cannot
 * match without the rest. `[\s&|;]` required after a command name gives `["\t", ..., "|"]`.
 */
export function requiredBytes(root: Node): string[] | null {
  const mentioned = new Uint32Array(8);
  const collect = (node: Node): void => {
    switch (node.type) {
      case 'set':
        for (let w = 0; w < 8; w++) mentioned[w]! |= node.set[w]!;
        return;
      case 'concat':
      case 'alt':
        for (const item of node.items) collect(item);
        return;
      case 'repeat':
      case 'group':
      case 'atomic':
        collect(node.item);
        return;
      default:
        return;
    }
  };
  collect(root);
  const banned = Uint32Array.from(mentioned);
  if (canMatchAvoiding(root, banned)) return null;
  const bytes: number[] = [];
  for (let b = 0; b < 256; b++) if (setHas(mentioned, b)) bytes.push(b);
  bytes.sort((a, b) => BYTE_FREQ[b]! - BYTE_FREQ[a]! || a - b);
  for (const b of bytes) {
    banned[b >>> 5]! &= ~(1 << (b & 31));
    if (canMatchAvoiding(root, banned)) banned[b >>> 5]! |= 1 << (b & 31);
  }
  const out = new Set<string>();
  for (let b = 0; b < 256; b++) if (setHas(banned, b)) out.add(String.fromCharCode(b >= 0x41 && b <= 0x5a ? b + 32 : b));
  return [...out];
}

/**
 * Requirements of a pattern as `compileRegex(pattern)` compiles it (ModSecurity flags):
 * `literals` (requiredLiterals) and `bytes` (requiredBytes), each null when unknown; both
 * null when the pattern does not parse. Each is a necessary condition on its own.
 */
export function patternRequirements(
  pattern: string,
  options: { caseInsensitive?: boolean } = {},
): { literals: string[] | null; bytes: string[] | null } {
  let root: Node;
  try {
    root = parseRegex(pattern, { caseInsensitive: options.caseInsensitive ?? false }).root;
  } catch (err) {
    if (err instanceof RegexSyntaxError) return { literals: null, bytes: null };
    throw err;
  }
  // Both: a rare-looking literal can be common in some traffic ("json" in JSON argument
  // names), where a required byte (942151's `(`) still rules most values out.
  return { literals: requiredLiterals(root), bytes: requiredBytes(root) };
}

/**
 * True when every subject matches the tree from its first byte to its end, whatever it
 * holds: an optional start anchor, a greedy `.*` over all 256 bytes (DOTALL), an optional
 * end anchor, nothing else and no capturing group. `^.*$` is such a pattern: its match (and
 * TX.0 under `capture`) is always the whole value.
 */
export function matchesWholeSubject(root: Node): boolean {
  let node = root;
  while (node.type === 'atomic') node = node.item;
  const items = node.type === 'concat' ? node.items : [node];
  let i = 0;
  if (i < items.length && items[i]!.type === 'assert') {
    const a = items[i] as Extract<Node, { type: 'assert' }>;
    if (a.kind !== 'bos' && a.kind !== 'bol') return false;
    i++;
  }
  const star = items[i];
  if (star === undefined || star.type !== 'repeat' || star.min !== 0 || star.max !== Infinity || star.lazy) return false;
  if (star.item.type !== 'set') return false;
  for (let w = 0; w < 8; w++) if (star.item.set[w] !== 0xffffffff && star.item.set[w] !== -1) return false;
  i++;
  if (i < items.length && items[i]!.type === 'assert') {
    const a = items[i] as Extract<Node, { type: 'assert' }>;
    if (a.kind !== 'eos' && a.kind !== 'eol' && a.kind !== 'eosnl') return false;
    i++;
  }
  return i === items.length;
}

/** matchesWholeSubject for a pattern as `compileRegex(pattern)` compiles it; false if it does not parse. */
export function patternMatchesWholeSubject(pattern: string): boolean {
  try {
    const parsed = parseRegex(pattern);
    return parsed.groupCount === 0 && matchesWholeSubject(parsed.root);
  } catch (err) {
    if (err instanceof RegexSyntaxError) return false;
    throw err;
  }
}

/** The required literals of a pattern (patternRequirements), or null. */
export function patternLiterals(pattern: string, options: { caseInsensitive?: boolean } = {}): string[] | null {
  let root: Node;
  try {
    root = parseRegex(pattern, { caseInsensitive: options.caseInsensitive ?? false }).root;
  } catch (err) {
    if (err instanceof RegexSyntaxError) return null;
    throw err;
  }
  return requiredLiterals(root);
}
