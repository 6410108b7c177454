/**
 * Just enough SecLang text handling for raw patch rules: split directives, split a SecRule
 * into its arguments and an action list into actions, and print them back.
 */

export interface SecRuleParts {
  variables: string;
  operator: string;
  actions: Action[];
}

export interface Action {
  name: string;
  /** Value as written, without surrounding quotes; undefined when the action has none. */
  value: string | undefined;
}

/** Joins backslash-newline continuations and returns the logical lines (non-empty, no comments). */
export function logicalLines(text: string): string[] {
  const joined = text.replace(/\\\r?\n\s*/g, ' ');
  return joined
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#'));
}

/** Splits a directive line into whitespace-separated arguments, honouring double quotes and `\"`. */
export function splitArgs(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length) break;
    if (line[i] === '"') {
      i++;
      let v = '';
      let closed = false;
      while (i < line.length) {
        const c = line[i]!;
        if (c === '\\' && line[i + 1] === '"') {
          v += '\\"';
          i += 2;
          continue;
        }
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        v += c;
        i++;
      }
      if (!closed) throw new Error('unterminated double quote');
      out.push(v);
    } else {
      let v = '';
      while (i < line.length && !/\s/.test(line[i]!)) v += line[i++];
      out.push(v);
    }
  }
  return out;
}

/** Splits `id:1,phase:2,msg:'a, b',t:none` into actions, honouring single quotes. */
export function splitActions(text: string): Action[] {
  const actions: Action[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && (text[i] === ',' || /\s/.test(text[i]!))) i++;
    if (i >= text.length) break;
    let name = '';
    while (i < text.length && text[i] !== ':' && text[i] !== ',') name += text[i++];
    name = name.trim();
    if (text[i] !== ':') {
      actions.push({ name, value: undefined });
      continue;
    }
    i++; // ':'
    while (i < text.length && text[i] === ' ') i++;
    let value = '';
    if (text[i] === "'") {
      i++;
      let closed = false;
      while (i < text.length) {
        const c = text[i]!;
        if (c === '\\' && text[i + 1] === "'") {
          value += "\\'";
          i += 2;
          continue;
        }
        if (c === "'") {
          closed = true;
          i++;
          break;
        }
        value += c;
        i++;
      }
      if (!closed) throw new Error(`unterminated single quote in action ${name}`);
    } else {
      while (i < text.length && text[i] !== ',') value += text[i++];
      value = value.trim();
    }
    actions.push({ name, value });
  }
  return actions;
}

export function formatActions(actions: Action[]): string {
  return actions
    .map((a) => {
      if (a.value === undefined) return a.name;
      if (/^[A-Za-z0-9_.:/=+\-]*$/.test(a.value) && a.name !== 'msg' && a.name !== 'logdata' && a.name !== 'tag') return `${a.name}:${a.value}`;
      return `${a.name}:'${a.value}'`;
    })
    .join(',');
}

export function parseSecRule(line: string): SecRuleParts {
  const args = splitArgs(line);
  if (args[0] !== 'SecRule') throw new Error(`expected SecRule, found ${args[0] ?? 'nothing'}`);
  if (args.length < 3 || args.length > 4) throw new Error(`SecRule takes 2 or 3 arguments, found ${args.length - 1}`);
  return { variables: args[1]!, operator: args[2]!, actions: args[3] !== undefined ? splitActions(args[3]) : [] };
}

export function formatSecRule(r: SecRuleParts, indent = ''): string {
  const q = (s: string) => `"${s}"`;
  const head = `${indent}SecRule ${r.variables} ${q(r.operator)}`;
  if (r.actions.length === 0) return head;
  return `${head} \\\n${indent}    ${q(formatActions(r.actions))}`;
}

/** Escapes a value for a single-quoted action value. */
export function quoteActionValue(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/[\r\n]+/g, ' ');
}

/** Escapes an operator argument for the double-quoted operator string. */
export function escapeOperatorArg(s: string): string {
  return s.replace(/"/g, '\\"');
}
