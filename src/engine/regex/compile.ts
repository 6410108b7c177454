/**
 * compileRegex: PCRE2 pattern (as ModSecurity v3 runs it) -> a matcher with the same meaning
 * that runs in time linear in the input.
 *
 * Engines:
 * - RE2 (native, `re2` package) for every pattern it can express: that is all of CRS.
 * - V8 irregexp only for patterns RE2 cannot express (lookaround, backreferences, atomic
 *   groups, possessive quantifiers) AND whose backtracking is provably bounded per start
 *   position (no unbounded quantifier, small path count). Anything else is refused with
 *   VPATCH_REGEX_COMPILE rather than risking a super-linear match on attacker input.
 *
 * A prefilter (prefilter.ts) rejects inputs that cannot match before any engine runs.
 */
import RE2 from 're2';
import { EngineError } from '../errors.js';
import { type Node, minLength } from './ast.js';
import { backtrackingPathBound, hasBolAtEndHazard, needsBacktracking, nonEmpty } from './analysis.js';
import { toRe2Buffer, toRe2Subject } from './bytes.js';
import { literalIndex } from './literal-index.js';
import { FINAL_NL, FINAL_NL_GROUP, UnsupportedError, emitJs, emitRe2 } from './emit.js';
import { RegexSyntaxError, parseRegex } from './parser.js';
import { approximatePossessive, relaxPossessive } from './possessive.js';
import { type Prefilter, buildPrefilter } from './prefilter.js';

export interface CompileOptions {
  /** PCRE2_CASELESS, as `(?i)` at the start. */
  caseInsensitive?: boolean;
  /**
   * Which engine to use. 'auto' (default): RE2, or V8 when RE2 cannot express the pattern
   * and V8 is provably linear on it. 'v8-unsafe' forces V8 for any pattern; it exists for
   * benchmarks and differential tests only and must never see production traffic.
   */
  engine?: 'auto' | 're2' | 'v8-unsafe';
  /** Use the literal/length prefilter (default true). */
  prefilter?: boolean;
  /** Reuse an earlier compilation of the same pattern and options (default true). */
  cache?: boolean;
}

/** One match. `groups[0]` is the whole match; unset groups are `undefined`. */
export interface RegexMatch {
  index: number;
  end: number;
  groups: Array<string | undefined>;
}

export interface CompiledRegex {
  /** The pattern as given. */
  readonly pattern: string;
  readonly engine: 're2' | 'v8';
  /** Number of capturing groups in the pattern. */
  readonly groupCount: number;
  /** Smallest number of bytes any match consumes. */
  readonly minLength: number;
  /** Where the compiled pattern is looser than PCRE (e.g. a possessive quantifier run greedy); empty when exact. */
  readonly approximations: readonly string[];
  /** True if the pattern matches somewhere in `input` (a byte string). */
  test(input: string): boolean;
  /**
   * False when the input certainly cannot match (too short, or lacks a required literal);
   * true means only "maybe". This is the check test() makes before running an engine.
   */
  mayMatch(input: string): boolean;
  /** Group 0 and groups 1..9 of the first match, unmatched groups as ''; null if no match. */
  exec(input: string): string[] | null;
  /** The first match with every group (unset ones undefined). */
  match(input: string): RegexMatch | null;
  /**
   * Every match, iterated as ModSecurity v3's Regex::searchGlobal does for `@rxGlobal`:
   * after a non-empty match the search resumes at its end; after an empty match it first
   * tries a non-empty match anchored at the same offset, then moves one byte on.
   */
  matchAll(input: string): RegexMatch[];
}

interface Backend {
  readonly engine: 're2' | 'v8';
  test(input: string): boolean;
  /** First match at or after `from` (the whole input stays the context for anchors). */
  search(input: string, from: number): RegexMatch | null;
  /** Highest-priority non-empty match starting exactly at `at`. */
  anchoredNonEmpty(input: string, at: number): RegexMatch | null;
}

function collect(
  raw: ArrayLike<string | undefined>,
  captureOrder: number[],
  groupCount: number,
  index: number,
): RegexMatch {
  const groups: Array<string | undefined> = new Array<string | undefined>(groupCount + 1);
  const whole = raw[0]!;
  groups[0] = whole;
  for (let k = 1; k < raw.length; k++) {
    const v = raw[k];
    const orig = captureOrder[k - 1]!;
    if (orig <= 0 || v === undefined) continue;
    // A group emitted twice (non-empty variant): the later copy is the later iteration.
    groups[orig] = v;
  }
  return { index, end: index + whole.length, groups };
}

