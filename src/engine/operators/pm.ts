/**
 * `@pm phrase1 phrase2 ...`: case-insensitive multi-phrase match (Aho-Corasick).
 *
 * Parameter parsing follows libmodsecurity v3 (src/operators/pm.cc,
 * `parse_pm_content`): leading spaces/tabs are skipped, one pair of surrounding
 * double quotes is removed, `|hex hex|` sections are decoded to bytes, `\` escapes
 * `:` `;` `\` and `"`, and the result is split on C whitespace. A malformed
 * escape or hex section makes v3 fall back to the raw parameter, and so do we.
 * Under `capture`, TX.0 receives the matched phrase.
 */
import { AhoCorasick } from './aho-corasick.js';
import type { Captures, Operator, OperatorDefinition } from './types.js';
import { isCSpace, setCapture0 } from './util.js';

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  return -1;
}

/** v3's `parse_pm_content`: unquote, decode `|hex|` sections and `\` escapes. */
export function parsePmContent(param: string): string {
  let offset = 0;
  while (offset < param.length && (param[offset] === ' ' || param[offset] === '\t')) offset++;
  if (offset === param.length) return param;

  let end = param.length;
  if (end - offset >= 2 && param[offset] === '"' && param[end - 1] === '"') {
    offset++;
    end--;
  }
  if (end === offset) return param;

  let out = '';
  let bin = false;
  let esc = false;
  let pendingHex = -1;
  for (let i = offset; i < end; i++) {
    const ch = param[i]!;
    if (ch === '|') {
      bin = !bin;
    } else if (!esc && ch === '\\') {
      esc = true;
    } else if (bin) {
      const value = hexValue(ch.charCodeAt(0));
      if (value >= 0) {
        if (pendingHex < 0) {
          pendingHex = value;
        } else {
          out += String.fromCharCode((pendingHex << 4) | value);
          pendingHex = -1;
        }
      } else if (ch !== ' ') {
        // Not a hex digit: v3 gives up and uses the parameter as written.
        return param;
      }
    } else if (esc) {
      if (ch === ':' || ch === ';' || ch === '\\' || ch === '"') {
        out += ch;
      } else {
        return param;
      }
      esc = false;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Split on C whitespace, as `std::istream_iterator<std::string>` does. */
export function splitWhitespace(text: string): string[] {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    if (isCSpace(text.charCodeAt(i))) {
      if (start >= 0) {
        words.push(text.slice(start, i));
        start = -1;
      }
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) words.push(text.slice(start));
  return words;
}

/** The phrases of an `@pm` parameter. */
export function parsePmPhrases(param: string): string[] {
  return splitWhitespace(parsePmContent(param));
}

/** An operator that matches when any of `phrases` occurs in the value. */
export function phraseOperator(automaton: AhoCorasick): Operator {
  return {
    match(input: string, captures: Captures | null): boolean {
      const state = automaton.firstMatch(input);
      if (state < 0) return false;
      if (captures) setCapture0(captures, automaton.text(state));
      return true;
    },
  };
}

export const pm: OperatorDefinition = {
  name: 'pm',
  factory: (param) => phraseOperator(AhoCorasick.build(parsePmPhrases(param))),
};
