/**
 * JSON request body processor, faithful to libmodsecurity v3 (which drives YAJL 2.1):
 *
 * - Argument names: a top-level scalar is `json`; members of an object are
 *   `<object path>.<key>`; array elements are `<array path>.array_<index>`; an empty key
 *   is spelled `empty-key`; an object or array inside an array adds nothing for its own
 *   name (`json.a.array_0.b`). Empty objects and arrays produce no argument.
 * - Values: strings with escapes decoded to UTF-8 bytes (YAJL's decoder, including its
 *   quirks: a lone high surrogate becomes `?`, a high surrogate followed by any `\u`
 *   escape is combined without checking it is a low surrogate), numbers as their exact
 *   source text, `true`/`false`, and `null` as the empty string.
 * - Duplicate keys are all kept, in document order.
 * - Errors carry YAJL's wording, prefixed as ModSecurity prefixes REQBODY_ERROR_MSG:
 *   `JSON parsing error: parse error: premature EOF\n`. Arguments seen before the error
 *   are kept, as in v3. An empty body is not an error; a body of only whitespace is.
 * - Depth: every object or array counts one level; going deeper than `depthLimit` stops
 *   with v3's message (`... client cancelled parse via callback return value\n. Parsing
 *   depth limit exceeded`).
 *
 * The parser is iterative (explicit state stack), linear in the body size, and never
 * throws on hostile input.
 */
import type { Arg, JsonOptions, ParsedArgs } from './types.js';

const PREFIX = 'JSON parsing error: ';

// Parser states (YAJL's names).
const S_START = 0;
const S_PARSE_COMPLETE = 1;
const S_MAP_START = 2;
const S_MAP_SEP = 3;
const S_MAP_NEED_VAL = 4;
const S_MAP_GOT_VAL = 5;
const S_MAP_NEED_KEY = 6;
const S_ARRAY_START = 7;
const S_ARRAY_GOT_VAL = 8;
const S_ARRAY_NEED_VAL = 9;

// Tokens.
const T_EOF = 0;
const T_ERROR = 1;
const T_STRING = 2;
const T_STRING_ESC = 3;
const T_NUMBER = 4;
const T_TRUE = 5;
const T_FALSE = 6;
const T_NULL = 7;
const T_LBRACE = 8;
const T_RBRACE = 9;
const T_LBRACKET = 10;
const T_RBRACKET = 11;
const T_COLON = 12;
const T_COMMA = 13;

const LEX_INVALID_UTF8 = 'invalid bytes in UTF8 string.';
const LEX_INVALID_ESCAPED = "inside a string, '\\' occurs before a character which it may not.";
const LEX_INVALID_JSON_CHAR = 'invalid character inside string.';
const LEX_INVALID_HEX = "invalid (non-hex) character occurs after '\\u' inside string.";
const LEX_INVALID_CHAR = 'invalid char in json text.';
const LEX_INVALID_STRING = 'invalid string in json text.';
const LEX_MISSING_EXPONENT = 'malformed number, a digit is required after the exponent.';
const LEX_MISSING_DECIMAL = 'malformed number, a digit is required after the decimal point.';
const LEX_MISSING_MINUS = 'malformed number, a digit is required after the minus sign.';
const LEX_COMMENT = 'probable comment found in input text, comments are not enabled.';

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function hexVal(c: number): number {
  if (c <= 0x39) return c - 0x30;
  return (c | 0x20) - 0x61 + 10;
}

function hex4(s: string, i: number): number {
  return (
    (hexVal(s.charCodeAt(i)) << 12) |
    (hexVal(s.charCodeAt(i + 1)) << 8) |
    (hexVal(s.charCodeAt(i + 2)) << 4) |
    hexVal(s.charCodeAt(i + 3))
  );
}

