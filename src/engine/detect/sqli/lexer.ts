/**
 * SQL lexer for fingerprinting. It reads a byte string (one code unit per byte) left to
 * right, one token per call, without regular expressions and without allocation except for the
 * upper-cased copy of short words it looks up. Every branch advances by at least one byte, so a
 * scan is linear in the input length.
 *
 * Not a validating parser: it is lenient the way SQL engines are (unterminated strings and
 * comments run to the end of the input) because attack payloads are fragments.
 */
import { FN, GENERIC, MAX_WORD, PHRASE_HEAD, entryOpKind, entryType, lookupPhrase, lookupWord } from './keywords.js';
import { OpKind, Tok } from './tokens.js';

const C_OTHER = 0;
const C_WS = 1;
const C_WORD = 2; // letters, _, $, bytes >= 0x80
const C_DIGIT = 3;

const CLASS: Uint8Array = (() => {
  const c = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    if (i === 0x20 || (i >= 0x09 && i <= 0x0d) || i === 0xa0 || i === 0) c[i] = C_WS;
    else if (i >= 0x30 && i <= 0x39) c[i] = C_DIGIT;
    else if ((i >= 0x41 && i <= 0x5a) || (i >= 0x61 && i <= 0x7a) || i === 0x5f || i === 0x24 || i >= 0x80) c[i] = C_WORD;
  }
  return c;
})();

function cls(input: string, i: number): number {
  return CLASS[input.charCodeAt(i) & 0xff]!;
}

function isWordChar(input: string, i: number): boolean {
  const c = CLASS[input.charCodeAt(i) & 0xff]!;
  return c === C_WORD || c === C_DIGIT;
}

/** Index just past a string body whose opening quote is before `i`; the input end if unterminated. */
export function scanStringBody(input: string, i: number, quote: number): number {
  const len = input.length;
  stringOpen = false;
  while (i < len) {
    const ch = input.charCodeAt(i);
    if (ch === 0x5c /* \ */) {
      i += 2;
      continue;
    }
    if (ch === quote) {
      if (i + 1 < len && input.charCodeAt(i + 1) === quote) {
        i += 2; // doubled quote is an escaped quote
        continue;
      }
      return i + 1;
    }
    i++;
  }
  stringOpen = true;
  return len;
}

/** Whether the last string scanStringBody read ran to the end of the input without its closing quote. */
let stringOpen = false;

/** Lexer state. One instance is reused for every scan (the detector is synchronous). */
export class SqlLexer {
  input = '';
  pos = 0;
  /** Token produced by the last `next()` call. */
  type: Tok = Tok.None;
  opKind: OpKind = OpKind.NotOp;
  start = 0;
  end = 0;
  /** For a string token: it runs to the end of the input without a closing quote. */
  open = false;
  /** For a string token: its quote character. */
  quoteChar = 0;
  /** For a word token: it is IF (or IF EXISTS), a command when it starts a statement. */
  isIf = false;

  /**
   * Start a scan. `quote` is 0 for the input as is, or the quote character (0x27, 0x22) the
   * input is assumed to start inside: its first token is then the rest of that string.
   */
  reset(input: string, quote: number): void {
    this.input = input;
    this.pos = 0;
    this.pendingQuote = quote;
    this.mysql = quote === 0x22;
  }

  private pendingQuote = 0;
  /** MySQL comment rules: `--` is a comment only before whitespace or the end. */
  private mysql = false;

