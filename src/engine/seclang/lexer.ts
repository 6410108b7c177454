/** One configuration directive as written: its name, its arguments with quoting removed, and where it was. */
export interface Directive {
  name: string;
  args: string[];
  file: string;
  line: number;
  /** Something the lexer accepted as ModSecurity v3 does but the author should fix. */
  warning?: string;
}

/**
 * Splits SecLang text into directives with Apache-style lexing: `\` at the end of a line
 * continues it, `#` starts a comment line, arguments are separated by whitespace and may be
 * wrapped in double or single quotes, inside which a backslash escapes the quote character.
 * Other backslashes are kept as written, because operator arguments (regexes) need them.
 */
export function lexDirectives(text: string, file: string): Directive[] {
  const directives: Directive[] = [];
  const lines = text.split(/\r?\n/);
  let i = 0;
  while (i < lines.length) {
    const startLine = i + 1;
    let logical = lines[i]!;
    i++;
    while (endsWithContinuation(logical) && i < lines.length) {
      logical = logical.slice(0, -1) + lines[i]!;
      i++;
    }
    if (endsWithContinuation(logical)) logical = logical.slice(0, -1);
    const trimmed = logical.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const notes: string[] = [];
    const words = splitArguments(trimmed, notes);
    const [name, ...args] = words;
    const d: Directive = { name: name!, args, file, line: startLine };
    if (notes.length > 0) d.warning = notes.join('; ');
    directives.push(d);
  }
  return directives;
}

function endsWithContinuation(line: string): boolean {
  // A trailing backslash continues the line unless it is itself escaped.
  const trimmedEnd = line.replace(/[ \t]+$/, '');
  if (!trimmedEnd.endsWith('\\')) return false;
  let backslashes = 0;
  for (let j = trimmedEnd.length - 1; j >= 0 && trimmedEnd[j] === '\\'; j--) backslashes++;
  if (backslashes % 2 === 1) {
    if (trimmedEnd.length !== line.length) return false;
    return true;
  }
  return false;
}

function splitArguments(text: string, notes: string[]): string[] {
  const words: string[] = [];
  let pos = 0;
  const n = text.length;
  while (pos < n) {
    const c = text[pos]!;
    if (c === ' ' || c === '\t') {
      pos++;
      continue;
    }
    if (c === '"' || c === "'") {
      const quote = c;
      let out = '';
      let j = pos + 1;
      let closed = false;
      while (j < n) {
        const d = text[j]!;
        if (d === '\\' && j + 1 < n && text[j + 1] === quote) {
          out += quote;
          j += 2;
          continue;
        }
        if (d === quote) {
          closed = true;
          j++;
          break;
        }
        out += d;
        j++;
      }
      if (!closed) {
        // ModSecurity v3 loads such a line: the argument runs to the end of the line.
        notes.push(`unterminated ${quote === '"' ? 'double' : 'single'}-quoted argument, closed at the end of the line`);
      }
      words.push(out);
      pos = j;
      continue;
    }
    let j = pos;
    while (j < n && text[j] !== ' ' && text[j] !== '\t') j++;
    words.push(text.slice(pos, j));
    pos = j;
  }
  return words;
}
