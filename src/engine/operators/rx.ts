/**
 * `@rx` and `@rxGlobal`, as ModSecurity v3 runs them (src/operators/rx.cc, rx_global.cc).
 *
 * - An empty parameter matches everything and captures nothing.
 * - `@rx` looks for the first match. With a Captures object, group i of that match goes to
 *   `groups[i]` (TX.i); a group that did not take part in the match is left unset (a hole in
 *   the array), as v3 skips it and leaves the old TX.i alone. v3 stores every group, not
 *   only 0-9; so do we, and the engine decides how many TX.n it keeps.
 * - `@rxGlobal` collects every match (Regex::searchGlobal). Its captures are numbered
 *   consecutively across matches: the groups of a match start at the number of captures
 *   stored so far, so with "(^|a)(b|c)(d)" on "bdacd" TX.0..TX.7 are
 *   "bd", "", "b", "d", "acd", "a", "c", "d". A later capture with the same number
 *   overwrites an earlier one (storeOrUpdateFirst).
 *
 * Macro parameters (`%{...}` in the pattern) are expanded by the engine before the pattern
 * is compiled; this operator sees the final pattern text.
 */
import { compileRegex } from '../regex/index.js';
import type { CompiledRegex, RegexMatch } from '../regex/index.js';
import type { Captures, Operator, OperatorCompileContext, OperatorDefinition } from './types.js';

const MATCH_ALL: Operator = { match: () => true };

function storeMatch(groups: string[], m: RegexMatch): void {
  for (let i = 0; i < m.groups.length; i++) {
    const v = m.groups[i];
    if (v !== undefined) groups[i] = v;
  }
}

/**
 * The captures `@rxGlobal` stores, in the order v3 stores them: [TX number, value].
 * Exported for tests.
 */
export function globalCaptures(matches: RegexMatch[]): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (const m of matches) {
    const first = out.length;
    for (let i = 0; i < m.groups.length; i++) {
      const v = m.groups[i];
      if (v !== undefined) out.push([first + i, v]);
    }
  }
  return out;
}

function compile(param: string, ctx: OperatorCompileContext | undefined): CompiledRegex {
  const re = compileRegex(param);
  for (const note of re.approximations) ctx?.warn?.(`@rx: ${note}`);
  return re;
}

export const rx: OperatorDefinition = {
  name: 'rx',
  factory(param: string, ctx?: OperatorCompileContext): Operator {
    if (param === '') return MATCH_ALL;
    const re = compile(param, ctx);
    return {
      match(input: string, captures: Captures | null): boolean {
        if (captures === null) return re.test(input);
        const m = re.match(input);
        if (m === null) return false;
        captures.groups.length = 0;
        storeMatch(captures.groups, m);
        return true;
      },
    };
  },
};

export const rxGlobal: OperatorDefinition = {
  name: 'rxGlobal',
  factory(param: string, ctx?: OperatorCompileContext): Operator {
    if (param === '') return MATCH_ALL;
    const re = compile(param, ctx);
    return {
      match(input: string, captures: Captures | null): boolean {
        if (captures === null) return re.test(input);
        const all = globalCaptures(re.matchAll(input));
        if (all.length === 0) return false;
        captures.groups.length = 0;
        for (const [n, v] of all) captures.groups[n] = v;
        return true;
      },
    };
  },
};