  /** Read the next token into this.type/opKind/start/end. Returns false at the end of input. */
  next(): boolean {
    const input = this.input;
    const len = input.length;
    let i = this.pos;
    this.opKind = OpKind.NotOp;
    if (this.pendingQuote !== 0) {
      const q = this.pendingQuote;
      this.pendingQuote = 0;
      this.start = 0;
      this.pos = this.end = scanStringBody(input, 0, q);
      this.type = Tok.String;
      this.open = stringOpen;
      this.quoteChar = q;
      return true;
    }
    while (i < len && CLASS[input.charCodeAt(i) & 0xff] === C_WS) i++;
    if (i >= len) {
      this.pos = len;
      return false;
    }
    this.start = i;
    const ch = input.charCodeAt(i) & 0xff;
    const c = CLASS[ch]!;
    if (c === C_WORD) {
      if (ch === 0x24 /* $ */ && i + 1 < len && input.charCodeAt(i + 1) === 0x24) {
        // PostgreSQL dollar-quoted string $$ ... $$
        const close = input.indexOf('$$', i + 2);
        return this.emit(close < 0 ? len : close + 2, Tok.String);
      }
      // a lone `$` (PostgreSQL's $1 parameters, shell and template variables) is a word by itself
      if (ch === 0x24) return this.emit(i + 1, Tok.Bareword);
      return this.word(i);
    }
    if (c === C_DIGIT) return this.number(i);
    const n1 = i + 1 < len ? input.charCodeAt(i + 1) : 0;
    switch (ch) {
      case 0x27: // '
      case 0x22: // "
        this.quoteChar = ch;
        return this.emitString(scanStringBody(input, i + 1, ch));
      case 0x60: // ` quoted identifier
        return this.emit(scanStringBody(input, i + 1, ch), Tok.Bareword); // v3 reads `x` as x
      case 0x5b: {
        // [bracketed identifier]
        const close = input.indexOf(']', i + 1);
        return this.emit(close < 0 ? len : close + 1, Tok.Bareword);
      }
      case 0x40: // @ variable
        return this.variable(i);
      case 0x2d: // -
        // MySQL (read in the double-quote context, as v3 does) needs whitespace after `--`
        if (n1 === 0x2d && !(this.mysql && i + 2 < len && CLASS[input.charCodeAt(i + 2) & 0xff] !== C_WS)) {
          // `--` alone ends a statement; `-- text` (even `-- `) is a different token
          const end = lineEnd(input, i + 2);
          return this.emit(end, end === i + 2 ? Tok.Comment : Tok.CommentText);
        }
        if (n1 === 0x3e) return this.op(input.charCodeAt(i + 2) === 0x3e ? i + 3 : i + 2, OpKind.Arith); // -> ->>
        return this.op(i + 1, OpKind.Sign);
      case 0x2b: // +
        return this.op(i + 1, OpKind.Sign);
      case 0x23: // # comment
        return this.emit(lineEnd(input, i + 1), Tok.CommentHash);
      case 0x2f: // /
        if (n1 === 0x2a) {
          const close = input.indexOf('*/', i + 2);
          const end = close < 0 ? len : close + 2;
          // MySQL runs the body of /*! ... */ as code: only attackers write that in a value
          // a `/*` inside the comment (nesting, which MySQL does not support) is evil too
          let evil = input.charCodeAt(i + 2) === 0x21;
          for (let k = i + 2; !evil && k + 1 < end; k++) evil = input.charCodeAt(k) === 0x2f && input.charCodeAt(k + 1) === 0x2a;
          return this.emit(end, evil ? Tok.Evil : Tok.CommentBlock);
        }
        return this.op(i + 1, OpKind.Arith);
      case 0x2a: // *
      case 0x25: // %
      case 0x5e: // ^
        return this.op(i + 1, OpKind.Arith);
      case 0x7e: // ~
        return this.op(i + 1, OpKind.Unary);
      case 0x21: // !
        if (n1 === 0x3d) return this.op(i + 2, OpKind.Compare);
        return this.op(i + 1, OpKind.Unary);
      case 0x3d: // =
        return this.op(n1 === 0x3d ? i + 2 : i + 1, OpKind.Compare);
      case 0x3c: // <
        if (n1 === 0x3d) return this.op(input.charCodeAt(i + 2) === 0x3e ? i + 3 : i + 2, OpKind.Compare); // <= <=>
        if (n1 === 0x3e) return this.op(i + 2, OpKind.Compare); // <>
        if (n1 === 0x3c) return this.op(i + 2, OpKind.Arith); // <<
        return this.op(i + 1, OpKind.Compare);
      case 0x3e: // >
        if (n1 === 0x3d) return this.op(i + 2, OpKind.Compare);
        if (n1 === 0x3e) return this.op(i + 2, OpKind.Arith);
        return this.op(i + 1, OpKind.Compare);
      case 0x7c: // |
        if (n1 === 0x7c) return this.emit(i + 2, Tok.Logic);
        return this.op(i + 1, OpKind.Arith);
      case 0x26: // &
        if (n1 === 0x26) return this.emit(i + 2, Tok.Logic);
        return this.op(i + 1, OpKind.Arith);
      case 0x3a: // :
        if (n1 === 0x3a) return this.op(i + 2, OpKind.Arith); // :: cast
        if (n1 === 0x3d) return this.op(i + 2, OpKind.Compare); // := assignment
        return this.emit(i + 1, Tok.Colon);
      case 0x2e: // .
        if (i + 1 < len && cls(input, i + 1) === C_DIGIT) return this.number(i);
        return this.emit(i + 1, Tok.Dot);
      case 0x28:
        return this.emit(i + 1, Tok.LParen);
      case 0x29:
        return this.emit(i + 1, Tok.RParen);
      case 0x2c:
        return this.emit(i + 1, Tok.Comma);
      case 0x3b:
        return this.emit(i + 1, Tok.Semicolon);
      case 0x7b:
        return this.emit(i + 1, Tok.LBrace);
      case 0x7d:
        return this.emit(i + 1, Tok.RBrace);
      case 0x5c: // \N is MySQL's NULL
        if (n1 === 0x4e) return this.emit(i + 2, Tok.Number);
        if (i + 1 < len) {
          // `\a`, `\x` read as a word (Windows paths, escapes)
          let j = i + 1;
          while (j < len && (input.charCodeAt(j) === 0x5c || isWordChar(input, j))) j++;
          if (j > i + 1) return this.emit(j, Tok.Bareword);
        }
        return this.emit(i + 1, Tok.Backslash);
      default:
        return this.op(i + 1, OpKind.Other);
    }
  }

