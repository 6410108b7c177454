/**
 * Emitters: turn the flag-free syntax tree into a pattern for RE2 (linear time) or for
 * V8's irregexp (backtracking; used only for patterns proven safe, see safety.ts).
 *
 * Byte semantics:
 * - RE2 (through the `re2` package) always works on Unicode text and has no Latin-1 mode.
 *   Bytes 0x00-0x7F stay themselves; bytes 0x80-0xFF are mapped to the Private Use Area
 *   U+E080-U+E0FF, both in the pattern (here) and in every input (bytes.ts). PUA code points
 *   have no case mapping, are not `\s`/`\w`, and are never a line end, so RE2 then behaves
 *   as PCRE2 does on bytes. Every class is emitted as explicit byte ranges, so RE2's own
 *   meaning of `\s`, `\w`, `(?i)` never comes into play.
 * - V8 gets the byte string as it is (one code unit per byte) and no flags at all: case
 *   folding is already in the byte sets (ASCII only, as PCRE2 without UTF).
 */
import { type ByteSet, type Node, setHas, setRanges, setSize } from './ast.js';

export const PUA_BASE = 0xe000;

export class UnsupportedError extends Error {}

function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}

// ---------------------------------------------------------------- RE2

const RE2_META = new Set('\\^$.|?*+()[]{}-/'.split(''));

function re2Char(b: number, inClass: boolean): string {
  if (b >= 0x80) return `\\x{${(PUA_BASE + b).toString(16)}}`;
  if (b < 0x20 || b === 0x7f) return `\\x{${hex2(b)}}`;
  const ch = String.fromCharCode(b);
  if (RE2_META.has(ch) || (inClass && (ch === ']' || ch === '[' || ch === '^' || ch === '-'))) return '\\' + ch;
  if (ch === ' ' || ch === '#' || ch === '&' || ch === '~' || ch === '"' || ch === "'") return ch;
  return ch;
}

/** Stands for the subject's final newline in the variant described at emitRe2. */
export const FINAL_NL = 0xe10a;
/** captureOrder marker of the group that shows `$` matched before the final newline. */
export const FINAL_NL_GROUP = -1;

const re2ClassCache = new WeakMap<ByteSet, string>();

function re2Class(set: ByteSet, finalNewline = false): string {
  if (!finalNewline) {
    let text = re2ClassCache.get(set);
    if (text === undefined) {
      text = re2ClassUncached(set, false);
      re2ClassCache.set(set, text);
    }
    return text;
  }
  return re2ClassUncached(set, true);
}

function re2ClassUncached(set: ByteSet, finalNewline: boolean): string {
  const size = setSize(set);
  if (size === 256) return '(?s:.)';
  if (finalNewline && setHas(set, 0x0a)) {
    const inner = re2Class(set);
    const nl = `\\x{${FINAL_NL.toString(16)}}`;
    return inner.startsWith('[') ? `[${inner.slice(1, -1)}${nl}]` : `[${inner}${nl}]`;
  }
  if (size === 0) return '[^\\x00-\\x{10ffff}]';
  const ranges = setRanges(set);
  if (ranges.length === 1 && ranges[0]![0] === ranges[0]![1]) return re2Char(ranges[0]![0], false);
  let out = '[';
  for (const [lo, hi] of ranges) {
    if (lo < 0x80 && hi >= 0x80) {
      out += re2Range(lo, 0x7f) + re2Range(0x80, hi);
    } else {
      out += re2Range(lo, hi);
    }
  }
  return out + ']';
}

function re2Range(lo: number, hi: number): string {
  if (lo === hi) return re2Char(lo, true);
  if (hi === lo + 1) return re2Char(lo, true) + re2Char(hi, true);
  return re2Char(lo, true) + '-' + re2Char(hi, true);
}

/** Precedence levels: 0 alternation, 1 concatenation, 2 atom. */
function wrap(text: string, level: number, need: number): string {
  return level >= need ? text : `(?:${text})`;
}

export interface Re2Emit {
  source: string;
  /** captureOrder[k - 1] = PCRE group number of RE2 group k (a group may be emitted twice). */
  captureOrder: number[];
}