/** YAJL's Utf32toUtf8, as a byte string. */
function utf32ToUtf8(cp: number): string {
  if (cp < 0x80) return String.fromCharCode(cp);
  if (cp < 0x800) return String.fromCharCode((cp >> 6) | 0xc0, (cp & 0x3f) | 0x80);
  if (cp < 0x10000) {
    return String.fromCharCode((cp >> 12) | 0xe0, ((cp >> 6) & 0x3f) | 0x80, (cp & 0x3f) | 0x80);
  }
  if (cp < 0x200000) {
    return String.fromCharCode(
      (cp >> 18) | 0xf0,
      ((cp >> 12) & 0x3f) | 0x80,
      ((cp >> 6) & 0x3f) | 0x80,
      (cp & 0x3f) | 0x80,
    );
  }
  return '?';
}

/** Decode the escapes of a lexed string body s[start, end) (YAJL's yajl_string_decode). */
function decodeString(s: string, start: number, end: number): string {
  const parts: string[] = [];
  let beg = start;
  let i = start;
  while (i < end) {
    if (s.charCodeAt(i) !== 0x5c) {
      i++;
      continue;
    }
    if (i > beg) parts.push(s.slice(beg, i));
    const e = s.charCodeAt(i + 1);
    let unescaped: string;
    let next = i + 2;
    switch (e) {
      case 0x72: unescaped = '\r'; break;
      case 0x6e: unescaped = '\n'; break;
      case 0x5c: unescaped = '\\'; break;
      case 0x2f: unescaped = '/'; break;
      case 0x22: unescaped = '"'; break;
      case 0x66: unescaped = '\f'; break;
      case 0x62: unescaped = '\b'; break;
      case 0x74: unescaped = '\t'; break;
      case 0x75: {
        let cp = hex4(s, i + 2);
        next = i + 6;
        if ((cp & 0xfc00) === 0xd800) {
          if (next + 1 < end && s.charCodeAt(next) === 0x5c && s.charCodeAt(next + 1) === 0x75) {
            const low = hex4(s, next + 2);
            cp = ((cp & 0x3f) << 10) | ((((cp >> 6) & 0xf) + 1) << 16) | (low & 0x3ff);
            next += 6;
            unescaped = utf32ToUtf8(cp);
          } else {
            unescaped = '?';
          }
        } else {
          unescaped = utf32ToUtf8(cp);
        }
        break;
      }
      default:
        // The lexer only lets the escapes above through.
        unescaped = '?';
    }
    parts.push(unescaped);
    i = next;
    beg = next;
  }
  if (end > beg) parts.push(s.slice(beg, end));
  return parts.join('');
}

/** Bytes a string scan can skip: printable ASCII other than '"' and '\\'. */
const PLAIN = new Uint8Array(256);
for (let c = 0x20; c < 0x80; c++) PLAIN[c] = c === 0x22 || c === 0x5c ? 0 : 1;

interface Container {
  isArray: boolean;
  /** Full path of the parents plus this container's own name, then "." or ".array_". */
  prefix: string;
  counter: number;
}

/** One parse. A class with plain fields keeps V8's hot loops fast (no closure contexts). */
class JsonParser {
  readonly args: Arg[] = [];
  private readonly s: string;
  private readonly len: number;
  private pos = 0;
  private tokStart = 0;
  private tokEnd = 0;
  private lexError = '';
  private readonly containers: Container[] = [];
  private currentKey = '';

  constructor(body: string, private readonly depthLimit: number) {
    // YAJL is fed the body, then a single space by yajl_complete_parse (which ends a
    // number or keyword that touches the end of the body).
    this.s = body + ' ';
    this.len = this.s.length;
  }

