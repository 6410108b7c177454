import { EngineError } from './errors.js';
import type { Transaction } from './transaction.js';
import type { VariableDefinition } from './variables/types.js';
import { getVariable } from './variables/index.js';
import { compileRegex } from './regex/index.js';
import type { Target } from './rule.js';
import { ValueSink } from './value-sink.js';

interface MacroReference {
  variable: VariableDefinition;
  lowerKey: string | null;
  /** `%{ARGS:/^id_/}`: the first value whose key matches (ModSecurity v3), as a target selects it. */
  keyTarget: Target | null;
}

/**
 * A string with `%{VARIABLE}` / `%{COLLECTION.key}` references, compiled once and expanded
 * per transaction. A reference to a value that is not set expands to the empty string.
 */
export class Macro {
  private constructor(
    private readonly parts: Array<string | MacroReference>,
    readonly text: string,
  ) {}

  /** True when the text contains no reference, so `expand` always returns `text`. */
  get isLiteral(): boolean {
    return this.parts.length === 0 || (this.parts.length === 1 && typeof this.parts[0] === 'string');
  }

  static compile(text: string): Macro {
    const parts: Array<string | MacroReference> = [];
    let pos = 0;
    let literal = '';
    while (pos < text.length) {
      const start = text.indexOf('%{', pos);
      if (start < 0) break;
      const end = text.indexOf('}', start + 2);
      if (end < 0) break;
      literal += text.slice(pos, start);
      const ref = parseReference(text.slice(start + 2, end));
      if (ref === null) {
        literal += text.slice(start, end + 1);
        pos = end + 1;
      } else {
        if (literal !== '') parts.push(literal);
        literal = '';
        parts.push(ref);
        pos = end + 1;
        // ModSecurity v3 reads `%{VAR}%` as `%{VAR}`: a '%' right after the reference (and
        // not starting the next one) belongs to it.
        if (text[pos] === '%' && text[pos + 1] !== '{') pos++;
      }
    }
    literal += text.slice(pos);
    if (literal !== '') parts.push(literal);
    return new Macro(parts, text);
  }

  expand(tx: Transaction): string {
    const parts = this.parts;
    if (parts.length === 1) {
      const p = parts[0]!;
      return typeof p === 'string' ? p : resolve(tx, p);
    }
    let out = '';
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      out += typeof p === 'string' ? p : resolve(tx, p);
    }
    return out;
  }
}

function resolve(tx: Transaction, p: MacroReference): string {
  if (p.keyTarget === null) return p.variable.first(tx, p.lowerKey) ?? '';
  const sink = new ValueSink();
  p.variable.collect(tx, p.keyTarget, sink);
  return sink.length > 0 ? sink.values[0]! : '';
}

function parseReference(spec: string): MacroReference | null {
  const trimmed = spec.trim();
  const sep = trimmed.search(/[.:]/);
  const name = sep < 0 ? trimmed : trimmed.slice(0, sep);
  const key = sep < 0 ? null : trimmed.slice(sep + 1);
  const variable = getVariable(name);
  if (variable === undefined) {
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new EngineError('VPATCH_SECLANG_UNKNOWN_VARIABLE', `unknown variable "${name}" in macro %{${spec}}`);
    }
    return null;
  }
  if (key !== null && key.length > 2 && key.startsWith('/') && key.endsWith('/') && variable.isCollection && variable.name !== 'XML') {
    const source = key.slice(1, -1);
    const keyTarget: Target = { variable, key: source, lowerKey: null, keyRegex: compileRegex(source, { caseInsensitive: true }), count: false, exclusions: [], text: `${name}:${key}` };
    return { variable, lowerKey: null, keyTarget };
  }
  return { variable, lowerKey: key === null ? null : key.toLowerCase(), keyTarget: null };
}