/** Groups from RE2 match indices, sliced from the byte string itself. */
function collectIndices(
  indices: ArrayLike<[number, number] | undefined>,
  captureOrder: number[],
  groupCount: number,
  input: string,
): RegexMatch {
  const groups: Array<string | undefined> = new Array<string | undefined>(groupCount + 1);
  let finalNewlineGivenBack = false;
  for (let k = 1; k < indices.length; k++) {
    if (captureOrder[k - 1] === FINAL_NL_GROUP && indices[k] !== undefined) finalNewlineGivenBack = true;
  }
  // `$` consumed the stand-in for the final newline: the match really ends before it.
  const len = input.length;
  const cut = (end: number): number => (finalNewlineGivenBack && end === len ? len - 1 : end);
  const [start0, end0] = indices[0]!;
  const end = cut(end0);
  groups[0] = input.slice(start0, end);
  for (let k = 1; k < indices.length; k++) {
    const pair = indices[k];
    const orig = captureOrder[k - 1]!;
    if (orig <= 0 || pair === undefined) continue;
    groups[orig] = input.slice(pair[0], Math.max(pair[0], cut(pair[1])));
  }
  return { index: start0, end, groups };
}

/** The RE2 objects of one emitted pattern; the ones for captures are built on first use. */
class Re2Program {
  readonly test: RE2;
  private globalRe: RE2 | null = null;
  private nonEmptyRe: RE2 | null | undefined = undefined;
  readonly order: number[];
  neOrder: number[] = [];
  private readonly source: string;

  constructor(
    private readonly root: Node,
    private readonly finalNewline: boolean,
  ) {
    const main = emitRe2(root, finalNewline);
    this.source = main.source;
    this.order = main.captureOrder;
    this.test = new RE2(main.source);
  }

  get global(): RE2 {
    if (this.globalRe === null) this.globalRe = new RE2(this.source, 'gd');
    return this.globalRe;
  }

  get nonEmpty(): RE2 | null {
    if (this.nonEmptyRe === undefined) {
      const ne = nonEmpty(this.root);
      if (ne === null) {
        this.nonEmptyRe = null;
      } else {
        const emitted = emitRe2(ne, this.finalNewline);
        this.neOrder = emitted.captureOrder;
        this.nonEmptyRe = new RE2(emitted.source, 'yd');
      }
    }
    return this.nonEmptyRe;
  }
}

// One-entry cache: RE2 keeps its UTF-8 copy of the last subject only while the same string
// object comes back, which keeps a global iteration linear.
let lastNlIn = '';
let lastNlOut = '';
function finalNewlineSubject(subject: string): string {
  if (subject !== lastNlIn) {
    lastNlIn = subject;
    lastNlOut = subject.slice(0, -1) + String.fromCharCode(FINAL_NL);
  }
  return lastNlOut;
}

type IndexedExec = RegExpExecArray & { indices: Array<[number, number] | undefined> };

class Re2Backend implements Backend {
  readonly engine = 're2' as const;
  private readonly main: Re2Program;
  /** Variant for subjects ending with a newline, when `^` could match after it (emitRe2). */
  private readonly finalNewline: Re2Program | null;

  constructor(root: Node, private readonly groupCount: number) {
    this.main = new Re2Program(root, false);
    this.finalNewline = hasBolAtEndHazard(root) ? new Re2Program(root, true) : null;
  }

  get source(): string {
    return this.main.test.source;
  }

  /** The program and RE2 subject for an input. */
  private pick(input: string): [Re2Program, string] {
    const subject = toRe2Subject(input);
    const nl = this.finalNewline;
    if (nl !== null && input.length > 0 && input.charCodeAt(input.length - 1) === 0x0a) {
      return [nl, finalNewlineSubject(subject)];
    }
    return [this.main, subject];
  }

  test(input: string): boolean {
    const nl = this.finalNewline;
    if (nl !== null && input.length > 0 && input.charCodeAt(input.length - 1) === 0x0a) {
      return nl.test.test(finalNewlineSubject(toRe2Subject(input)));
    }
    return this.main.test.test(literalIndex.buffer(input, toRe2Buffer));
  }

