/**
 * go-ftw runs `data` through Go's text/template with the Sprig functions. The CRS suite uses
 * that only as `{{ "1" | repeat N }}`. This evaluates the small subset we can do exactly —
 * string and number literals, pipelines into `repeat`, `trim`, `upper`, `lower`, `nospace`,
 * `cat`, comments and `{{-`/`-}}` whitespace trimming — and throws `TemplateUnsupported`
 * for anything else, so that a test we cannot reproduce byte for byte fails loudly instead
 * of sending a guessed body. Text outside actions is copied unchanged.
 */

export class TemplateUnsupported extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateUnsupported';
  }
}

/** Thrown where Go's template parser would fail (go-ftw then sends no body at all). */
export class TemplateParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateParseError';
  }
}

type Token = { kind: 'string'; value: string } | { kind: 'number'; value: number } | { kind: 'ident'; value: string } | { kind: 'pipe' };

function unquoteGo(lit: string): string {
  // Go interpreted string literal; JSON covers the common escapes, \x and \u need care.
  let out = '';
  for (let i = 1; i < lit.length - 1; i++) {
    const c = lit[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = lit[++i]!;
    switch (n) {
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case '\\': out += '\\'; break;
      case '"': out += '"'; break;
      case "'": out += "'"; break;
      case 'x': out += String.fromCharCode(parseInt(lit.slice(i + 1, i + 3), 16)); i += 2; break;
      case 'u': out += String.fromCodePoint(parseInt(lit.slice(i + 1, i + 5), 16)); i += 4; break;
      case 'U': out += String.fromCodePoint(parseInt(lit.slice(i + 1, i + 9), 16)); i += 8; break;
      default: throw new TemplateParseError(`unknown escape \\${n}`);
    }
  }
  return out;
}

function tokenize(action: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < action.length) {
    const c = action[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '|') { tokens.push({ kind: 'pipe' }); i++; continue; }
    if (c === '"') {
      let j = i + 1;
      while (j < action.length && action[j] !== '"') j += action[j] === '\\' ? 2 : 1;
      if (j >= action.length) throw new TemplateParseError('unterminated quoted string');
      tokens.push({ kind: 'string', value: unquoteGo(action.slice(i, j + 1)) });
      i = j + 1;
      continue;
    }
    if (c === '`') {
      const j = action.indexOf('`', i + 1);
      if (j < 0) throw new TemplateParseError('unterminated raw string');
      tokens.push({ kind: 'string', value: action.slice(i + 1, j) });
      i = j + 1;
      continue;
    }
    const m = /^-?\d+/.exec(action.slice(i));
    if (m) { tokens.push({ kind: 'number', value: Number(m[0]) }); i += m[0].length; continue; }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(action.slice(i));
    if (id) { tokens.push({ kind: 'ident', value: id[0] }); i += id[0].length; continue; }
    throw new TemplateUnsupported(`unsupported template syntax near ${JSON.stringify(action.slice(i, i + 10))}`);
  }
  return tokens;
}

type Value = string | number;

function callFunction(name: string, args: Value[]): Value {
  const s = (v: Value | undefined): string => (v === undefined ? '' : String(v));
  switch (name) {
    case 'repeat': {
      if (args.length !== 2 || typeof args[0] !== 'number') throw new TemplateUnsupported('repeat needs a count and a string');
      if (args[0] < 0) throw new TemplateUnsupported('negative repeat count');
      return s(args[1]).repeat(args[0]);
    }
    case 'upper': return s(args[0]).toUpperCase();
    case 'lower': return s(args[0]).toLowerCase();
    case 'trim': return s(args[0]).trim();
    case 'nospace': return s(args[0]).replace(/\s/g, '');
    case 'cat': return args.map(s).join(' ');
    default: throw new TemplateUnsupported(`template function ${name} is not supported`);
  }
}

function evalAction(action: string): string {
  const tokens = tokenize(action);
  if (tokens.length === 0) throw new TemplateParseError('missing value for command');
  // Split into pipeline commands.
  const commands: Token[][] = [[]];
  for (const t of tokens) {
    if (t.kind === 'pipe') commands.push([]);
    else commands[commands.length - 1]!.push(t);
  }
  let piped: Value | undefined;
  for (const [index, cmd] of commands.entries()) {
    if (cmd.length === 0) throw new TemplateParseError('missing command in pipeline');
    const head = cmd[0]!;
    const args: Value[] = cmd.slice(1).map((t) => {
      if (t.kind === 'ident') throw new TemplateUnsupported('nested function calls are not supported');
      return (t as { value: Value }).value;
    });
    if (head.kind === 'ident') {
      if (index > 0) args.push(piped!);
      piped = callFunction(head.value, args);
    } else {
      if (index > 0 || args.length > 0) throw new TemplateParseError("can't give argument to non-function");
      piped = (head as { value: Value }).value;
    }
  }
  return String(piped);
}

/** Evaluates `data` as go-ftw does. Text without `{{` is returned unchanged. */
export function evaluateTemplate(data: string): string {
  if (!data.includes('{{')) return data;
  let out = '';
  let i = 0;
  while (i < data.length) {
    const open = data.indexOf('{{', i);
    if (open < 0) { out += data.slice(i); break; }
    let text = data.slice(i, open);
    let start = open + 2;
    if (data.startsWith('- ', start) || data.startsWith('-\t', start) || data.startsWith('-\n', start) || data.startsWith('-\r', start)) {
      text = text.replace(/[ \t\r\n]+$/, '');
      start += 1;
    }
    out += text;
    const close = data.indexOf('}}', start);
    if (close < 0) throw new TemplateParseError('unclosed action');
    let end = close;
    let trimRight = false;
    if (close >= 2 && data[close - 1] === '-' && /[ \t\r\n]/.test(data[close - 2]!)) {
      trimRight = true;
      end = close - 1;
    }
    const action = data.slice(start, end).trim();
    if (!(action.startsWith('/*') && action.endsWith('*/'))) out += evalAction(action);
    i = close + 2;
    if (trimRight) while (i < data.length && /[ \t\r\n]/.test(data[i]!)) i++;
  }
  return out;
}