  private lex(): number {
    const s = this.s;
    const len = this.len;
    for (;;) {
      if (this.pos >= len) return T_EOF;
      const c = s.charCodeAt(this.pos++);
      switch (c) {
        case 0x7b: return T_LBRACE;
        case 0x7d: return T_RBRACE;
        case 0x5b: return T_LBRACKET;
        case 0x5d: return T_RBRACKET;
        case 0x2c: return T_COMMA;
        case 0x3a: return T_COLON;
        case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d: case 0x20:
          continue;
        case 0x74: return this.lexKeyword('rue', T_TRUE);
        case 0x66: return this.lexKeyword('alse', T_FALSE);
        case 0x6e: return this.lexKeyword('ull', T_NULL);
        case 0x22: return this.lexString();
        case 0x2d: case 0x30: case 0x31: case 0x32: case 0x33: case 0x34:
        case 0x35: case 0x36: case 0x37: case 0x38: case 0x39:
          this.pos--;
          return this.lexNumber();
        case 0x2f:
          this.pos--;
          this.lexError = LEX_COMMENT;
          return T_ERROR;
        default:
          this.lexError = LEX_INVALID_CHAR;
          return T_ERROR;
      }
    }
  }

  private lexKeyword(want: string, tok: number): number {
    for (let k = 0; k < want.length; k++) {
      if (this.pos >= this.len) return T_EOF;
      if (this.s.charCodeAt(this.pos) !== want.charCodeAt(k)) {
        this.lexError = LEX_INVALID_STRING;
        return T_ERROR;
      }
      this.pos++;
    }
    return tok;
  }

