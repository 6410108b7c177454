/**
 * Folding: turns the token stream into a short, normalised sequence so that many spellings of
 * one attack share a fingerprint.
 *
 *  - comments between two tokens are whitespace (UNION/ ** /SELECT); a comment that ends the
 *    input stays, as `c`
 *  - unary operators (+ - ! ~ NOT) where an operand is expected are dropped
 *  - `value op value` with an arithmetic operator folds into the first value (1+1, 'a'::text,
 *    2010-01-01, a|b)
 *  - adjacent strings concatenate ('a' 'b')
 *  - qualified names fold (schema.table, pkg.func(, user@host.com)
 *
 * Folding never changes a token once a later token has been kept, so the scan stops as soon
 * as MAX_TOKENS + 1 tokens are kept: the cost is bounded by the bytes those tokens span.
 */
import { SqlLexer } from './lexer.js';
import { MAX_TOKENS, OpKind, TOK_CHAR, Tok } from './tokens.js';

const lexer = new SqlLexer();
const outType = new Uint8Array(MAX_TOKENS + 2);
const outOp = new Uint8Array(MAX_TOKENS + 2);

function isValue(t: number): boolean {
  return t === Tok.Number || t === Tok.String || t === Tok.Bareword || t === Tok.Variable;
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

function isSpaceBefore(input: string, i: number): boolean {
  const c = input.charCodeAt(i - 1);
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function isNameLike(t: number): boolean {
  return t === Tok.Bareword || t === Tok.Function || t === Tok.Keyword || t === Tok.Variable;
}

/**
 * Fingerprint of `input` read in the given quote context (0 = as is, 0x27 = after a single
 * quote, 0x22 = after a double quote), packed 5 bits a token (see packFingerprint).
 */
export function fingerprintKey(input: string, quote: number): number {
  lexer.reset(input, quote);
  let n = 0;
  let pendingComment = false;
  while (n <= MAX_TOKENS && lexer.next()) {
    const t = lexer.type;
    const k = lexer.opKind;
    if (t === Tok.Comment) {
      // a comment that reads like prose after whitespace is text, not an SQL comment
      pendingComment = !(lexer.prose && lexer.start > 0 && isSpaceBefore(input, lexer.start));
      continue;
    }
    pendingComment = false;
    const last = n > 0 ? outType[n - 1]! : Tok.None;
    if (t === Tok.Operator && (k === OpKind.Unary || k === OpKind.Sign) && (n === 0 || expectsOperand(last))) {
      continue; // unary operator
    }
    if (isValue(t) && n >= 2 && last === Tok.Operator && isValue(outType[n - 2]!)) {
      const lk = outOp[n - 1]!;
      if (lk === OpKind.Arith || lk === OpKind.Sign) {
        n--; // value op value -> value
        continue;
      }
    }
    if (t === Tok.String && last === Tok.String) continue;
    if (last === Tok.Dot && n >= 2 && isNameLike(outType[n - 2]!) && (t === Tok.Bareword || t === Tok.Function || t === Tok.Keyword)) {
      n--; // drop the dot
      if (t === Tok.Function) outType[n - 1] = Tok.Function;
      continue;
    }
    outType[n] = t;
    outOp[n] = k;
    n++;
  }
  if (pendingComment && n < MAX_TOKENS) {
    outType[n] = Tok.Comment;
    outOp[n] = 0;
    n++;
  }
  if (n > MAX_TOKENS) n = MAX_TOKENS;
  let key = 0;
  for (let i = 0; i < n; i++) key = key * 32 + outType[i]!;
  return key;
}

/** Fingerprint as a string, for logs and tools. */
export function fingerprint(input: string, quote: number): string {
  const key = fingerprintKey(input, quote);
  let s = '';
  let k = key;
  while (k > 0) {
    s = TOK_CHAR[k % 32]! + s;
    k = Math.floor(k / 32);
  }
  return s;
}