  private emit(end: number, type: Tok): boolean {
    this.type = type;
    this.end = end;
    this.pos = end;
    return true;
  }

  private emitString(end: number): boolean {
    this.open = stringOpen;
    return this.emit(end, Tok.String);
  }

  private op(end: number, kind: OpKind): boolean {
    this.emit(end, Tok.Operator);
    this.opKind = kind;
    return true;
  }

  private variable(i: number): boolean {
    const input = this.input;
    const len = input.length;
    let j = i + 1;
    if (j < len && input.charCodeAt(j) === 0x40) j++;
    if (j < len) {
      const q = input.charCodeAt(j);
      if (q === 0x27 || q === 0x22 || q === 0x60) return this.emit(scanStringBody(input, j + 1, q), Tok.Variable);
    }
    while (j < len && (isWordChar(input, j) || input.charCodeAt(j) === 0x2e)) j++;
    return this.emit(j, Tok.Variable);
  }

  private number(i: number): boolean {
    const input = this.input;
    const len = input.length;
    let j = i;
    const c0 = input.charCodeAt(i);
    const c1 = i + 1 < len ? input.charCodeAt(i + 1) | 0x20 : 0;
    if (c0 === 0x30 && (c1 === 0x78 || c1 === 0x62) && i + 2 < len) {
      // 0x... hex or 0b... binary
      j = i + 2;
      const hex = c1 === 0x78;
      while (j < len) {
        const d = input.charCodeAt(j) | 0x20;
        if ((d >= 0x30 && d <= 0x39 && (hex || d <= 0x31)) || (hex && d >= 0x61 && d <= 0x66)) j++;
        else break;
      }
      if (j > i + 2 && !(j < len && isWordChar(input, j))) return this.emit(j, Tok.Number);
      return this.word(i);
    }
    while (j < len && cls(input, j) === C_DIGIT) j++;
    let sawDot = false;
    if (j < len && input.charCodeAt(j) === 0x2e) {
      sawDot = true;
      j++;
      while (j < len && cls(input, j) === C_DIGIT) j++;
    }
    if (j < len && (input.charCodeAt(j) | 0x20) === 0x65) {
      // exponent
      let k = j + 1;
      const s = k < len ? input.charCodeAt(k) : 0;
      if (s === 0x2b || s === 0x2d) k++;
      if (k < len && cls(input, k) === C_DIGIT) {
        while (k < len && cls(input, k) === C_DIGIT) k++;
        j = k;
      }
    }
    // 123abc is a number and a word (as libinjection reads it); 10.foo is a number then a word
    return this.emit(j, Tok.Number);
  }

