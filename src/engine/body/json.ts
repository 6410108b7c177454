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

interface Container {
  isArray: boolean;
  /** Full path of the parents plus this container's own name. */
  head: string;
  counter: number;
}

/**
 * Parse a JSON request body into ModSecurity v3's ARGS. Never throws.
 */
export function parseJson(body: string, options: JsonOptions): ParsedArgs {
  const args: Arg[] = [];
  if (body.length === 0) return { args, error: null };

  // YAJL is fed the body, then a single space by yajl_complete_parse (which ends a
  // number or keyword that touches the end of the body).
  const s = body + ' ';
  const len = s.length;
  const depthLimit = options.depthLimit;

  let pos = 0;
  // Token outputs.
  let tokStart = 0;
  let tokEnd = 0;
  let lexError = '';

  const lex = (): number => {
    for (;;) {
      if (pos >= len) return T_EOF;
      const c = s.charCodeAt(pos++);
      switch (c) {
        case 0x7b: return T_LBRACE;
        case 0x7d: return T_RBRACE;
        case 0x5b: return T_LBRACKET;
        case 0x5d: return T_RBRACKET;
        case 0x2c: return T_COMMA;
        case 0x3a: return T_COLON;
        case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d: case 0x20:
          continue;
        case 0x74: return lexKeyword('rue', T_TRUE);
        case 0x66: return lexKeyword('alse', T_FALSE);
        case 0x6e: return lexKeyword('ull', T_NULL);
        case 0x22: return lexString();
        case 0x2d: case 0x30: case 0x31: case 0x32: case 0x33: case 0x34:
        case 0x35: case 0x36: case 0x37: case 0x38: case 0x39:
          pos--;
          return lexNumber();
        case 0x2f:
          pos--;
          lexError = LEX_COMMENT;
          return T_ERROR;
        default:
          lexError = LEX_INVALID_CHAR;
          return T_ERROR;
      }
    }
  };

  const lexKeyword = (want: string, tok: number): number => {
    for (let k = 0; k < want.length; k++) {
      if (pos >= len) return T_EOF;
      if (s.charCodeAt(pos) !== want.charCodeAt(k)) {
        lexError = LEX_INVALID_STRING;
        return T_ERROR;
      }
      pos++;
    }
    return tok;
  };

  const lexString = (): number => {
    tokStart = pos;
    let hasEscapes = false;
    for (;;) {
      // Fast scan over plain ASCII.
      while (pos < len) {
        const c = s.charCodeAt(pos);
        if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x80) break;
        pos++;
      }
      if (pos >= len) return T_EOF;
      const c = s.charCodeAt(pos++);
      if (c === 0x22) {
        tokEnd = pos - 1;
        return hasEscapes ? T_STRING_ESC : T_STRING;
      }
      if (c === 0x5c) {
        hasEscapes = true;
        if (pos >= len) return T_EOF;
        const e = s.charCodeAt(pos++);
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            if (pos >= len) return T_EOF;
            if (!isHex(s.charCodeAt(pos))) {
              lexError = LEX_INVALID_HEX;
              return T_ERROR;
            }
            pos++;
          }
        } else if (
          e !== 0x22 && e !== 0x5c && e !== 0x2f && e !== 0x62 &&
          e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74
        ) {
          pos--;
          lexError = LEX_INVALID_ESCAPED;
          return T_ERROR;
        }
      } else if (c < 0x20) {
        pos--;
        lexError = LEX_INVALID_JSON_CHAR;
        return T_ERROR;
      } else {
        // UTF-8 check, as loose as YAJL's: lead byte pattern plus continuation bytes.
        let more: number;
        if (c >> 5 === 0x6) more = 1;
        else if (c >> 4 === 0xe) more = 2;
        else if (c >> 3 === 0x1e) more = 3;
        else {
          lexError = LEX_INVALID_UTF8;
          return T_ERROR;
        }
        for (let k = 0; k < more; k++) {
          if (pos >= len) return T_EOF;
          const cc = s.charCodeAt(pos++);
          if (cc >> 6 !== 0x2) {
            lexError = LEX_INVALID_UTF8;
            return T_ERROR;
          }
        }
      }
    }
  };

  const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

  const lexNumber = (): number => {
    tokStart = pos;
    if (pos >= len) return T_EOF;
    let c = s.charCodeAt(pos++);
    if (c === 0x2d) {
      if (pos >= len) return T_EOF;
      c = s.charCodeAt(pos++);
    }
    if (c === 0x30) {
      if (pos >= len) return T_EOF;
      c = s.charCodeAt(pos++);
    } else if (c >= 0x31 && c <= 0x39) {
      do {
        if (pos >= len) return T_EOF;
        c = s.charCodeAt(pos++);
      } while (isDigit(c));
    } else {
      pos--;
      lexError = LEX_MISSING_MINUS;
      return T_ERROR;
    }
    if (c === 0x2e) {
      let numRd = 0;
      if (pos >= len) return T_EOF;
      c = s.charCodeAt(pos++);
      while (isDigit(c)) {
        numRd++;
        if (pos >= len) return T_EOF;
        c = s.charCodeAt(pos++);
      }
      if (numRd === 0) {
        pos--;
        lexError = LEX_MISSING_DECIMAL;
        return T_ERROR;
      }
    }
    if (c === 0x65 || c === 0x45) {
      if (pos >= len) return T_EOF;
      c = s.charCodeAt(pos++);
      if (c === 0x2b || c === 0x2d) {
        if (pos >= len) return T_EOF;
        c = s.charCodeAt(pos++);
      }
      if (isDigit(c)) {
        do {
          if (pos >= len) return T_EOF;
          c = s.charCodeAt(pos++);
        } while (isDigit(c));
      } else {
        pos--;
        lexError = LEX_MISSING_EXPONENT;
        return T_ERROR;
      }
    }
    pos--; // always one too far
    tokEnd = pos;
    return T_NUMBER;
  };

  // ModSecurity's naming state.
  const containers: Container[] = [];
  let currentKey = '';

  /** JSON::getCurrentKey as v3 uses it for both container names and leaf keys. */
  const currentName = (): string => {
    const n = containers.length;
    if (n === 0) return 'json';
    if (containers[n - 1]!.isArray) return '';
    return currentKey.length === 0 ? 'empty-key' : currentKey;
  };

  /** Path prefix a child (leaf or container) of the top container gets. */
  const childPrefix = (): string => {
    const n = containers.length;
    if (n === 0) return '';
    const top = containers[n - 1]!;
    return top.isArray ? top.head + '.array_' + top.counter : top.head + '.';
  };

  const addValue = (value: string): void => {
    const n = containers.length;
    if (n === 0) {
      args.push(['json', value]);
      return;
    }
    const top = containers[n - 1]!;
    if (top.isArray) {
      args.push([top.head + '.array_' + top.counter, value]);
      top.counter++;
    } else {
      args.push([top.head + '.' + (currentKey.length === 0 ? 'empty-key' : currentKey), value]);
    }
  };

  /** Returns false when the depth limit cancels the parse. */
  const openContainer = (isArray: boolean): boolean => {
    const head = childPrefix() + currentName();
    containers.push({ isArray, head, counter: 0 });
    return containers.length <= depthLimit;
  };

  const closeContainer = (): void => {
    containers.pop();
    const n = containers.length;
    if (n > 0 && containers[n - 1]!.isArray) containers[n - 1]!.counter++;
  };

  const stack: number[] = [S_START];
  let parseError: string | null = null;
  let lexicalError: string | null = null;
  let cancelled = false;

  outer: for (;;) {
    const state = stack[stack.length - 1]!;
    switch (state) {
      case S_PARSE_COMPLETE: {
        if (pos < len) {
          const tok = lex();
          if (tok !== T_EOF) {
            parseError = 'trailing garbage';
            break outer;
          }
        }
        break outer;
      }
      case S_START:
      case S_MAP_NEED_VAL:
      case S_ARRAY_NEED_VAL:
      case S_ARRAY_START: {
        let push = -1;
        const tok = lex();
        switch (tok) {
          case T_EOF:
            break outer;
          case T_ERROR:
            lexicalError = lexError;
            break outer;
          case T_STRING:
            addValue(s.slice(tokStart, tokEnd));
            break;
          case T_STRING_ESC:
            addValue(decodeString(s, tokStart, tokEnd));
            break;
          case T_NUMBER:
            addValue(s.slice(tokStart, tokEnd));
            break;
          case T_TRUE:
            addValue('true');
            break;
          case T_FALSE:
            addValue('false');
            break;
          case T_NULL:
            addValue('');
            break;
          case T_LBRACE:
            if (!openContainer(false)) {
              cancelled = true;
              break outer;
            }
            push = S_MAP_START;
            break;
          case T_LBRACKET:
            if (!openContainer(true)) {
              cancelled = true;
              break outer;
            }
            push = S_ARRAY_START;
            break;
          case T_RBRACKET:
            if (state === S_ARRAY_START) {
              closeContainer();
              stack.pop();
              continue outer;
            }
            parseError = 'unallowed token at this point in JSON text';
            break outer;
          default:
            parseError = 'unallowed token at this point in JSON text';
            break outer;
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
        const tok = lex();
        switch (tok) {
          case T_EOF:
            break outer;
          case T_ERROR:
            lexicalError = lexError;
            break outer;
          case T_STRING:
            currentKey = s.slice(tokStart, tokEnd);
            stack[stack.length - 1] = S_MAP_SEP;
            continue outer;
          case T_STRING_ESC:
            currentKey = decodeString(s, tokStart, tokEnd);
            stack[stack.length - 1] = S_MAP_SEP;
            continue outer;
          case T_RBRACE:
            if (state === S_MAP_START) {
              closeContainer();
              stack.pop();
              continue outer;
            }
            parseError = 'invalid object key (must be a string)';
            break outer;
          default:
            parseError = 'invalid object key (must be a string)';
            break outer;
        }
      }
      case S_MAP_SEP: {
        const tok = lex();
        if (tok === T_COLON) {
          stack[stack.length - 1] = S_MAP_NEED_VAL;
          continue outer;
        }
        if (tok === T_EOF) break outer;
        if (tok === T_ERROR) {
          lexicalError = lexError;
          break outer;
        }
        parseError = "object key and value must be separated by a colon (':')";
        break outer;
      }
      case S_MAP_GOT_VAL: {
        const tok = lex();
        if (tok === T_RBRACE) {
          closeContainer();
          stack.pop();
          continue outer;
        }
        if (tok === T_COMMA) {
          stack[stack.length - 1] = S_MAP_NEED_KEY;
          continue outer;
        }
        if (tok === T_EOF) break outer;
        if (tok === T_ERROR) {
          lexicalError = lexError;
          break outer;
        }
        parseError = "after key and value, inside map, I expect ',' or '}'";
        break outer;
      }
      case S_ARRAY_GOT_VAL: {
        const tok = lex();
        if (tok === T_RBRACKET) {
          closeContainer();
          stack.pop();
          continue outer;
        }
        if (tok === T_COMMA) {
          stack[stack.length - 1] = S_ARRAY_NEED_VAL;
          continue outer;
        }
        if (tok === T_EOF) break outer;
        if (tok === T_ERROR) {
          lexicalError = lexError;
          break outer;
        }
        parseError = "after array element, I expect ',' or ']'";
        break outer;
      }
      default:
        parseError = 'invalid token, internal error';
        break outer;
    }
  }

  if (cancelled) {
    return {
      args,
      error: PREFIX + 'parse error: client cancelled parse via callback return value\n. Parsing depth limit exceeded',
    };
  }
  if (parseError !== null) return { args, error: PREFIX + 'parse error: ' + parseError + '\n' };
  if (lexicalError !== null) return { args, error: PREFIX + 'lexical error: ' + lexicalError + '\n' };
  // End of input: only a complete top-level value is acceptable.
  const final = stack[stack.length - 1];
  if (stack.length !== 1 || final !== S_PARSE_COMPLETE) {
    return { args, error: PREFIX + 'parse error: premature EOF\n' };
  }
  return { args, error: null };
}
