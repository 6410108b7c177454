/**
 * Syntax tree of a PCRE2 pattern as ModSecurity v3 compiles it (8-bit code units, no UTF,
 * PCRE2_DOTALL | PCRE2_MULTILINE). Every node carries its meaning explicitly: inline flags
 * are resolved while parsing, so `(?i)` becomes case-folded byte sets, `.` knows whether
 * DOTALL was on, and `^`/`$` know whether MULTILINE was on. Emitters (RE2, V8) and the
 * prefilter analysis then never look at flags.
 *
 * The alphabet is bytes 0x00-0xFF. A character class is a 256-bit set.
 */

/** A set of bytes, 8 x 32 bits. Immutable once built into a node. */
export type ByteSet = Uint32Array;

export type Node =
  | { type: 'empty' }
  /** One byte out of `set` (a literal, a class, `.`, `\d`...). */
  | { type: 'set'; set: ByteSet }
  | { type: 'concat'; items: Node[] }
  | { type: 'alt'; items: Node[] }
  /** `max` is Infinity for an unbounded repetition. */
  | { type: 'repeat'; item: Node; min: number; max: number; lazy: boolean; possessive: boolean }
  /** Capturing group number `index` (1-based). */
  | { type: 'group'; index: number; item: Node }
  /** Atomic group `(?>...)`: needs a backtracking engine. */
  | { type: 'atomic'; item: Node }
  | { type: 'look'; ahead: boolean; negate: boolean; item: Node }
  | { type: 'backref'; index: number; caseInsensitive: boolean }
  | { type: 'assert'; kind: AssertKind };

/**
 * Zero-width assertions.
 * - `bos`: start of subject (`\A`, `^` without MULTILINE)
 * - `bol`: `^` with MULTILINE: start of subject, or after a `\n` that is not the last byte
 * - `eos`: end of subject (`\z`)
 * - `eol`: `$` with MULTILINE: before any `\n`, or at the end
 * - `eosnl`: `$` without MULTILINE, `\Z`: at the end or before a final `\n`
 * - `wordb` / `nwordb`: `\b` / `\B` (ASCII word characters)
 */
export type AssertKind = 'bos' | 'bol' | 'eos' | 'eol' | 'eosnl' | 'wordb' | 'nwordb';

export function emptySet(): ByteSet {
  return new Uint32Array(8);
}

export function setAdd(set: ByteSet, byte: number): void {
  set[byte >>> 5]! |= 1 << (byte & 31);
}

export function setAddRange(set: ByteSet, from: number, to: number): void {
  for (let b = from; b <= to; b++) setAdd(set, b);
}

export function setHas(set: ByteSet, byte: number): boolean {
  return (set[byte >>> 5]! & (1 << (byte & 31))) !== 0;
}

export function setUnionInto(target: ByteSet, other: ByteSet): void {
  for (let i = 0; i < 8; i++) target[i]! |= other[i]!;
}

export function setComplement(set: ByteSet): ByteSet {
  const out = new Uint32Array(8);
  for (let i = 0; i < 8; i++) out[i] = ~set[i]! >>> 0;
  return out;
}

export function setSize(set: ByteSet): number {
  let n = 0;
  for (let i = 0; i < 8; i++) {
    let v = set[i]!;
    while (v !== 0) {
      v &= v - 1;
      n++;
    }
  }
  return n;
}

export function setBytes(set: ByteSet): number[] {
  const out: number[] = [];
  for (let b = 0; b < 256; b++) if (setHas(set, b)) out.push(b);
  return out;
}

export function setEquals(a: ByteSet, b: ByteSet): boolean {
  for (let i = 0; i < 8; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Adds the other ASCII case of every ASCII letter in the set (PCRE2 without UTF folds ASCII only). */
export function setFoldAscii(set: ByteSet): void {
  for (let b = 0x41; b <= 0x5a; b++) {
    if (setHas(set, b) || setHas(set, b + 32)) {
      setAdd(set, b);
      setAdd(set, b + 32);
    }
  }
}

export function setOf(...bytes: number[]): ByteSet {
  const s = emptySet();
  for (const b of bytes) setAdd(s, b);
  return s;
}

/** Byte ranges [from, to] of a set, ascending. */
export function setRanges(set: ByteSet): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let b = 0;
  while (b < 256) {
    if (!setHas(set, b)) {
      b++;
      continue;
    }
    const start = b;
    while (b + 1 < 256 && setHas(set, b + 1)) b++;
    out.push([start, b]);
    b++;
  }
  return out;
}

/** True if the node can match the empty string. Assertions count as empty. */
export function nullable(node: Node): boolean {
  switch (node.type) {
    case 'empty':
    case 'assert':
    case 'look':
      return true;
    case 'set':
      return false;
    case 'concat':
      return node.items.every(nullable);
    case 'alt':
      return node.items.some(nullable);
    case 'repeat':
      return node.min === 0 || nullable(node.item);
    case 'group':
    case 'atomic':
      return nullable(node.item);
    case 'backref':
      return true;
  }
}

/** Fewest bytes any match consumes. */
export function minLength(node: Node): number {
  switch (node.type) {
    case 'empty':
    case 'assert':
    case 'look':
    case 'backref':
      return 0;
    case 'set':
      return 1;
    case 'concat': {
      let n = 0;
      for (const item of node.items) n += minLength(item);
      return n;
    }
    case 'alt': {
      let n = Infinity;
      for (const item of node.items) n = Math.min(n, minLength(item));
      return n === Infinity ? 0 : n;
    }
    case 'repeat':
      return node.min === 0 ? 0 : node.min * minLength(node.item);
    case 'group':
    case 'atomic':
      return minLength(node.item);
  }
}

/** Visits every node, depth first. */
export function walk(node: Node, visit: (n: Node) => void): void {
  visit(node);
  switch (node.type) {
    case 'concat':
    case 'alt':
      for (const item of node.items) walk(item, visit);
      break;
    case 'repeat':
    case 'group':
    case 'atomic':
    case 'look':
      walk(node.item, visit);
      break;
    default:
      break;
  }
}