  private word(i: number): boolean {
    const input = this.input;
    const len = input.length;
    let j = i;
    // a word runs over dots (`schema.table`, `dbms_pipe.receive_message` are one word), unless
    // what comes before the dot is an SQL word itself: `select.1` is SELECT .1
    while (j < len && isWordChar(input, j)) j++;
    if (j < len && input.charCodeAt(j) === 0x2e && (j - i > MAX_WORD || lookupWord(input.slice(i, j).toUpperCase()) === 0)) {
      while (j < len && (isWordChar(input, j) || input.charCodeAt(j) === 0x2e)) j++;
    }
    const wlen = j - i;
    // string with a prefix: N'..', E'..', Q'..', _utf8'..'
    if (j < len && input.charCodeAt(j) === 0x27) {
      const c0 = input.charCodeAt(i);
      const f = c0 | 0x20;
      // X'41' and B'01' are numbers (hex and bit literals)
      if (wlen === 1 && (f === 0x78 || f === 0x62)) {
        let k = j + 1;
        while (k < len && isLiteralDigit(input.charCodeAt(k), f === 0x78)) k++;
        if (k < len && input.charCodeAt(k) === 0x27) return this.emit(k + 1, Tok.Number);
      }
      if ((wlen === 1 && (f === 0x6e || f === 0x65 || f === 0x71)) || (c0 === 0x5f && wlen > 1 && wlen <= 10)) {
        this.quoteChar = 0x27;
        return this.emitString(scanStringBody(input, j + 1, 0x27));
      }
    }
    if (wlen > MAX_WORD) return this.emit(j, Tok.Bareword);
    const upper = input.slice(i, j).toUpperCase();
    this.isIf = upper === 'IF';
    const e = lookupWord(upper);
    if (e === 0) return this.emit(j, Tok.Bareword);
    let k = j;
    while (k < len && CLASS[input.charCodeAt(k) & 0xff] === C_WS) k++;
    if (e & PHRASE_HEAD) {
      // the second word of a phrase may follow whitespace or block comments: ORDER/**/BY
      let m = j;
      for (;;) {
        while (m < len && CLASS[input.charCodeAt(m) & 0xff] === C_WS) m++;
        if (m + 1 < len && input.charCodeAt(m) === 0x2f && input.charCodeAt(m + 1) === 0x2a && input.charCodeAt(m + 2) !== 0x21) {
          const close = input.indexOf('*/', m + 2);
          if (close < 0) break;
          m = close + 2;
          continue;
        }
        break;
      }
      if (m > j) k = m;
    }
    if (e & PHRASE_HEAD && k > j && k < len && cls(input, k) === C_WORD) {
      let m = k;
      while (m < len && isWordChar(input, m)) m++;
      if (m - k <= MAX_WORD) {
        const p = lookupPhrase(upper + ' ' + input.slice(k, m).toUpperCase());
        if (p !== 0) {
          this.emit(m, entryType(p));
          this.opKind = entryOpKind(p);
          return true;
        }
      }
    }
    // IN before a list is an operator (`a IN (1, 2)`), a keyword elsewhere
    if (upper === 'IN' && k < len && input.charCodeAt(k) === 0x28) {
      this.emit(j, Tok.Operator);
      this.opKind = OpKind.Compare;
      return true;
    }
    // A function name right before `(` is a call (`f`, or `g` for the generic names); with
    // whitespace before the `(` it is the looser `F`/`G` (`sleep (5)`, and prose: `version (2)`).
    if (e & FN && k < len && input.charCodeAt(k) === 0x28) {
      const generic = (e & GENERIC) !== 0;
      if (k === j) return this.emit(j, generic ? Tok.Generic : Tok.Function);
      return this.emit(j, generic ? Tok.GenericLoose : Tok.FunctionLoose);
    }
    this.emit(j, entryType(e));
    this.opKind = entryOpKind(e);
    return true;
  }
}

/** A digit of a hex (X'..') or bit (B'..') literal. */
function isLiteralDigit(c: number, hex: boolean): boolean {
  if (c === 0x30 || c === 0x31) return true;
  if (!hex) return false;
  const l = c | 0x20;
  return (c >= 0x30 && c <= 0x39) || (l >= 0x61 && l <= 0x66);
}

function lineEnd(input: string, i: number): number {
  const nl = input.indexOf('\n', i);
  return nl < 0 ? input.length : nl;
}
