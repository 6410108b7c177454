/**
 * The regular expression that `@verifyCC`, `@verifySSN`, `@verifyCPF` and
 * `@verifySVNR` use to find candidate numbers, and the candidate search.
 *
 * libmodsecurity v3 compiles the parameter with PCRE (DOTALL | MULTILINE). vpatch
 * compiles it with RE2, whose matching time is linear in the input, with the same
 * flags. RE2 accepts the PCRE syntax these parameters use (classes, `\d`,
 * counted repeats, groups, `^`/`$`, `\b`); a pattern RE2 cannot compile (lookaround,
 * backreferences) is a load error naming the reason. Values are byte strings; each
 * byte is one character for RE2, as it is one byte for PCRE.
 *
 * Candidate search: v3 retries the regex from every start offset (`@verifyCC`) or
 * on every suffix of the value (the others) and checks each match it finds. Both
 * amount to checking the leftmost match at or after each start position. vpatch
 * visits only distinct candidates: after a candidate that starts at `s` fails the
 * check, the next search starts at `s + 1`, because every start offset in between
 * would find the same match. A pattern with a bounded match length therefore costs
 * time linear in the value.
 */
import RE2 from 're2';
import type { Captures } from './types.js';
import { badArgument, setCapture0 } from './util.js';

export type Verifier = (candidate: string) => boolean;

/** Compile a verify* parameter (an empty one becomes `.*`, as in v3's Regex class). */
export function compileVerifyRegex(operator: string, param: string): RE2 {
  const source = param.length === 0 ? '.*' : param;
  try {
    return new RE2(source, 'gsm');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw badArgument(
      operator,
      `cannot compile ${JSON.stringify(source)}: ${reason} (vpatch compiles this pattern with RE2, which has no lookaround or backreferences)`,
    );
  }
}

/**
 * Search `input` for a match (or, with `allGroups`, a capture group of a match, as
 * v3's `Regex::searchAll` returns them) that `verify` accepts. Returns it or null.
 */
export function findVerified(re: RE2, input: string, verify: Verifier, allGroups: boolean): string | null {
  const n = input.length;
  let from = 0;
  while (from < n) {
    re.lastIndex = from;
    const m = re.exec(input);
    if (m === null) return null;
    const groups = allGroups ? m.length : 1;
    for (let g = 0; g < groups; g++) {
      const text = m[g];
      if (text !== undefined && verify(text)) return text;
    }
    from = m.index + 1;
  }
  return null;
}

/** An operator that matches when a verified candidate is found; TX.0 gets the candidate. */
export function verifyOperator(re: RE2, verify: Verifier, allGroups: boolean, minLength: number) {
  return {
    match(input: string, captures: Captures | null): boolean {
      if (input.length < minLength) return false;
      const found = findVerified(re, input, verify, allGroups);
      if (found === null) return false;
      if (captures) setCapture0(captures, found);
      return true;
    },
  };
}
