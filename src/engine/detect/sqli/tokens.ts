/**
 * Token types of the SQL fingerprinting lexer. Each type prints as one character; a
 * fingerprint is the string of the first (at most five) folded token types.
 *
 * Types are small integers so that a fingerprint can be packed into a number (5 bits a
 * token) and looked up without building a string on the hot path.
 */
export const enum Tok {
  None = 0,
  /** `1` numeric literal, NULL/TRUE/FALSE, MySQL `\N` */
  Number = 1,
  /** `s` string literal (any quoting, also N'..', X'..', $$..$$) */
  String = 2,
  /** `n` bare word / identifier (also `quoted`, [bracketed]) */
  Bareword = 3,
  /** `v` variable: @x, @@x */
  Variable = 4,
  /** `k` generic SQL keyword (FROM, WHERE, AS, INTO, JOIN, ...) */
  Keyword = 5,
  /** `U` set operator: UNION [ALL|DISTINCT], EXCEPT, INTERSECT */
  Union = 6,
  /** `E` statement verb: SELECT, INSERT, UPDATE, DELETE, DROP, EXEC, ... */
  Statement = 7,
  /** `T` server command: WAITFOR, SHUTDOWN, DBCC, ... */
  Command = 8,
  /** `B` query tail clause: GROUP BY, ORDER BY, LIMIT, HAVING, ... */
  Clause = 9,
  /** `f` function name (a known function followed by `(`, or a known procedure) */
  Function = 10,
  /** `o` operator (arithmetic, comparison, unary, word operators like LIKE/IS/IN) */
  Operator = 11,
  /** `&` logical operator: AND, OR, XOR, &&, || */
  Logic = 12,
  /** `c` comment: -- ..., # ..., slash-star ... star-slash */
  Comment = 13,
  /** `(` */
  LParen = 14,
  /** `)` */
  RParen = 15,
  /** `,` */
  Comma = 16,
  /** `;` */
  Semicolon = 17,
  /** `.` */
  Dot = 18,
  /** `:` */
  Colon = 19,
  /** `{` */
  LBrace = 20,
  /** `}` */
  RBrace = 21,
  /** backslash */
  Backslash = 22,
  /** `X` something only an attacker writes: MySQL executable comment, nested comment */
  Evil = 23,
  // Finer types. Each reports as one of the letters above (OUT_CHAR) but keeps its own place
  // in the table, so that the derivation can tell, say, `sleep(5)` from `version (2)`.
  /** `#` `#` comment (reports as `c`) */
  CommentHash = 24,
  /** `/` slash-star comment (reports as `c`) */
  CommentBlock = 25,
  /** `p` `--` comment with anything after the dashes, `-- x`, `-- ` (reports as `c`) */
  CommentText = 26,
  /** `F` SQL function name not directly followed by `(`: `sleep (5)`, bare `concat` (reports as `f`) */
  FunctionLoose = 27,
  /** `g` math/string/date function shared with spreadsheets and programming languages, `(` right after: `max(` (reports as `f`) */
  Generic = 28,
  /** `G` such a name without `(` right after: `count`, `sqrt (2)` (reports as `f`) */
  GenericLoose = 29,
  /** `` ` `` reserved (backtick-quoted identifiers read as `n`, as in v3) */
  Backtick = 30,
  /** `t` SQL type name: INT, VARCHAR, BINARY, ... */
  SqlType = 31,
}

/** Character of each token type in table strings, indexed by `Tok`. */
export const TOK_CHAR = ' 1snvkUETBfo&c(),;.:{}\\X#/pFgG`t';

/** Letter each token type reports as (TX.0), indexed by `Tok`: the finer types fold back. */
export const OUT_CHAR = ' 1snvkUETBfo&c(),;.:{}\\Xcccfffnt';

/**
 * Key bits above the five tokens, for fingerprints of at most three tokens, where v3 looks
 * closer before it calls a short fingerprint an attack. Table strings print them as prefixes.
 *  - FOLDED (`~`): something was folded away to get a fingerprint with AND/OR
 *    (a comment between two tokens, a unary operator, `1=1` into `1`): `1 or 1=1` and
 *    `1 or/**\/1` are attacks, `1 or 1` is text
 *  - QUOTED (`^`): read in a quote context (the input starts inside a string)
 *  - OPEN (`$`): the last token is a string without its closing quote (in a quote context,
 *    one opened by that same quote: `x' or '1`)
 */
export const FOLDED = 2 ** 25;
export const QUOTED = 2 ** 26;
export const OPEN = 2 ** 27;
const FLAG_CHARS: [number, string][] = [
  [OPEN, '$'],
  [QUOTED, '^'],
  [FOLDED, '~'],
];

/** Inverse of TOK_CHAR (character code → Tok), 0 for characters that are not token types. */
export const CHAR_TOK: Uint8Array = (() => {
  const t = new Uint8Array(128);
  for (let i = 1; i < TOK_CHAR.length; i++) t[TOK_CHAR.charCodeAt(i)] = i;
  return t;
})();

/** Operator sub-kinds: only arithmetic-like operators fold `value op value` into one value. */
export const enum OpKind {
  NotOp = 0,
  /** + - * / % ^ | & :: DIV MOD ... : `a op b` folds to one value */
  Arith = 1,
  /** = < > <= >= <> != <=> LIKE IS IN BETWEEN REGEXP ...: kept */
  Compare = 2,
  /** NOT ! ~ (and + - when they start an expression): dropped in unary position */
  Unary = 3,
  /** + and -: arithmetic between values, unary elsewhere */
  Sign = 4,
  /** any other punctuation the lexer does not know */
  Other = 5,
}

/** Largest number of folded tokens that make a fingerprint. */
export const MAX_TOKENS = 5;

/** Pack a fingerprint string (up to MAX_TOKENS type chars) into its numeric key. */
export function packFingerprint(fp: string): number {
  let key = 0;
  let flag = 0;
  for (const [bit, ch] of FLAG_CHARS) {
    if (fp.startsWith(ch)) {
      flag += bit;
      fp = fp.slice(1);
    }
  }
  for (let i = 0; i < fp.length; i++) {
    const code = fp.charCodeAt(i);
    const t = code < 128 ? CHAR_TOK[code]! : 0;
    if (t === 0) throw new Error(`not a fingerprint character: ${JSON.stringify(fp[i])}`);
    key = key * 32 + t;
  }
  return key + flag;
}

/** Inverse of packFingerprint (table string, with the finer types and the `~` flag). */
export function unpackFingerprint(key: number): string {
  let s = '';
  let prefix = '';
  for (const [bit, ch] of FLAG_CHARS) {
    if (key >= bit) {
      key -= bit;
      prefix += ch;
    }
  }
  while (key > 0) {
    s = TOK_CHAR[key % 32]! + s;
    key = Math.floor(key / 32);
  }
  return prefix + s;
}

/** The fingerprint as reported (TX.0): the finer types fold back to their letters, no flag. */
export function reportFingerprint(key: number): string {
  let s = '';
  key %= FOLDED;
  while (key > 0) {
    s = OUT_CHAR[key % 32]! + s;
    key = Math.floor(key / 32);
  }
  return s;
}
