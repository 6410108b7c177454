/**
 * Folding: turns the token stream into a short, normalised sequence so that many spellings of
 * one attack share a fingerprint (docs/detectors.md, "Folding", says which behaviour of
 * ModSecurity v3 each rule matches).
 *
 *  - comments between two tokens are whitespace (UNION/ ** /SELECT); a comment that ends the
 *    input stays (its kind matters only in fingerprints of up to three tokens)
 *  - unary operators (+ - ! ~ NOT) where an operand is expected are dropped when an operand
 *    follows (`-1`, `-sleep(`), kept before a keyword (`union -select`); a leading `(` is
 *    dropped; `((` and `))` collapse
 *  - `a op b` folds into `a` for numbers, names and variables (1=1, a LIKE b, 2010-01-01);
 *    `a op b op` folds into `a op`, strings included (`x' + a + '`)
 *  - `a , b` folds into `a`; `& a & b` into `& a`; adjacent strings concatenate
 *  - qualified names fold (schema.table, pkg.func(); ODBC braces `{fn x}` go
 *  - an executable comment among the first five tokens makes the fingerprint `X`
 *  - fingerprints of up to three tokens carry the FOLDED, QUOTED and OPEN flags (tokens.ts)
 *
 * Folding never changes a token once a later token has been kept, so the scan stops as soon
 * as MAX_TOKENS + 1 tokens are kept: the cost is bounded by the bytes those tokens span.
 */
import { SqlLexer } from './lexer.js';
import { FOLDED, MAX_TOKENS, OPEN, QUOTED, OpKind, Tok, unpackFingerprint } from './tokens.js';

const lexer = new SqlLexer();
const outType = new Uint8Array(MAX_TOKENS + 2);
const outOp = new Uint8Array(MAX_TOKENS + 2);

/** Operands: numbers, strings, names, variables. */
function isValue(t: number): boolean {
  return t === Tok.Number || t === Tok.String || t === Tok.Bareword || t === Tok.Variable;
}

/** Operands that fold with a binary operator (`1=1`, `a like b`, `2010-01-01`); strings never do. */
function isPlainValue(t: number): boolean {
  return t === Tok.Number || t === Tok.Bareword || t === Tok.Variable;
}

/** Function tokens of every kind. */
function isCallable(t: number): boolean {
  return t === Tok.Function || t === Tok.FunctionLoose || t === Tok.Generic || t === Tok.GenericLoose;
}

/** A function name without its `(`: an operand between two operators (`x' % var %`). */
function isLooseName(t: number): boolean {
  return t === Tok.FunctionLoose || t === Tok.GenericLoose;
}

function isComment(t: number): boolean {
  return t === Tok.Comment || t === Tok.CommentHash || t === Tok.CommentBlock || t === Tok.CommentText;
}

/** After these, an operator is unary (an operand is expected). */
function expectsOperand(t: number): boolean {
  switch (t) {
    case Tok.Operator:
    case Tok.Logic:
    case Tok.LParen:
    case Tok.Comma:
    case Tok.Keyword:
    case Tok.Statement:
    case Tok.Union:
    case Tok.Clause:
    case Tok.Command:
    case Tok.Semicolon:
    case Tok.Colon:
      return true;
    default:
      return false;
  }
}

function isNameLike(t: number): boolean {
  return t === Tok.Bareword || t === Tok.Function || t === Tok.FunctionLoose || t === Tok.Keyword || t === Tok.Variable;
}

/** Key of the fingerprint `X`: an executable comment makes the whole input suspect. */
const EVIL_KEY = Tok.Evil as number;

/**
 * Fingerprint of `input` read in the given quote context (0 = as is, 0x27 = after a single
 * quote, 0x22 = after a double quote), packed 5 bits a token (see packFingerprint). A
 * fingerprint of three tokens or fewer also records whether anything was folded away to get
 * it (FOLDED_COMMENT): `1 or 1=1` and `1 or/**\/1` are not the plain text `1 or 1`.
 */