  private lexString(): number {
    const s = this.s;
    const len = this.len;
    let pos = this.pos;
    this.tokStart = pos;
    let hasEscapes = false;
    for (;;) {
      // Fast scan over plain ASCII.
      while (pos < len && PLAIN[s.charCodeAt(pos)] === 1) pos++;
      if (pos >= len) {
        this.pos = pos;
        return T_EOF;
      }
      const c = s.charCodeAt(pos++);
      if (c === 0x22) {
        this.pos = pos;
        this.tokEnd = pos - 1;
        return hasEscapes ? T_STRING_ESC : T_STRING;
      }
      if (c === 0x5c) {
        hasEscapes = true;
        if (pos >= len) {
          this.pos = pos;
          return T_EOF;
        }
        const e = s.charCodeAt(pos++);
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            if (pos >= len) {
              this.pos = pos;
              return T_EOF;
            }
            if (!isHex(s.charCodeAt(pos))) {
              this.pos = pos;
              this.lexError = LEX_INVALID_HEX;
              return T_ERROR;
            }
            pos++;
          }
        } else if (
          e !== 0x22 && e !== 0x5c && e !== 0x2f && e !== 0x62 &&
          e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74
        ) {
          this.pos = pos - 1;
          this.lexError = LEX_INVALID_ESCAPED;
          return T_ERROR;
        }
      } else if (c < 0x20) {
        this.pos = pos - 1;
        this.lexError = LEX_INVALID_JSON_CHAR;
        return T_ERROR;
      } else {
        // UTF-8 check, as loose as YAJL's: lead byte pattern plus continuation bytes.
        let more: number;
        if (c >> 5 === 0x6) more = 1;
        else if (c >> 4 === 0xe) more = 2;
        else if (c >> 3 === 0x1e) more = 3;
        else {
          this.pos = pos;
          this.lexError = LEX_INVALID_UTF8;
          return T_ERROR;
        }
        for (let k = 0; k < more; k++) {
          if (pos >= len) {
            this.pos = pos;
            return T_EOF;
          }
          const cc = s.charCodeAt(pos++);
          if (cc >> 6 !== 0x2) {
            this.pos = pos;
            this.lexError = LEX_INVALID_UTF8;
            return T_ERROR;
          }
        }
      }
    }
  }

  private lexNumber(): number {
    const s = this.s;
    const len = this.len;
    let pos = this.pos;
    this.tokStart = pos;
    const eof = (): number => {
      this.pos = pos;
      return T_EOF;
    };
    const fail = (msg: string): number => {
      this.pos = pos - 1;
      this.lexError = msg;
      return T_ERROR;
    };
    if (pos >= len) return eof();
    let c = s.charCodeAt(pos++);
    if (c === 0x2d) {
      if (pos >= len) return eof();
      c = s.charCodeAt(pos++);
    }
    if (c === 0x30) {
      if (pos >= len) return eof();
      c = s.charCodeAt(pos++);
    } else if (c >= 0x31 && c <= 0x39) {
      do {
        if (pos >= len) return eof();
        c = s.charCodeAt(pos++);
      } while (c >= 0x30 && c <= 0x39);
    } else {
      return fail(LEX_MISSING_MINUS);
    }
    if (c === 0x2e) {
      let numRd = 0;
      if (pos >= len) return eof();
      c = s.charCodeAt(pos++);
      while (c >= 0x30 && c <= 0x39) {
        numRd++;
        if (pos >= len) return eof();
        c = s.charCodeAt(pos++);
      }
      if (numRd === 0) return fail(LEX_MISSING_DECIMAL);
    }
    if (c === 0x65 || c === 0x45) {
      if (pos >= len) return eof();
      c = s.charCodeAt(pos++);
      if (c === 0x2b || c === 0x2d) {
        if (pos >= len) return eof();
        c = s.charCodeAt(pos++);
      }
      if (c >= 0x30 && c <= 0x39) {
        do {
          if (pos >= len) return eof();
          c = s.charCodeAt(pos++);
        } while (c >= 0x30 && c <= 0x39);
      } else {
        return fail(LEX_MISSING_EXPONENT);
      }
    }
    pos--; // always one too far
    this.pos = pos;
    this.tokEnd = pos;
    return T_NUMBER;
  }

  /** The current token's string value. */
  private tokenString(escaped: boolean): string {
    return escaped ? decodeString(this.s, this.tokStart, this.tokEnd) : this.s.slice(this.tokStart, this.tokEnd);
  }

  /** JSON::getCurrentKey as v3 uses it for container names. */
  private currentName(): string {
    const n = this.containers.length;
    if (n === 0) return 'json';
    if (this.containers[n - 1]!.isArray) return '';
    return this.currentKey.length === 0 ? 'empty-key' : this.currentKey;
  }

  private addValue(value: string): void {
    const n = this.containers.length;
    if (n === 0) {
      this.args.push(['json', value]);
      return;
    }
    const top = this.containers[n - 1]!;
    if (top.isArray) {
      this.args.push([top.prefix + top.counter, value]);
      top.counter++;
    } else {
      this.args.push([top.prefix + (this.currentKey.length === 0 ? 'empty-key' : this.currentKey), value]);
    }
  }

  /** Returns false when the depth limit cancels the parse. */
  private openContainer(isArray: boolean): boolean {
    const n = this.containers.length;
    let parent = '';
    if (n > 0) {
      const top = this.containers[n - 1]!;
      parent = top.isArray ? top.prefix + top.counter : top.prefix;
    }
    const head = parent + this.currentName();
    this.containers.push({ isArray, prefix: isArray ? head + '.array_' : head + '.', counter: 0 });
    return this.containers.length <= this.depthLimit;
  }

  private closeContainer(): void {
    this.containers.pop();
    const n = this.containers.length;
    if (n > 0 && this.containers[n - 1]!.isArray) this.containers[n - 1]!.counter++;
  }

  /** Runs YAJL's state machine; returns the error text or null. */
  run(): string | null {
    const stack: number[] = [S_START];
    outer: for (;;) {
      const state = stack[stack.length - 1]!;
      switch (state) {
        case S_PARSE_COMPLETE: {
          if (this.pos < this.len && this.lex() !== T_EOF) return 'parse error: trailing garbage';
          return null;
        }
        case S_START:
        case S_MAP_NEED_VAL:
        case S_ARRAY_NEED_VAL:
        case S_ARRAY_START: {
          let push = -1;
          const tok = this.lex();
          switch (tok) {
            case T_EOF:
              break outer;
            case T_ERROR:
              return 'lexical error: ' + this.lexError;
            case T_STRING:
            case T_STRING_ESC:
              this.addValue(this.tokenString(tok === T_STRING_ESC));
              break;
            case T_NUMBER:
              this.addValue(this.s.slice(this.tokStart, this.tokEnd));
              break;
            case T_TRUE:
              this.addValue('true');
              break;
            case T_FALSE:
              this.addValue('false');
              break;
            case T_NULL:
              this.addValue('');
              break;
            case T_LBRACE:
            case T_LBRACKET:
              if (!this.openContainer(tok === T_LBRACKET)) return DEPTH_EXCEEDED;
              push = tok === T_LBRACKET ? S_ARRAY_START : S_MAP_START;
              break;
            case T_RBRACKET:
              if (state === S_ARRAY_START) {
                this.closeContainer();
                stack.pop();
                continue outer;
              }
              return 'parse error: unallowed token at this point in JSON text';
            default:
              return 'parse error: unallowed token at this point in JSON text';
          }
          const top = stack.length - 1;
          if (state === S_START) stack[top] = S_PARSE_COMPLETE;
          else if (state === S_MAP_NEED_VAL) stack[top] = S_MAP_GOT_VAL;
          else stack[top] = S_ARRAY_GOT_VAL;
          if (push >= 0) stack.push(push);
          continue outer;
        }
        case S_MAP_START:
        case S_MAP_NEED_KEY: {
          const tok = this.lex();
          switch (tok) {
            case T_EOF:
              break outer;
            case T_ERROR:
              return 'lexical error: ' + this.lexError;
            case T_STRING:
            case T_STRING_ESC:
              this.currentKey = this.tokenString(tok === T_STRING_ESC);
              stack[stack.length - 1] = S_MAP_SEP;
              continue outer;
            case T_RBRACE:
              if (state === S_MAP_START) {
                this.closeContainer();
                stack.pop();
                continue outer;
              }
              return 'parse error: invalid object key (must be a string)';
            default:
              return 'parse error: invalid object key (must be a string)';
          }
        }
        case S_MAP_SEP: {
          const tok = this.lex();
          if (tok === T_COLON) {
            stack[stack.length - 1] = S_MAP_NEED_VAL;
            continue outer;
          }
          if (tok === T_EOF) break outer;
          if (tok === T_ERROR) return 'lexical error: ' + this.lexError;
          return "parse error: object key and value must be separated by a colon (':')";
        }
        case S_MAP_GOT_VAL: {
          const tok = this.lex();
          if (tok === T_RBRACE) {
            this.closeContainer();
            stack.pop();
            continue outer;
          }
          if (tok === T_COMMA) {
            stack[stack.length - 1] = S_MAP_NEED_KEY;
            continue outer;
          }
          if (tok === T_EOF) break outer;
          if (tok === T_ERROR) return 'lexical error: ' + this.lexError;
          return "parse error: after key and value, inside map, I expect ',' or '}'";
        }
        case S_ARRAY_GOT_VAL: {
          const tok = this.lex();
          if (tok === T_RBRACKET) {
            this.closeContainer();
            stack.pop();
            continue outer;
          }
          if (tok === T_COMMA) {
            stack[stack.length - 1] = S_ARRAY_NEED_VAL;
            continue outer;
          }
          if (tok === T_EOF) break outer;
          if (tok === T_ERROR) return 'lexical error: ' + this.lexError;
          return "parse error: after array element, I expect ',' or ']'";
        }
        default:
          return 'parse error: invalid token, internal error';
      }
    }
    // End of input: only a complete top-level value is acceptable.
    return 'parse error: premature EOF';
  }
}

const DEPTH_EXCEEDED = '\u0000depth';

/**
 * Parse a JSON request body into ModSecurity v3's ARGS. Never throws.
 */
export function parseJson(body: string, options: JsonOptions): ParsedArgs {
  if (body.length === 0) return { args: [], error: null };
  const parser = new JsonParser(body, options.depthLimit);
  const err = parser.run();
  if (err === null) return { args: parser.args, error: null };
  if (err === DEPTH_EXCEEDED) {
    return {
      args: parser.args,
      error: PREFIX + 'parse error: client cancelled parse via callback return value\n. Parsing depth limit exceeded',
    };
  }
  return { args: parser.args, error: PREFIX + err + '\n' };
}
