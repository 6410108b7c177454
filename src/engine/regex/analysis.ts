/**
 * Tree analyses used by the compiler: which engine may run a pattern, the non-empty variant
 * that `@rxGlobal` needs, and where RE2's `^` differs from PCRE2's.
 */
import { type Node, nullable } from './ast.js';

/** Does the tree use a construct only a backtracking engine can run? */
export function needsBacktracking(root: Node): string | null {
  let reason: string | null = null;
  const visit = (node: Node): void => {
    if (reason !== null) return;
    switch (node.type) {
      case 'look':
        reason = node.ahead ? 'lookahead' : 'lookbehind';
        return;
      case 'backref':
        reason = 'backreference';
        return;
      case 'atomic':
        reason = 'atomic group';
        return;
      case 'assert':
        if (node.kind === 'eosnl') reason = '$ without multiline, or \\Z';
        return;
      case 'repeat':
        if (node.possessive) {
          reason = 'possessive quantifier';
          return;
        }
        if (node.min > 1000 || (node.max !== Infinity && node.max > 1000)) {
          reason = 'repetition count above 1000';
          return;
        }
        visit(node.item);
        return;
      case 'concat':
      case 'alt':
        node.items.forEach(visit);
        return;
      case 'group':
        visit(node.item);
        return;
      default:
        return;
    }
  };
  visit(root);
  return reason;
}

/**
 * Upper bound on the paths a backtracking matcher can explore from one start position, or
 * Infinity if a quantifier is unbounded. A finite bound makes a backtracking run linear in
 * the input (bounded work per start position); that is the only proof vpatch accepts for
 * running a pattern on V8's irregexp.
 */
export function backtrackingPathBound(root: Node, cap = 1e9): number {
  const clamp = (n: number): number => (n > cap ? Infinity : n);
  const paths = (node: Node): number => {
    switch (node.type) {
      case 'empty':
      case 'set':
      case 'assert':
        return 1;
      case 'backref':
        return 1;
      case 'concat': {
        let p = 1;
        for (const item of node.items) p = clamp(p * paths(item));
        return p;
      }
      case 'alt': {
        let p = 0;
        for (const item of node.items) p = clamp(p + paths(item));
        return p;
      }
      case 'repeat': {
        if (node.max === Infinity) return Infinity;
        const inner = paths(node.item);
        if (inner === Infinity) return Infinity;
        // sum over k = min..max of inner^k, plus the choice points themselves
        let total = 0;
        let pow = 1;
        for (let k = 0; k <= node.max; k++) {
          if (k >= node.min) total = clamp(total + pow);
          pow = clamp(pow * inner);
          if (total === Infinity) return Infinity;
        }
        return clamp(total * (node.max + 1));
      }
      case 'group':
      case 'atomic':
        return paths(node.item);
      case 'look':
        // A lookaround is run to completion inside the step that tests it.
        return clamp(paths(node.item) + 1);
    }
  };
  return paths(root);
}

/**
 * True if some multiline `^` can be followed by an empty rest of the match. Only then can
 * RE2's `(?m:^)` (which also matches after a final newline, at the very end) give a match
 * that PCRE2 refuses: PCRE2's multiline `^` never matches after a newline that ends the
 * subject. When the rest after every `^` must consume a byte, the two agree.
 */
export function hasBolAtEndHazard(root: Node): boolean {
  let hazard = false;
  const visit = (node: Node, restNullable: boolean): void => {
    if (hazard) return;
    switch (node.type) {
      case 'assert':
        if (node.kind === 'bol' && restNullable) hazard = true;
        return;
      case 'concat': {
        // rest of item i = items i+1.. followed by the parent's rest
        const n = node.items.length;
        const suffixNullable: boolean[] = new Array<boolean>(n + 1);
        suffixNullable[n] = restNullable;
        for (let i = n - 1; i >= 0; i--) suffixNullable[i] = suffixNullable[i + 1]! && nullable(node.items[i]!);
        for (let i = 0; i < n; i++) visit(node.items[i]!, suffixNullable[i + 1]!);
        return;
      }
      case 'alt':
        for (const item of node.items) visit(item, restNullable);
        return;
      case 'repeat':
      case 'group':
      case 'atomic':
        visit(node.item, restNullable);
        return;
      case 'look':
        visit(node.item, true);
        return;
      default:
        return;
    }
  };
  visit(root, true);
  return hazard;
}