export function fingerprintKey(input: string, quote: number): number {
  lexer.reset(input, quote);
  let n = 0;
  let pendingComment: Tok = Tok.None;
  let folded = false;
  let lastOpen = false;
  let braceWord = false;
  let pendingUnary = -1;
  while (n <= MAX_TOKENS && lexer.next()) {
    let t = lexer.type;
    const k = lexer.opKind;
    if (t === Tok.Evil) {
      if (n < MAX_TOKENS) return EVIL_KEY;
      break;
    }
    if (isComment(t)) {
      pendingComment = t;
      continue;
    }
    if (t === Tok.RBrace) {
      folded = true; // ODBC escapes: `{fn x}`, `{d '2020-01-01'}` read without their braces and keyword
      continue;
    }
    if (t === Tok.LBrace) {
      braceWord = true;
      folded = true;
      continue;
    }
    if (braceWord) {
      braceWord = false;
      if (t === Tok.Bareword) continue;
    }
    if (pendingComment !== Tok.None) {
      folded = true; // a comment between two tokens is whitespace
      pendingComment = Tok.None;
    }
    if (pendingUnary >= 0) {
      // a unary operator goes before an operand (`-1`, `-sleep(`, `+(`), not before a keyword:
      // `union -select` keeps its `-`
      if (isValue(t) || isCallable(t) || t === Tok.LParen || (t === Tok.Operator && (k === OpKind.Unary || k === OpKind.Sign))) {
        folded = true;
      } else {
        outType[n] = Tok.Operator;
        outOp[n] = pendingUnary;
        n++;
      }
      pendingUnary = -1;
    }
    const last = n > 0 ? outType[n - 1]! : Tok.None;
    if (last === Tok.Semicolon && lexer.isIf && (t === Tok.Function || t === Tok.FunctionLoose)) {
      t = Tok.Command; // `; IF (...)` starts a T-SQL statement
    }
    if (t === Tok.Operator && (k === OpKind.Unary || k === OpKind.Sign) && (n === 0 || expectsOperand(last))) {
      pendingUnary = k; // unary operator: dropped when an operand follows
      continue;
    }
    if (t === Tok.Operator && n >= 3 && (isValue(last) || isLooseName(last)) && outType[n - 2] === Tok.Operator && isValue(outType[n - 3]!)) {
      n--; // a op b op -> a op (a or b a string: `x' + a + '` reads `x' + '`)
      folded = true;
      continue;
    }
    if (isValue(t) && n >= 2 && last === Tok.Operator && isValue(outType[n - 2]!)) {
      const lk = outOp[n - 1]!;
      if (isPlainValue(t) && isPlainValue(outType[n - 2]!)) {
        n--; // value op value -> value
        folded = true;
        continue;
      }
    }
    if (isValue(t) && n >= 3 && last === Tok.Logic && isValue(outType[n - 2]!) && outType[n - 3] === Tok.Logic) {
      n--; // & a & b -> & a
      folded = true;
      continue;
    }
    if (isValue(t) && n >= 2 && last === Tok.Comma && isValue(outType[n - 2]!)) {
      n--; // a, b -> a (lists)
      folded = true;
      continue;
    }
    if ((t === Tok.LParen || t === Tok.RParen) && (last === t || (n === 0 && t === Tok.LParen))) {
      folded = true; // (( -> (, )) -> ), and a leading ( is dropped
      continue;
    }
    if (t === Tok.String && last === Tok.String) {
      folded = true;
      lastOpen = lexer.open && (quote === 0 || lexer.quoteChar === quote);
      continue;
    }
    if (last === Tok.Dot && n >= 2 && isNameLike(outType[n - 2]!) && (t === Tok.Bareword || t === Tok.Function || t === Tok.Keyword)) {
      n--; // drop the dot: a qualified name is a name (`version.filter(`), or a call (`pkg.fn(`)
      outType[n - 1] = t === Tok.Function ? Tok.Function : Tok.Bareword;
      folded = true;
      continue;
    }
    outType[n] = t;
    outOp[n] = k;
    n++;
    lastOpen = t === Tok.String && lexer.open && (quote === 0 || lexer.quoteChar === quote);
  }
  if (pendingUnary >= 0 && n < MAX_TOKENS) {
    outType[n] = Tok.Operator;
    outOp[n] = pendingUnary;
    n++;
  }
  if (pendingComment !== Tok.None && n < MAX_TOKENS) {
    // the kind of a final comment matters only in short fingerprints (`x'--` is an attack,
    // `x'-- note` and `x'#` are not); in longer ones every comment is `c`
    outType[n] = n + 1 <= 3 ? pendingComment : Tok.Comment;
    outOp[n] = 0;
    n++;
    lastOpen = false;
  }
  if (n > MAX_TOKENS) n = MAX_TOKENS;
  let key = 0;
  for (let i = 0; i < n; i++) key = key * 32 + outType[i]!;
  if (n <= 3) {
    // v3 calls `1 or 1` text but `1 or 1=1` an attack: folding matters next to AND/OR only
    let logic = false;
    for (let i = 0; i < n; i++) if (outType[i] === Tok.Logic) logic = true;
    if (folded && logic) key += FOLDED;
    if (quote !== 0) key += QUOTED;
    if (lastOpen) key += OPEN;
  }
  return key;
}

/** Fingerprint as a table string (finer types, `~` flag), for tools and tests. */
export function fingerprint(input: string, quote: number): string {
  return unpackFingerprint(fingerprintKey(input, quote));
}
