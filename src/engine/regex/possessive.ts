/**
 * Possessive quantifiers (`\s*+`) need a backtracking engine in general, but most uses mean
 * nothing more than the greedy form: when no byte the repeated class can take may start what
 * follows, backtracking into the repetition can never produce a match, so `X*+` and `X*`
 * accept the same strings with the same captures. CRS 3.3 (Debian's) writes `\s*+;`,
 * `charset\s*+=` and the like; rewriting those lets RE2 run them in linear time.
 */
import { type ByteSet, type Node, emptySet, nullable, setUnionInto } from './ast.js';

/** Bytes that can start a non-empty match of `node`, or null when unknown (assertions, lookaround, backreferences). */
function firstBytes(node: Node): ByteSet | null {
  switch (node.type) {
    case 'set':
      return node.set;
    case 'empty':
      return emptySet();
    case 'group':
    case 'atomic':
      return firstBytes(node.item);
    case 'repeat':
      return node.max === 0 ? emptySet() : firstBytes(node.item);
    case 'alt': {
      const out = emptySet();
      for (const item of node.items) {
        const f = firstBytes(item);
        if (f === null) return null;
        setUnionInto(out, f);
      }
      return out;
    }
    case 'concat':
      return firstBytesOfSequence(node.items, 0);
    default:
      return null;
  }
}

/** First bytes of items[from..]: through every nullable item up to the first that is not. */
function firstBytesOfSequence(items: Node[], from: number): ByteSet | null {
  const out = emptySet();
  for (let i = from; i < items.length; i++) {
    const item = items[i]!;
    if (item.type === 'assert' && (item.kind === 'wordb' || item.kind === 'nwordb')) continue;
    // `$` / `\z`: only the end of the subject or a newline can come next.
    if (item.type === 'assert' && (item.kind === 'eol' || item.kind === 'eos' || item.kind === 'eosnl')) {
      out[0]! |= 1 << 0x0a;
      return out;
    }
    const f = firstBytes(item);
    if (f === null) return null;
    setUnionInto(out, f);
    if (!nullable(item)) return out;
  }
  // The sequence can end here: what follows is outside this concatenation, so unknown.
  return null;
}

function disjoint(a: ByteSet, b: ByteSet): boolean {
  for (let i = 0; i < 8; i++) if ((a[i]! & b[i]!) !== 0) return false;
  return true;
}

function without(a: ByteSet, b: ByteSet): ByteSet {
  const out = emptySet();
  for (let i = 0; i < 8; i++) out[i] = a[i]! & ~b[i]!;
  return out;
}

function hasGroup(node: Node): boolean {
  switch (node.type) {
    case 'group':
      return true;
    case 'concat':
    case 'alt':
      return node.items.some(hasGroup);
    case 'repeat':
    case 'atomic':
    case 'look':
      return hasGroup(node.item);
    default:
      return false;
  }
}

/**
 * A node matching exactly the strings `node` matches whose first byte is not in `excluded`,
 * or null when that cannot be written without lookaround (the node can match empty, starts
 * with an assertion, or would need a capturing group duplicated).
 */
function excludeFirst(node: Node, excluded: ByteSet): Node | null {
  switch (node.type) {
    case 'set':
      return { type: 'set', set: without(node.set, excluded) };
    case 'group': {
      const item = excludeFirst(node.item, excluded);
      return item === null ? null : { type: 'group', index: node.index, item };
    }
    case 'alt': {
      const items: Node[] = [];
      for (const branch of node.items) {
        const b = excludeFirst(branch, excluded);
        if (b === null) return null;
        items.push(b);
      }
      return { type: 'alt', items };
    }
    case 'concat': {
      const head = node.items[0];
      if (head === undefined || nullable(head)) return null;
      const first = excludeFirst(head, excluded);
      return first === null ? null : { type: 'concat', items: [first, ...node.items.slice(1)] };
    }
    case 'repeat': {
      if (node.min < 1 || node.possessive || hasGroup(node.item)) return null;
      const first = excludeFirst(node.item, excluded);
      if (first === null) return null;
      const rest: Node = { ...node, min: node.min - 1, max: node.max === Infinity ? Infinity : node.max - 1 };
      return { type: 'concat', items: [first, rest] };
    }
    default:
      return null;
  }
}

/**
 * Whether `items[i]` (a possessive repetition of `repeated`) may become greedy. True when what
 * follows cannot start with a repeated byte. Otherwise, after a possessive run the next byte is
 * never in the run's class, so the follower is rewritten to start with a byte outside that
 * class, and the run becomes greedy: `\s*+[^;]+` → `\s*[^;\s][^;]*`, exactly the same matches.
 */
function relaxBefore(items: Node[], i: number, repeated: ByteSet): boolean {
  const follow = firstBytesOfSequence(items, i + 1);
  if (follow !== null && disjoint(follow, repeated)) return true;
  const next = excludeFirst(items[i + 1]!, repeated);
  if (next === null) return false;
  items[i + 1] = next;
  return true;
}

/** Rewrites, in place, every possessive repetition of a byte class that its follower cannot overlap. */
export function relaxPossessive(root: Node): Node {
  const visit = (node: Node, atEnd: boolean): void => {
    switch (node.type) {
      case 'concat':
        node.items.forEach((item, i) => {
          const last = i === node.items.length - 1;
          if (item.type === 'repeat' && item.possessive && item.item.type === 'set') {
            if (last ? atEnd : relaxBefore(node.items, i, item.item.set)) item.possessive = false;
          }
          visit(item, atEnd && last);
        });
        return;
      case 'alt':
        node.items.forEach((item) => visit(item, atEnd));
        return;
      case 'repeat':
        if (node.possessive && node.item.type === 'set' && atEnd) node.possessive = false;
        visit(node.item, false);
        return;
      case 'group':
        visit(node.item, atEnd);
        return;
      case 'atomic':
      case 'look':
        visit(node.item, false);
        return;
      default:
        return;
    }
  };
  visit(root, true);
  return root;
}

/**
 * Last resort for possessive repetitions that cannot be rewritten exactly: run them greedy.
 * Every string a possessive match accepts is accepted greedily too, so the pattern may match
 * more, never less. Returns how many were changed.
 */
export function approximatePossessive(root: Node): number {
  let changed = 0;
  const visit = (node: Node): void => {
    switch (node.type) {
      case 'repeat':
        if (node.possessive) {
          node.possessive = false;
          changed++;
        }
        visit(node.item);
        return;
      case 'concat':
      case 'alt':
        node.items.forEach(visit);
        return;
      case 'group':
      case 'atomic':
      case 'look':
        visit(node.item);
        return;
      default:
        return;
    }
  };
  visit(root);
  return changed;
}