  search(input: string, from: number): RegexMatch | null {
    const [program, subject] = this.pick(input);
    const re = program.global;
    re.lastIndex = from;
    const m = re.exec(subject) as IndexedExec | null;
    if (m === null) return null;
    return collectIndices(m.indices, program.order, this.groupCount, input);
  }

  anchoredNonEmpty(input: string, at: number): RegexMatch | null {
    const [program, subject] = this.pick(input);
    const re = program.nonEmpty;
    if (re === null) return null;
    re.lastIndex = at;
    const m = re.exec(subject) as IndexedExec | null;
    if (m === null) return null;
    return collectIndices(m.indices, program.neOrder, this.groupCount, input);
  }
}

class V8Backend implements Backend {
  readonly engine = 'v8' as const;
  private readonly reTest: RegExp;
  private readonly reGlobal: RegExp;
  private readonly reNonEmpty: RegExp | null;
  private readonly captureOrder: number[];
  private readonly neCaptureOrder: number[];

  constructor(root: Node, private readonly groupCount: number) {
    const main = emitJs(root);
    this.captureOrder = main.captureOrder;
    this.reTest = new RegExp(main.source);
    this.reGlobal = new RegExp(main.source, 'g');
    const ne = nonEmpty(root);
    if (ne === null) {
      this.reNonEmpty = null;
      this.neCaptureOrder = [];
    } else {
      const neEmit = emitJs(ne);
      this.reNonEmpty = new RegExp(neEmit.source, 'y');
      this.neCaptureOrder = neEmit.captureOrder;
    }
  }

  test(input: string): boolean {
    return this.reTest.test(input);
  }

  search(input: string, from: number): RegexMatch | null {
    const re = this.reGlobal;
    re.lastIndex = from;
    const m = re.exec(input);
    if (m === null) return null;
    return collect(m, this.captureOrder, this.groupCount, m.index);
  }

  anchoredNonEmpty(input: string, at: number): RegexMatch | null {
    const re = this.reNonEmpty;
    if (re === null) return null;
    re.lastIndex = at;
    const m = re.exec(input);
    if (m === null) return null;
    return collect(m, this.neCaptureOrder, this.groupCount, m.index);
  }
}

/** Most paths a V8-run pattern may explore per start position (see backtrackingPathBound). */
const V8_PATH_LIMIT = 10_000;

class Compiled implements CompiledRegex {
  readonly engine: 're2' | 'v8';
  readonly minLength: number;

  constructor(
    readonly pattern: string,
    readonly groupCount: number,
    private readonly backend: Backend,
    private readonly prefilter: Prefilter | null,
    minLen: number,
    readonly approximations: readonly string[],
  ) {
    this.engine = backend.engine;
    this.minLength = minLen;
  }

  mayMatch(input: string): boolean {
    if (input.length < this.minLength) return false;
    const p = this.prefilter;
    return p === null || p.mayMatch(input);
  }

  test(input: string): boolean {
    if (!this.mayMatch(input)) return false;
    return this.backend.test(input);
  }

  match(input: string): RegexMatch | null {
    // Matches are rare: the cheap yes/no (shared Buffer subject, no captures) goes first.
    if (!this.test(input)) return null;
    return this.backend.search(input, 0);
  }

  exec(input: string): string[] | null {
    const m = this.match(input);
    if (m === null) return null;
    const n = Math.min(this.groupCount, 9);
    const out: string[] = new Array<string>(n + 1);
    for (let i = 0; i <= n; i++) out[i] = m.groups[i] ?? '';
    return out;
  }

  matchAll(input: string): RegexMatch[] {
    const out: RegexMatch[] = [];
    if (!this.test(input)) return out;
    const len = input.length;
    let offset = 0;
    let afterEmpty = false;
    while (offset <= len) {
      const m = afterEmpty ? this.backend.anchoredNonEmpty(input, offset) : this.backend.search(input, offset);
      if (m !== null) {
        out.push(m);
        if (m.end > m.index) {
          offset = m.end;
          afterEmpty = false;
        } else if (m.index === len) {
          break;
        } else {
          offset = m.index;
          afterEmpty = true;
        }
      } else if (afterEmpty) {
        offset++;
        afterEmpty = false;
      } else {
        break;
      }
    }
    return out;
  }
}

