/**
 * Parser for the PCRE2 dialect that ModSecurity v3 feeds to pcre2_compile: 8-bit code units
 * (no UTF, no UCP), default character tables (ASCII only), newline = LF, and the options
 * PCRE2_DOTALL | PCRE2_MULTILINE (plus PCRE2_CASELESS when the caller asks for it).
 *
 * The input is a byte string (one code unit per byte). Inline flags, `\Q...\E`, `(?#...)`
 * comments and extended mode are resolved here, so the tree has no flags left in it.
 * Syntax that PCRE2 rejects, and PCRE2 features that vpatch cannot run (recursion,
 * conditionals, verbs, `\K`, `\G`, Unicode properties...), raise RegexSyntaxError.
 */
import {
  type ByteSet,
  type Node,
  emptySet,
  setAdd,
  setAddRange,
  setComplement,
  setFoldAscii,
  setOf,
  setUnionInto,
} from './ast.js';

export class RegexSyntaxError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} at offset ${offset}`);
    this.name = 'RegexSyntaxError';
    this.offset = offset;
  }
}

export interface ParseOptions {
  /** PCRE2_CASELESS from the start (as `(?i)`). */
  caseInsensitive?: boolean;
  /** PCRE2_DOTALL; default true (ModSecurity v3). */
  dotAll?: boolean;
  /** PCRE2_MULTILINE; default true (ModSecurity v3). */
  multiline?: boolean;
}

export interface ParsedRegex {
  root: Node;
  /** Number of capturing groups. */
  groupCount: number;
  /** Group names, index -> name, for information only. */
  names: Map<string, number>;
}

interface Flags {
  i: boolean;
  s: boolean;
  m: boolean;
  x: boolean;
  xx: boolean;
  n: boolean;
  U: boolean;
}

const DIGIT = setRangeOf(0x30, 0x39);
const WORD = (() => {
  const s = setRangeOf(0x30, 0x39);
  setAddRange(s, 0x41, 0x5a);
  setAddRange(s, 0x61, 0x7a);
  setAdd(s, 0x5f);
  return s;
})();
/** PCRE2 `\s`: HT, LF, VT, FF, CR, space (VT since PCRE2 10.0 / Perl 5.18). */
const SPACE = setOf(0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20);
/** PCRE2 `\h` in 8-bit non-UTF mode: HT, space, NBSP (0xA0). */
const HSPACE = setOf(0x09, 0x20, 0xa0);
/** PCRE2 `\v` in 8-bit non-UTF mode: LF, VT, FF, CR, NEL (0x85). */
const VSPACE = setOf(0x0a, 0x0b, 0x0c, 0x0d, 0x85);
const ALL = setComplement(emptySet());
const NOT_NL = setComplement(setOf(0x0a));

function setRangeOf(from: number, to: number): ByteSet {
  const s = emptySet();
  setAddRange(s, from, to);
  return s;
}

/** POSIX classes as PCRE2's default ("C" locale) tables define them. */
const POSIX: Record<string, ByteSet> = (() => {
  const r = (pairs: Array<[number, number]>): ByteSet => {
    const s = emptySet();
    for (const [a, b] of pairs) setAddRange(s, a, b);
    return s;
  };
  return {
    alpha: r([[0x41, 0x5a], [0x61, 0x7a]]),
    digit: r([[0x30, 0x39]]),
    alnum: r([[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]]),
    upper: r([[0x41, 0x5a]]),
    lower: r([[0x61, 0x7a]]),
    space: r([[0x09, 0x0d], [0x20, 0x20]]),
    blank: r([[0x09, 0x09], [0x20, 0x20]]),
    cntrl: r([[0x00, 0x1f], [0x7f, 0x7f]]),
    graph: r([[0x21, 0x7e]]),
    print: r([[0x20, 0x7e]]),
    punct: r([[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]]),
    xdigit: r([[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]]),
    word: r([[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a], [0x5f, 0x5f]]),
    ascii: r([[0x00, 0x7f]]),
  };
})();

const MAX_QUANT = 65535;

/** Shared sets for literals (sets are never mutated once in a node), so caches keyed by set hit. */
const LITERAL_SETS: ByteSet[] = [];
function literalSet(byte: number, fold: boolean): ByteSet {
  const key = byte * 2 + (fold ? 1 : 0);
  let set = LITERAL_SETS[key];
  if (set === undefined) {
    set = setOf(byte);
    if (fold) setFoldAscii(set);
    LITERAL_SETS[key] = set;
  }
  return set;
}

type Escape =
  | { kind: 'char'; byte: number }
  | { kind: 'set'; set: ByteSet }
  | { kind: 'node'; node: Node }
  | { kind: 'none' };

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
function isOctal(c: number): boolean {
  return c >= 0x30 && c <= 0x37;
}
function isAlnum(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}
function isNameChar(c: number): boolean {
  return isAlnum(c) || c === 0x5f;
}

class Parser {
  private pos = 0;
  private groupCount = 0;
  private readonly names = new Map<string, number>();
  private flags: Flags;
  /** Inside `\Q...\E` outside a class. */
  private quoting = false;

  constructor(private readonly src: string, options: ParseOptions) {
    this.flags = {
      i: options.caseInsensitive ?? false,
      s: options.dotAll ?? true,
      m: options.multiline ?? true,
      x: false,
      xx: false,
      n: false,
      U: false,
    };
  }

  parse(): ParsedRegex {
    const root = this.parseAlternation();
    if (this.pos < this.src.length) {
      // Only an unmatched ')' stops the top-level alternation early.
      throw new RegexSyntaxError('unmatched closing parenthesis', this.pos);
    }
    return { root, groupCount: this.groupCount, names: this.names };
  }

  private fail(message: string, at = this.pos): never {
    throw new RegexSyntaxError(message, at);
  }

  private peek(offset = 0): number {
    const i = this.pos + offset;
    return i < this.src.length ? this.src.charCodeAt(i) : -1;
  }

  private startsWith(text: string): boolean {
    return this.src.startsWith(text, this.pos);
  }

  /** Skips whitespace and `#` comments in extended mode, and `(?#...)` comments. */
  private skipIgnorable(): void {
    for (;;) {
      if (this.quoting) return;
      if (this.flags.x) {
        const c = this.peek();
        if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0b || c === 0x0c || c === 0x0d) {
          this.pos++;
          continue;
        }
        if (c === 0x23) {
          while (this.pos < this.src.length && this.peek() !== 0x0a) this.pos++;
          continue;
        }
      }
      if (this.startsWith('(?#')) {
        const end = this.src.indexOf(')', this.pos);
        if (end < 0) this.fail('missing ) after (?# comment');
        this.pos = end + 1;
        continue;
      }
      if (this.startsWith('\\E')) {
        // A stray \E is ignored.
        this.pos += 2;
        continue;
      }
      if (this.startsWith('\\Q')) {
        this.pos += 2;
        this.quoting = true;
        // An empty \Q\E is ignored.
        if (this.startsWith('\\E')) {
          this.pos += 2;
          this.quoting = false;
          continue;
        }
        return;
      }
      return;
    }
  }

  private parseAlternation(): Node {
    const items: Node[] = [this.parseSequence()];
    while (this.peek() === 0x7c /* | */ && !this.quoting) {
      this.pos++;
      items.push(this.parseSequence());
    }
    return items.length === 1 ? items[0]! : { type: 'alt', items };
  }

  private parseSequence(): Node {
    const items: Node[] = [];
    for (;;) {
      this.skipIgnorable();
      if (this.pos >= this.src.length) break;
      const c = this.peek();
      if (!this.quoting && (c === 0x7c || c === 0x29)) break;
      const atomStart = this.pos;
      const atom = this.parseAtom();
      if (atom === null) continue; // flag setting, comment
      this.skipIgnorable();
      const quantified = this.parseQuantifier(atom.node, atom.repeatable, atomStart);
      items.push(quantified);
    }
    if (items.length === 0) return { type: 'empty' };
    return items.length === 1 ? items[0]! : { type: 'concat', items };
  }

  private literal(byte: number): Node {
    return { type: 'set', set: literalSet(byte, this.flags.i) };
  }

  /** Returns null for constructs that produce no node (flag settings). */
  private parseAtom(): { node: Node; repeatable: boolean } | null {
    if (this.quoting) {
      if (this.startsWith('\\E')) {
        this.pos += 2;
        this.quoting = false;
        return null;
      }
      return { node: this.literal(this.src.charCodeAt(this.pos++)), repeatable: true };
    }
    const c = this.peek();
    switch (c) {
      case 0x28 /* ( */:
        return this.parseGroup();
      case 0x5b /* [ */:
        return { node: { type: 'set', set: this.parseClass() }, repeatable: true };
      case 0x2e /* . */:
        this.pos++;
        return { node: { type: 'set', set: this.flags.s ? ALL : NOT_NL }, repeatable: true };
      case 0x5e /* ^ */:
        this.pos++;
        return { node: { type: 'assert', kind: this.flags.m ? 'bol' : 'bos' }, repeatable: false };
      case 0x24 /* $ */:
        this.pos++;
        return { node: { type: 'assert', kind: this.flags.m ? 'eol' : 'eosnl' }, repeatable: false };
      case 0x2a /* * */:
      case 0x2b /* + */:
      case 0x3f /* ? */:
        this.fail('quantifier does not follow a repeatable item');
      // falls through (fail never returns)
      case 0x7b /* { */:
        if (this.quantifierAt(this.pos) !== null) this.fail('quantifier does not follow a repeatable item');
        this.pos++;
        return { node: this.literal(c), repeatable: true };
      case 0x5c /* \ */: {
        const esc = this.parseEscape(false);
        switch (esc.kind) {
          case 'char':
            return { node: this.literal(esc.byte), repeatable: true };
          case 'set':
            return { node: { type: 'set', set: esc.set }, repeatable: true };
          case 'node':
            return { node: esc.node, repeatable: esc.node.type !== 'assert' };
          case 'none':
            return null;
        }
      }
      // falls through (unreachable)
      default:
        this.pos++;
        return { node: this.literal(c), repeatable: true };
    }
  }

  /** Parses `{n}`, `{n,}`, `{n,m}` at `at`; null if the brace is a literal. */
  private quantifierAt(at: number): { min: number; max: number; end: number } | null {
    const src = this.src;
    let i = at + 1;
    const readNum = (): number | null => {
      const start = i;
      while (i < src.length && isDigit(src.charCodeAt(i))) i++;
      if (i === start) return null;
      return Number(src.slice(start, i));
    };
    const min = readNum();
    if (min === null) return null; // PCRE2 10.42: {,n} is a literal
    if (src.charCodeAt(i) === 0x7d) return { min, max: min, end: i + 1 };
    if (src.charCodeAt(i) !== 0x2c) return null;
    i++;
    if (src.charCodeAt(i) === 0x7d) return { min, max: Infinity, end: i + 1 };
    const max = readNum();
    if (max === null || src.charCodeAt(i) !== 0x7d) return null;
    return { min, max, end: i + 1 };
  }

  private parseQuantifier(node: Node, repeatable: boolean, atomStart: number): Node {
    if (this.quoting) return node;
    let min: number;
    let max: number;
    const c = this.peek();
    if (c === 0x2a) {
      min = 0;
      max = Infinity;
      this.pos++;
    } else if (c === 0x2b) {
      min = 1;
      max = Infinity;
      this.pos++;
    } else if (c === 0x3f) {
      min = 0;
      max = 1;
      this.pos++;
    } else if (c === 0x7b) {
      const q = this.quantifierAt(this.pos);
      if (q === null) return node;
      if (q.min > MAX_QUANT || (q.max !== Infinity && q.max > MAX_QUANT)) this.fail('number too big in {} quantifier');
      if (q.max < q.min) this.fail('numbers out of order in {} quantifier');
      min = q.min;
      max = q.max;
      this.pos = q.end;
    } else {
      return node;
    }
    if (!repeatable) this.fail('quantifier does not follow a repeatable item', atomStart);
    let lazy = this.flags.U;
    let possessive = false;
    if (this.peek() === 0x3f) {
      lazy = !lazy;
      this.pos++;
    } else if (this.peek() === 0x2b) {
      possessive = true;
      lazy = false;
      this.pos++;
    }
    this.skipIgnorable();
    const n = this.peek();
    if (!this.quoting && (n === 0x2a || n === 0x2b || n === 0x3f || (n === 0x7b && this.quantifierAt(this.pos) !== null))) {
      this.fail('quantifier does not follow a repeatable item');
    }
    if (node.type === 'look') {
      // PCRE2 treats a repeated assertion as {0,1} at most.
      if (max > 1) max = 1;
      if (min > 1) min = 1;
    }
    return { type: 'repeat', item: node, min, max, lazy, possessive };
  }

  private readName(terminator: number): string {
    const start = this.pos;
    while (this.pos < this.src.length && isNameChar(this.peek())) this.pos++;
    if (this.pos === start) this.fail('group name expected');
    if (this.peek() !== terminator) this.fail('syntax error in group name');
    const name = this.src.slice(start, this.pos);
    this.pos++;
    return name;
  }

  private parseGroupBody(flags: Flags): Node {
    const saved = this.flags;
    this.flags = { ...flags };
    const node = this.parseAlternation();
    if (this.peek() !== 0x29) this.fail('missing closing parenthesis');
    this.pos++;
    this.flags = saved;
    return node;
  }

  private capture(name: string | null): { node: Node; repeatable: boolean } {
    const index = ++this.groupCount;
    if (name !== null) {
      if (this.names.has(name)) this.fail('two named groups have the same name');
      this.names.set(name, index);
    }
    const item = this.parseGroupBody(this.flags);
    return { node: { type: 'group', index, item }, repeatable: true };
  }

  private parseGroup(): { node: Node; repeatable: boolean } | null {
    const start = this.pos;
    this.pos++; // (
    if (this.peek() === 0x2a /* * */) this.fail('backtracking control verbs and (*...) options are not supported', start);
    if (this.peek() !== 0x3f /* ? */) {
      if (this.flags.n) {
        return { node: this.parseGroupBody(this.flags), repeatable: true };
      }
      return this.capture(null);
    }
    this.pos++; // ?
    const c = this.peek();
    switch (c) {
      case 0x3a /* : */:
        this.pos++;
        return { node: this.parseGroupBody(this.flags), repeatable: true };
      case 0x3e /* > */:
        this.pos++;
        return { node: { type: 'atomic', item: this.parseGroupBody(this.flags) }, repeatable: true };
      case 0x3d /* = */:
      case 0x21 /* ! */:
        this.pos++;
        return {
          node: { type: 'look', ahead: true, negate: c === 0x21, item: this.parseGroupBody(this.flags) },
          repeatable: true,
        };
      case 0x3c /* < */: {
        const n = this.peek(1);
        if (n === 0x3d || n === 0x21) {
          this.pos += 2;
          return {
            node: { type: 'look', ahead: false, negate: n === 0x21, item: this.parseGroupBody(this.flags) },
            repeatable: true,
          };
        }
        this.pos++;
        return this.capture(this.readName(0x3e));
      }
      case 0x27 /* ' */:
        this.pos++;
        return this.capture(this.readName(0x27));
      case 0x50 /* P */: {
        const n = this.peek(1);
        if (n === 0x3c) {
          this.pos += 2;
          return this.capture(this.readName(0x3e));
        }
        if (n === 0x3d) {
          this.pos += 2;
          const name = this.readName(0x29);
          return { node: this.namedBackref(name, start), repeatable: true };
        }
        this.fail('recursion and subroutine calls are not supported', start);
      }
      // falls through (unreachable)
      case 0x7c /* | */:
        this.fail('branch reset groups (?|...) are not supported', start);
      // falls through (unreachable)
      case 0x28 /* ( */:
        this.fail('conditional groups are not supported', start);
      // falls through (unreachable)
      case 0x52 /* R */:
      case 0x26 /* & */:
      case 0x2b /* + */:
        this.fail('recursion and subroutine calls are not supported', start);
      // falls through (unreachable)
      case 0x43 /* C */:
        this.fail('callouts are not supported', start);
      // falls through (unreachable)
      default:
        break;
    }
    if (isDigit(c) || c === 0x2d && isDigit(this.peek(1))) {
      this.fail('recursion and subroutine calls are not supported', start);
    }
    // Option setting: (?imnsxUJ-imnsxUJ) or (?^...) with ')' or ':'.
    const flags: Flags = { ...this.flags };
    let negate = false;
    if (this.peek() === 0x5e /* ^ */) {
      flags.i = false;
      flags.m = false;
      flags.n = false;
      flags.s = false;
      flags.x = false;
      flags.xx = false;
      this.pos++;
    }
    for (;;) {
      const f = this.peek();
      if (f === 0x29 /* ) */) {
        this.pos++;
        this.flags = flags; // applies to the rest of the enclosing group
        return null;
      }
      if (f === 0x3a /* : */) {
        this.pos++;
        return { node: this.parseGroupBody(flags), repeatable: true };
      }
      this.pos++;
      switch (f) {
        case 0x2d /* - */:
          if (negate) this.fail('unrecognized character after (? or (?-', this.pos - 1);
          negate = true;
          break;
        case 0x69 /* i */:
          flags.i = !negate;
          break;
        case 0x6d /* m */:
          flags.m = !negate;
          break;
        case 0x73 /* s */:
          flags.s = !negate;
          break;
        case 0x6e /* n */:
          flags.n = !negate;
          break;
        case 0x55 /* U */:
          flags.U = !negate;
          break;
        case 0x4a /* J */:
          break;
        case 0x78 /* x */:
          if (this.peek() === 0x78) {
            this.pos++;
            flags.xx = !negate;
          }
          flags.x = !negate;
          if (negate) flags.xx = false;
          break;
        default:
          this.fail('unrecognized character after (? or (?-', this.pos - 1);
      }
    }
  }

  private namedBackref(name: string, at: number): Node {
    const index = this.names.get(name);
    if (index === undefined) this.fail(`reference to non-existent subpattern '${name}'`, at);
    return { type: 'backref', index, caseInsensitive: this.flags.i };
  }

  /** Parses an escape after `\`; `this.pos` is at the backslash. */
  private parseEscape(inClass: boolean): Escape {
    const start = this.pos;
    this.pos++;
    if (this.pos >= this.src.length) this.fail('\\ at end of pattern', start);
    const c = this.src.charCodeAt(this.pos++);
    switch (c) {
      case 0x61 /* a */:
        return { kind: 'char', byte: 0x07 };
      case 0x65 /* e */:
        return { kind: 'char', byte: 0x1b };
      case 0x66 /* f */:
        return { kind: 'char', byte: 0x0c };
      case 0x6e /* n */:
        return { kind: 'char', byte: 0x0a };
      case 0x72 /* r */:
        return { kind: 'char', byte: 0x0d };
      case 0x74 /* t */:
        return { kind: 'char', byte: 0x09 };
      case 0x30 /* 0 */: {
        let v = 0;
        for (let k = 0; k < 2 && isOctal(this.peek()); k++) v = v * 8 + (this.src.charCodeAt(this.pos++) - 0x30);
        return { kind: 'char', byte: v };
      }
      case 0x6f /* o */: {
        if (this.peek() !== 0x7b) this.fail('missing opening brace after \\o', start);
        this.pos++;
        let v = 0;
        let digits = 0;
        while (isOctal(this.peek())) {
          v = v * 8 + (this.src.charCodeAt(this.pos++) - 0x30);
          digits++;
        }
        if (digits === 0 || this.peek() !== 0x7d) this.fail('non-octal character in \\o{} (closing brace missing?)', start);
        this.pos++;
        if (v > 0xff) this.fail('character code point value in \\x{} or \\o{} is too large', start);
        return { kind: 'char', byte: v };
      }
      case 0x78 /* x */: {
        if (this.peek() === 0x7b) {
          this.pos++;
          let v = 0;
          let digits = 0;
          while (isHex(this.peek())) {
            v = v * 16 + parseInt(this.src[this.pos++]!, 16);
            digits++;
            if (v > 0x10ffff) break;
          }
          if (digits === 0 || this.peek() !== 0x7d) this.fail('non-hex character in \\x{} (closing brace missing?)', start);
          this.pos++;
          if (v > 0xff) this.fail('character code point value in \\x{} or \\o{} is too large', start);
          return { kind: 'char', byte: v };
        }
        let v = 0;
        for (let k = 0; k < 2 && isHex(this.peek()); k++) v = v * 16 + parseInt(this.src[this.pos++]!, 16);
        return { kind: 'char', byte: v };
      }
      case 0x63 /* c */: {
        const n = this.peek();
        if (n < 0x20 || n > 0x7e) this.fail('\\c must be followed by a printable ASCII character', start);
        this.pos++;
        const upper = n >= 0x61 && n <= 0x7a ? n - 32 : n;
        return { kind: 'char', byte: upper ^ 0x40 };
      }
      case 0x64 /* d */:
        return { kind: 'set', set: DIGIT };
      case 0x44 /* D */:
        return { kind: 'set', set: setComplement(DIGIT) };
      case 0x77 /* w */:
        return { kind: 'set', set: WORD };
      case 0x57 /* W */:
        return { kind: 'set', set: setComplement(WORD) };
      case 0x73 /* s */:
        return { kind: 'set', set: SPACE };
      case 0x53 /* S */:
        return { kind: 'set', set: setComplement(SPACE) };
      case 0x68 /* h */:
        return { kind: 'set', set: HSPACE };
      case 0x48 /* H */:
        return { kind: 'set', set: setComplement(HSPACE) };
      case 0x76 /* v */:
        return { kind: 'set', set: VSPACE };
      case 0x56 /* V */:
        return { kind: 'set', set: setComplement(VSPACE) };
      case 0x62 /* b */:
        if (inClass) return { kind: 'char', byte: 0x08 };
        return { kind: 'node', node: { type: 'assert', kind: 'wordb' } };
      case 0x42 /* B */:
        if (inClass) this.fail('escape sequence is invalid in character class', start);
        return { kind: 'node', node: { type: 'assert', kind: 'nwordb' } };
      case 0x41 /* A */:
        if (inClass) this.fail('escape sequence is invalid in character class', start);
        return { kind: 'node', node: { type: 'assert', kind: 'bos' } };
      case 0x7a /* z */:
        if (inClass) this.fail('escape sequence is invalid in character class', start);
        return { kind: 'node', node: { type: 'assert', kind: 'eos' } };
      case 0x5a /* Z */:
        if (inClass) this.fail('escape sequence is invalid in character class', start);
        return { kind: 'node', node: { type: 'assert', kind: 'eosnl' } };
      case 0x4e /* N */:
        if (inClass) this.fail('escape sequence is invalid in character class', start);
        if (this.peek() === 0x7b) this.fail('\\N{...} is not supported without UTF', start);
        return { kind: 'set', set: NOT_NL };
      case 0x43 /* C */:
        if (inClass) this.fail('escape sequence is invalid in character class', start);
        return { kind: 'set', set: ALL };
      case 0x52 /* R */: {
        if (inClass) this.fail('escape sequence is invalid in character class', start);
        // (?>\r\n|\n|\x0b|\f|\r|\x85): atomic, so \r\n is taken whole when present.
        const crlf: Node = { type: 'concat', items: [{ type: 'set', set: setOf(0x0d) }, { type: 'set', set: setOf(0x0a) }] };
        const one: Node = { type: 'set', set: setOf(0x0a, 0x0b, 0x0c, 0x0d, 0x85) };
        return { kind: 'node', node: { type: 'atomic', item: { type: 'alt', items: [crlf, one] } } };
      }
      case 0x67 /* g */: {
        if (inClass) this.fail('escape sequence is invalid in character class', start);
        return { kind: 'node', node: this.parseGReference(start) };
      }
      case 0x6b /* k */: {
        if (inClass) this.fail('escape sequence is invalid in character class', start);
        const open = this.peek();
        const close = open === 0x3c ? 0x3e : open === 0x27 ? 0x27 : open === 0x7b ? 0x7d : -1;
        if (close < 0) this.fail('\\k is not followed by a braced, angle-bracketed, or quoted name', start);
        this.pos++;
        return { kind: 'node', node: this.namedBackref(this.readName(close), start) };
      }
      case 0x45 /* E */:
        return { kind: 'none' };
      case 0x51 /* Q */:
        // Handled by skipIgnorable outside classes; inside classes by parseClass.
        this.fail('internal: unexpected \\Q', start);
      // falls through (unreachable)
      case 0x47 /* G */:
      case 0x4b /* K */:
      case 0x58 /* X */:
      case 0x70 /* p */:
      case 0x50 /* P */:
        this.fail(`\\${String.fromCharCode(c)} is not supported`, start);
      // falls through (unreachable)
      default:
        break;
    }
    if (c >= 0x31 && c <= 0x39) {
      if (inClass) {
        // Octal if possible, otherwise the digit itself.
        if (c <= 0x37) {
          let v = c - 0x30;
          for (let k = 0; k < 2 && isOctal(this.peek()); k++) v = v * 8 + (this.src.charCodeAt(this.pos++) - 0x30);
          return { kind: 'char', byte: v & 0xff };
        }
        return { kind: 'char', byte: c };
      }
      let end = this.pos;
      while (end < this.src.length && isDigit(this.src.charCodeAt(end))) end++;
      const num = Number(this.src.slice(this.pos - 1, end));
      if (num < 10 || c === 0x38 || c === 0x39 || num <= this.groupCount) {
        this.pos = end;
        return { kind: 'node', node: { type: 'backref', index: num, caseInsensitive: this.flags.i } };
      }
      // Up to three octal digits form a character.
      let v = 0;
      this.pos--;
      for (let k = 0; k < 3 && isOctal(this.peek()); k++) v = v * 8 + (this.src.charCodeAt(this.pos++) - 0x30);
      return { kind: 'char', byte: v & 0xff };
    }
    if (isAlnum(c)) this.fail(`unrecognized character follows \\ (\\${String.fromCharCode(c)})`, start);
    return { kind: 'char', byte: c };
  }

  private parseGReference(start: number): Node {
    const open = this.peek();
    if (open === 0x3c || open === 0x27) this.fail('subroutine calls are not supported', start);
    let text: string;
    if (open === 0x7b) {
      const end = this.src.indexOf('}', this.pos);
      if (end < 0) this.fail('\\g is not followed by a braced, angle-bracketed, or quoted name/number', start);
      text = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
    } else {
      let end = this.pos;
      if (this.src[end] === '-' || this.src[end] === '+') end++;
      while (end < this.src.length && isDigit(this.src.charCodeAt(end))) end++;
      text = this.src.slice(this.pos, end);
      this.pos = end;
    }
    if (/^[+-]?\d+$/.test(text)) {
      let n = Number(text);
      if (text.startsWith('-')) n = this.groupCount + 1 + n;
      else if (text.startsWith('+')) this.fail('forward relative references are not supported', start);
      if (n <= 0) this.fail('a relative value of zero is not allowed', start);
      return { type: 'backref', index: n, caseInsensitive: this.flags.i };
    }
    if (/^[A-Za-z0-9_]+$/.test(text)) return this.namedBackref(text, start);
    this.fail('\\g is not followed by a braced, angle-bracketed, or quoted name/number', start);
  }

  /** Parses `[...]`; `this.pos` is at `[`. Returns the final byte set (folded, negated). */
  private parseClass(): ByteSet {
    const start = this.pos;
    this.pos++;
    let negate = false;
    if (this.peek() === 0x5e) {
      negate = true;
      this.pos++;
    }
    const set = emptySet();
    let first = true;
    let quoting = false;
    for (;;) {
      if (this.pos >= this.src.length) this.fail('missing terminating ] for character class', start);
      if (quoting) {
        if (this.startsWith('\\E')) {
          this.pos += 2;
          quoting = false;
          continue;
        }
        const b = this.src.charCodeAt(this.pos++);
        this.classRange(set, b);
        first = false;
        continue;
      }
      const c = this.peek();
      if (c === 0x5d /* ] */ && !first) {
        this.pos++;
        break;
      }
      first = false;
      if (this.flags.xx && (c === 0x20 || c === 0x09)) {
        this.pos++;
        continue;
      }
      if (c === 0x5b /* [ */) {
        const posix = /^\[([:.=])(\^?)([a-z]+)\1\]/.exec(this.src.slice(this.pos, this.pos + 16));
        if (posix) {
          if (posix[1] !== ':') this.fail('POSIX collating elements are not supported', this.pos);
          const cls = POSIX[posix[3]!];
          if (!cls) this.fail('unknown POSIX class name', this.pos);
          setUnionInto(set, posix[2] === '^' ? setComplement(cls) : cls);
          this.pos += posix[0].length;
          if (this.peek() === 0x2d && this.peek(1) !== 0x5d && this.peek(1) !== -1) {
            this.fail('invalid range in character class', this.pos);
          }
          continue;
        }
      }
      if (c === 0x5c /* \ */) {
        if (this.startsWith('\\Q')) {
          this.pos += 2;
          quoting = true;
          continue;
        }
        if (this.startsWith('\\E')) {
          this.pos += 2;
          continue;
        }
        const esc = this.parseEscape(true);
        if (esc.kind === 'set') {
          // PCRE2 10.42: a class escape cannot start a range; '-' right before ']' is literal.
          if (this.peek() === 0x2d && this.peek(1) !== 0x5d && this.peek(1) !== -1) {
            this.fail('invalid range in character class', this.pos);
          }
          setUnionInto(set, esc.set);
          continue;
        }
        if (esc.kind === 'char') {
          this.classRange(set, esc.byte);
          continue;
        }
        continue;
      }
      this.pos++;
      this.classRange(set, c);
    }
    if (this.flags.i) setFoldAscii(set);
    return negate ? setComplement(set) : set;
  }

  /**
   * Adds byte `b` to the class, handling `a-z` ranges: if `b` is followed by '-' and a
   * character other than ']', the range is consumed here.
   */
  private classRange(set: ByteSet, b: number): void {
    if (this.peek() === 0x2d /* - */ && this.peek(1) !== 0x5d /* ] */ && this.peek(1) !== -1) {
      const save = this.pos;
      this.pos++; // -
      let hi: number;
      const n = this.peek();
      if (n === 0x5c) {
        if (this.startsWith('\\Q') || this.startsWith('\\E')) {
          this.pos = save;
          setAdd(set, b);
          return;
        }
        const escStart = this.pos;
        const esc = this.parseEscape(true);
        if (esc.kind !== 'char') this.fail('invalid range in character class', escStart);
        hi = esc.byte;
      } else if (n === 0x5b && /^\[:\^?[a-z]+:\]/.test(this.src.slice(this.pos, this.pos + 16))) {
        this.fail('invalid range in character class', this.pos);
      } else {
        hi = n;
        this.pos++;
      }
      if (hi < b) this.fail('range out of order in character class', save);
      setAddRange(set, b, hi);
      return;
    }
    setAdd(set, b);
  }
}

/**
 * Converts a pattern to a byte string: code units above 0xFF mean the caller passed
 * Unicode text, which is encoded as UTF-8 (what ModSecurity reads from a rules file).
 */
export function toBytePattern(pattern: string): string {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern.charCodeAt(i) > 0xff) return Buffer.from(pattern, 'utf8').toString('latin1');
  }
  return pattern;
}

export function parseRegex(pattern: string, options: ParseOptions = {}): ParsedRegex {
  const parsed = new Parser(toBytePattern(pattern), options).parse();
  checkBackrefs(parsed);
  return parsed;
}

function checkBackrefs(parsed: ParsedRegex): void {
  const visit = (node: Node): void => {
    switch (node.type) {
      case 'backref':
        if (node.index > parsed.groupCount) throw new RegexSyntaxError(`reference to non-existent subpattern ${node.index}`, 0);
        return;
      case 'concat':
      case 'alt':
        node.items.forEach(visit);
        return;
      case 'repeat':
      case 'group':
      case 'atomic':
      case 'look':
        visit(node.item);
        return;
      default:
        return;
    }
  };
  visit(parsed.root);
}
