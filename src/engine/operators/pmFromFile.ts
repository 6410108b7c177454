/**
 * `@pmFromFile file1 [file2 ...]` and its alias `@pmf`: `@pm` with the phrases read
 * from data files.
 *
 * As in libmodsecurity v3 (src/operators/pm_from_file.cc): the parameter is split
 * on spaces into file names; each file holds one phrase per line, taken verbatim
 * (no trimming, no `|hex|` decoding); empty lines and lines whose first
 * non-whitespace character is `#` are comments. vpatch also drops a trailing CR.
 * Automata are shared between rules that load the same phrase list.
 */
import { AhoCorasick } from './aho-corasick.js';
import { dataFileLines, readDataFile } from './data-files.js';
import { phraseOperator } from './pm.js';
import type { Operator, OperatorCompileContext, OperatorDefinition } from './types.js';
import { badArgument, isCSpace } from './util.js';

/** v3's `PmFromFile::isComment`. */
export function isPmFileComment(line: string): boolean {
  if (line.length === 0) return true;
  const hash = line.indexOf('#');
  if (hash < 0) return false;
  for (let i = 0; i < hash; i++) if (!isCSpace(line.charCodeAt(i))) return false;
  return true;
}

/** The phrases of one data file. */
export function parsePmFile(content: string): string[] {
  return dataFileLines(content).filter((line) => !isPmFileComment(line));
}

const CACHE_LIMIT = 128;
const automata = new Map<string, AhoCorasick>();

function sharedAutomaton(phrases: string[]): AhoCorasick {
  const key = phrases.join('\n');
  let automaton = automata.get(key);
  if (!automaton) {
    automaton = AhoCorasick.build(phrases);
    if (automata.size >= CACHE_LIMIT) automata.clear();
    automata.set(key, automaton);
  }
  return automaton;
}

function compile(operator: string, param: string, ctx: OperatorCompileContext): Operator {
  const names = param.split(' ').filter((name) => name.length > 0);
  if (names.length === 0) throw badArgument(operator, 'expects the path of at least one data file');
  const phrases: string[] = [];
  for (const name of names) {
    for (const phrase of parsePmFile(readDataFile(operator, name, ctx).content)) phrases.push(phrase);
  }
  return phraseOperator(sharedAutomaton(phrases));
}

export const pmFromFile: OperatorDefinition = {
  name: 'pmFromFile',
  factory: (param, ctx) => compile('pmFromFile', param, ctx),
};

export const pmf: OperatorDefinition = {
  name: 'pmf',
  factory: (param, ctx) => compile('pmf', param, ctx),
};