function compileError(pattern: string, reason: string, code: 'VPATCH_REGEX_COMPILE' | 'VPATCH_REGEX_UNSAFE' = 'VPATCH_REGEX_COMPILE'): EngineError {
  const shown = pattern.length > 200 ? pattern.slice(0, 200) + '...' : pattern;
  return new EngineError(code, `cannot compile regular expression "${shown}": ${reason}`);
}

/**
 * Compiled patterns by pattern and options. A CompiledRegex keeps no per-call state, so one
 * instance can serve every rule (CRS repeats patterns) and patterns built at run time.
 */
const compiledCache = new Map<string, CompiledRegex>();
const COMPILED_CACHE_LIMIT = 2048;

export function compileRegex(pattern: string, options: CompileOptions = {}): CompiledRegex {
  if (options.cache === false) return compileUncached(pattern, options);
  const key = `${options.caseInsensitive === true ? 'i' : '-'}${options.engine ?? 'auto'}${options.prefilter === false ? '-' : 'p'}\0${pattern}`;
  let compiled = compiledCache.get(key);
  if (compiled === undefined) {
    compiled = compileUncached(pattern, options);
    if (compiledCache.size >= COMPILED_CACHE_LIMIT) compiledCache.delete(compiledCache.keys().next().value as string);
    compiledCache.set(key, compiled);
  }
  return compiled;
}

function compileUncached(pattern: string, options: CompileOptions): CompiledRegex {
  let parsed;
  try {
    parsed = parseRegex(pattern, { caseInsensitive: options.caseInsensitive ?? false });
  } catch (err) {
    if (err instanceof RegexSyntaxError) throw compileError(pattern, err.message);
    throw err;
  }
  const { groupCount } = parsed;
  const root = relaxPossessive(parsed.root);
  const approximations: string[] = [];
  const engineChoice = options.engine ?? 'auto';
  let backend: Backend;
  try {
    if (engineChoice === 'v8-unsafe') {
      backend = new V8Backend(root, groupCount);
    } else {
      const blocker = needsBacktracking(root);
      if (blocker === null) {
        backend = new Re2Backend(root, groupCount);
      } else if (engineChoice === 're2') {
        throw compileError(pattern, `${blocker} is not supported by RE2`);
      } else {
        const bound = backtrackingPathBound(root);
        if (bound > V8_PATH_LIMIT && blocker === 'possessive quantifier' && approximatePossessive(root) > 0 && needsBacktracking(root) === null) {
          approximations.push('a possessive quantifier runs as greedy (linear time; the pattern may match strings PCRE would not)');
          backend = new Re2Backend(root, groupCount);
        } else if (bound > V8_PATH_LIMIT) {
          throw compileError(
            pattern,
            `${blocker} needs a backtracking engine, and with unbounded or large repetition its run time ` +
              'could grow faster than linearly in the input; vpatch refuses such patterns (ReDoS)',
            'VPATCH_REGEX_UNSAFE',
          );
        } else {
          backend = new V8Backend(root, groupCount);
        }
      }
    }
  } catch (err) {
    if (err instanceof EngineError) throw err;
    if (err instanceof UnsupportedError || err instanceof SyntaxError) throw compileError(pattern, err.message);
    throw err;
  }
  const prefilter = options.prefilter === false ? null : buildPrefilter(root);
  return new Compiled(pattern, groupCount, backend, prefilter, minLength(root), approximations);
}

/** Internal details for tests, docs and benchmarks. */
export function describeRegex(pattern: string, options: CompileOptions = {}): {
  re2Source: string | null;
  jsSource: string;
  blocker: string | null;
  bolHazard: boolean;
  minLength: number;
  prefilter: string | null;
} {
  const parsed = parseRegex(pattern, { caseInsensitive: options.caseInsensitive ?? false });
  const blocker = needsBacktracking(parsed.root);
  let re2Source: string | null = null;
  if (blocker === null) re2Source = emitRe2(parsed.root).source;
  const pf = buildPrefilter(parsed.root);
  return {
    re2Source,
    jsSource: emitJs(parsed.root).source,
    blocker,
    bolHazard: hasBolAtEndHazard(parsed.root),
    minLength: minLength(parsed.root),
    prefilter: pf === null ? null : pf.describe(),
  };
}