/**
 * Throws UnsupportedError for constructs RE2 cannot run (lookaround, backreferences...).
 *
 * `finalNewline` emits the variant for subjects that end with `\n`, whose last byte the
 * caller replaces by U+E10A (FINAL_NL). RE2's `(?m:^)` matches after a newline that ends
 * the subject; PCRE2's does not. In the variant no `\n` ends the subject, so `^` agrees;
 * every set that holds `\n` also holds FINAL_NL; and `$` either matches as usual or
 * consumes FINAL_NL at the end, inside a marker group (FINAL_NL_GROUP) so that the caller
 * can give that byte back. The variant is exact unless something after such a `$` would
 * have to consume the final newline itself (`$\n`), which no CRS pattern does.
 */
export function emitRe2(root: Node, finalNewline = false): Re2Emit {
  const captureOrder: number[] = [];
  const emit = (node: Node): [string, number] => {
    switch (node.type) {
      case 'empty':
        return ['', 1];
      case 'set':
        return [re2Class(node.set, finalNewline), 2];
      case 'concat': {
        let out = '';
        for (const item of node.items) {
          const [text, level] = emit(item);
          out += wrap(text, level, 1);
        }
        return [out, 1];
      }
      case 'alt':
        return [node.items.map((item) => emit(item)[0]).join('|'), 0];
      case 'group':
        captureOrder.push(node.index);
        return [`(${emit(node.item)[0]})`, 2];
      case 'repeat': {
        if (node.possessive) throw new UnsupportedError('possessive quantifier');
        if (node.min > 1000 || (node.max !== Infinity && node.max > 1000)) {
          throw new UnsupportedError('repetition count above 1000');
        }
        const [text, level] = emit(node.item);
        const base = text === '' ? '(?:)' : wrap(text, level, 2);
        let q: string;
        if (node.min === 0 && node.max === Infinity) q = '*';
        else if (node.min === 1 && node.max === Infinity) q = '+';
        else if (node.min === 0 && node.max === 1) q = '?';
        else if (node.max === Infinity) q = `{${node.min},}`;
        else if (node.min === node.max) q = `{${node.min}}`;
        else q = `{${node.min},${node.max}}`;
        // Assertions cannot take a quantifier directly in RE2.
        const atom = node.item.type === 'assert' || node.item.type === 'repeat' ? `(?:${base})` : base;
        // Level 1: a repetition must be wrapped before it is repeated again.
        return [atom + q + (node.lazy ? '?' : ''), 1];
      }
      case 'assert':
        switch (node.kind) {
          case 'bos':
            return ['\\A', 2];
          case 'bol':
            return ['(?m:^)', 2];
          case 'eos':
            return ['\\z', 2];
          case 'eol':
            if (finalNewline) {
              captureOrder.push(FINAL_NL_GROUP);
              return [`(?:(?m:$)|(\\x{${FINAL_NL.toString(16)}})\\z)`, 2];
            }
            return ['(?m:$)', 2];
          case 'wordb':
            return ['\\b', 2];
          case 'nwordb':
            return ['\\B', 2];
          case 'eosnl':
            throw new UnsupportedError('$ without multiline or \\Z (end or before a final newline)');
        }
      // falls through (unreachable)
      case 'atomic':
        throw new UnsupportedError('atomic group');
      case 'look':
        throw new UnsupportedError(node.ahead ? 'lookahead' : 'lookbehind');
      case 'backref':
        throw new UnsupportedError('backreference');
    }
  };
  const source = emit(root)[0];
  return { source, captureOrder };
}

// ---------------------------------------------------------------- V8 irregexp

const JS_META = new Set('\\^$.|?*+()[]{}/'.split(''));

function jsChar(b: number, inClass: boolean): string {
  if (b < 0x20 || b >= 0x7f) return `\\x${hex2(b)}`;
  const ch = String.fromCharCode(b);
  if (JS_META.has(ch) || (inClass && (ch === '-' || ch === '^'))) return '\\' + ch;
  return ch;
}

function jsClass(set: ByteSet): string {
  const size = setSize(set);
  if (size === 256) return '[\\s\\S]';
  if (size === 0) return '[^\\s\\S]';
  const ranges = setRanges(set);
  if (ranges.length === 1 && ranges[0]![0] === ranges[0]![1]) return jsChar(ranges[0]![0], false);
  let out = '[';
  for (const [lo, hi] of ranges) {
    if (lo === hi) out += jsChar(lo, true);
    else if (hi === lo + 1) out += jsChar(lo, true) + jsChar(hi, true);
    else out += jsChar(lo, true) + '-' + jsChar(hi, true);
  }
  return out + ']';
}