/** The tree restricted to its empty matches, or null if it has none. */
function emptyOnly(node: Node): Node | null {
  switch (node.type) {
    case 'empty':
    case 'assert':
    case 'look':
      return node;
    case 'set':
      return null;
    case 'backref':
      return null;
    case 'concat': {
      const items: Node[] = [];
      for (const item of node.items) {
        const e = emptyOnly(item);
        if (e === null) return null;
        items.push(e);
      }
      return { type: 'concat', items };
    }
    case 'alt': {
      const items = node.items.map(emptyOnly).filter((n): n is Node => n !== null);
      if (items.length === 0) return null;
      return items.length === 1 ? items[0]! : { type: 'alt', items };
    }
    case 'repeat': {
      if (node.min === 0) return { type: 'empty' };
      return emptyOnly(node.item);
    }
    case 'group': {
      const e = emptyOnly(node.item);
      return e === null ? null : { type: 'group', index: node.index, item: e };
    }
    case 'atomic': {
      const e = emptyOnly(node.item);
      return e === null ? null : { type: 'atomic', item: e };
    }
  }
}

/**
 * The tree restricted to its non-empty matches (null if it has none), for PCRE2's
 * NOTEMPTY_ATSTART retry in `@rxGlobal`. Exact for alternations and concatenations; for a
 * repetition the first iteration is made non-empty, which PCRE2 agrees with except for
 * patterns whose loop body can match both empty and non-empty text.
 */
export function nonEmpty(node: Node): Node | null {
  switch (node.type) {
    case 'empty':
    case 'assert':
    case 'look':
      return null;
    case 'set':
      return node;
    case 'backref':
      return node;
    case 'group': {
      const n = nonEmpty(node.item);
      return n === null ? null : { type: 'group', index: node.index, item: n };
    }
    case 'atomic': {
      const n = nonEmpty(node.item);
      return n === null ? null : { type: 'atomic', item: n };
    }
    case 'alt': {
      const items = node.items.map(nonEmpty).filter((n): n is Node => n !== null);
      if (items.length === 0) return null;
      return items.length === 1 ? items[0]! : { type: 'alt', items };
    }
    case 'concat': {
      if (node.items.length === 0) return null;
      const [head, ...tail] = node.items;
      const rest: Node = tail.length === 1 ? tail[0]! : { type: 'concat', items: tail };
      const branches: Node[] = [];
      const neHead = nonEmpty(head!);
      if (neHead !== null) branches.push(tail.length === 0 ? neHead : { type: 'concat', items: [neHead, rest] });
      if (tail.length > 0) {
        const eHead = emptyOnly(head!);
        const neRest = eHead === null ? null : nonEmpty(rest);
        if (eHead !== null && neRest !== null) branches.push({ type: 'concat', items: [eHead, neRest] });
      }
      if (branches.length === 0) return null;
      return branches.length === 1 ? branches[0]! : { type: 'alt', items: branches };
    }
    case 'repeat': {
      if (node.max === 0) return null;
      const first = nonEmpty(node.item);
      if (first === null) return null;
      const more: Node = {
        type: 'repeat',
        item: node.item,
        min: Math.max(node.min - 1, 0),
        max: node.max === Infinity ? Infinity : node.max - 1,
        lazy: node.lazy,
        possessive: node.possessive,
      };
      if (more.max === 0) return first;
      return { type: 'concat', items: [first, more] };
    }
  }
}