export interface JsEmit {
  source: string;
  /** captureOrder[k - 1] = PCRE group number of JS group k; 0 for helper groups. */
  captureOrder: number[];
}

/**
 * Emits a V8 pattern (use with no flags) with PCRE2's exact meaning on byte strings,
 * including lookaround, backreferences, atomic groups and possessive quantifiers.
 */
export function emitJs(root: Node): JsEmit {
  // First pass: JS group numbers in order of their opening parenthesis. The emitting pass
  // below walks the tree in the same order and takes numbers from this list.
  const captureOrder: number[] = [];
  const firstJsGroup = new Map<number, number>();
  const number = (node: Node): void => {
    switch (node.type) {
      case 'group':
        captureOrder.push(node.index);
        if (!firstJsGroup.has(node.index)) firstJsGroup.set(node.index, captureOrder.length);
        number(node.item);
        return;
      case 'atomic':
        captureOrder.push(0);
        number(node.item);
        return;
      case 'repeat':
        if (node.possessive) captureOrder.push(0);
        number(node.item);
        return;
      case 'concat':
      case 'alt':
        node.items.forEach(number);
        return;
      case 'look':
        number(node.item);
        return;
      default:
        return;
    }
  };
  number(root);
  let counter = 0;

  const emit = (node: Node): [string, number] => {
    switch (node.type) {
      case 'empty':
        return ['', 1];
      case 'set':
        return [jsClass(node.set), 2];
      case 'concat': {
        let out = '';
        for (const item of node.items) {
          const [text, level] = emit(item);
          out += wrap(text, level, 1);
        }
        return [out, 1];
      }
      case 'alt':
        return [node.items.map((item) => emit(item)[0]).join('|'), 0];
      case 'group':
        counter++;
        return [`(${emit(node.item)[0]})`, 2];
      case 'repeat': {
        const h = node.possessive ? ++counter : 0;
        const [text, level] = emit(node.item);
        const base = text === '' ? '(?:)' : wrap(text, level, 2);
        let q: string;
        if (node.min === 0 && node.max === Infinity) q = '*';
        else if (node.min === 1 && node.max === Infinity) q = '+';
        else if (node.min === 0 && node.max === 1) q = '?';
        else if (node.max === Infinity) q = `{${node.min},}`;
        else if (node.min === node.max) q = `{${node.min}}`;
        else q = `{${node.min},${node.max}}`;
        const atom =
          node.item.type === 'assert' || node.item.type === 'look' || node.item.type === 'repeat' ? `(?:${base})` : base;
        const body = atom + q + (node.lazy ? '?' : '');
        if (node.possessive) {
          return [`(?=(${body}))\\${h}`, 1];
        }
        return [body, 1];
      }
      case 'atomic': {
        const h = ++counter;
        return [`(?=(${emit(node.item)[0]}))\\${h}`, 1];
      }
      case 'look': {
        const head = node.ahead ? (node.negate ? '(?!' : '(?=') : node.negate ? '(?<!' : '(?<=';
        return [`${head}${emit(node.item)[0]})`, 2];
      }
      case 'backref':
        if (node.caseInsensitive) throw new UnsupportedError('case-insensitive backreference');
        return [`(?:\\${firstJsGroup.get(node.index) ?? 0})`, 2];
      case 'assert':
        switch (node.kind) {
          case 'bos':
            return ['(?<![\\s\\S])', 2];
          case 'bol':
            return ['(?:(?<![\\s\\S])|(?<=\\n)(?=[\\s\\S]))', 2];
          case 'eos':
            return ['(?![\\s\\S])', 2];
          case 'eol':
            return ['(?=\\n|(?![\\s\\S]))', 2];
          case 'eosnl':
            return ['(?=\\n?(?![\\s\\S]))', 2];
          case 'wordb':
            return ['\\b', 2];
          case 'nwordb':
            return ['\\B', 2];
        }
    }
  };
  const source = emit(root)[0];
  return { source, captureOrder };
}
