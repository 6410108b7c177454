/**
 * The rule-set candidate index (see docs/architecture.md, "Candidate index").
 *
 * CRS applies some 250 rules at paranoia level 1 to every request value. Most of them can
 * only match a value that contains one of a few literals: `@rx` patterns (every match
 * contains one of the literals derived from the syntax tree, regex/literals.ts), `@pm` and
 * `@pmFromFile` phrase lists, `@contains`/`@beginsWith`/`@streq`... with their parameter.
 * The index interns each distinct literal list as a *requirement* and compiles all the
 * literals of all requirements into one multi-output Aho-Corasick automaton. A transaction
 * scans each distinct (transformed) value once and gets the list of requirements it meets;
 * a rule whose requirement the value does not meet cannot match it, so its operator is not
 * run (for a negated operator the skipped operator counts as "no match", i.e. the rule
 * matches). Rules without a usable requirement run as before.
 *
 * Built once per CompiledWaf; immutable afterwards except the automaton's scratch buffers,
 * which a scan uses synchronously.
 */
import type { OrderedCollection } from './collections.js';
import { parsePmPhrases } from './operators/pm.js';
import { parsePmFile } from './operators/pmFromFile.js';
import { readDataFile } from './operators/data-files.js';
import { parseByteRanges } from './operators/validateByteRange.js';
import type { Captures, Operator } from './operators/types.js';
import { literalRate, minimalLiterals, patternMatchesWholeSubject, patternRequirements, rarestWindow } from './regex/literals.js';
import type { Rule } from './rule.js';
import type { CompiledRuleSet } from './seclang/compiler.js';
import type { Transaction } from './transaction.js';
import { BYTE_FEATURES, edgeFeatures, F_ALWAYS, F_WIDE, transformTrigger } from './transform-triggers.js';
import type { TransformNode } from './transform-pipeline.js';
import type { VariableDefinition } from './variables/types.js';

/**
 * A literal requirement whose literals benign text contains more often than this (estimated
 * per byte) is not used: nearly every value would meet it, so it would only add scan work.
 */
const MAX_LITERAL_RATE = 0.05;
/** The same for a byte-set requirement, which costs only a mask test per value. */
const MAX_BYTES_RATE = 0.25;
/** Literals are cut to their rarest window of this many bytes (keeps the automaton small). */
const MAX_LITERAL_LENGTH = 8;

// ------------------------------------------------------------------ value sources

export const SOURCE_VALUES = 0;
export const SOURCE_KEYS = 1;
export const SOURCE_SCALAR = 2;

/**
 * A variable whose values a transaction can list once and reuse for every rule that reads
 * it (a *snapshot*): the ordered collections, which only grow (a changed length means new
 * values), and request scalars, whose snapshot is checked against the current value.
 */
export class ValueSource {
  constructor(
    readonly id: number,
    readonly name: string,
    /** SOURCE_VALUES, SOURCE_KEYS (the collection's keys, e.g. ARGS_NAMES) or SOURCE_SCALAR. */
    readonly kind: number,
    readonly collection: ((tx: Transaction) => OrderedCollection) | null,
    readonly variable: VariableDefinition,
  ) {}
}

const COLLECTION_SOURCES: Record<string, [number, (tx: Transaction) => OrderedCollection]> = {
  ARGS: [SOURCE_VALUES, (tx) => tx.args],
  ARGS_GET: [SOURCE_VALUES, (tx) => tx.argsGet],
  ARGS_POST: [SOURCE_VALUES, (tx) => tx.argsPost],
  ARGS_NAMES: [SOURCE_KEYS, (tx) => tx.args],
  ARGS_GET_NAMES: [SOURCE_KEYS, (tx) => tx.argsGet],
  ARGS_POST_NAMES: [SOURCE_KEYS, (tx) => tx.argsPost],
  REQUEST_HEADERS: [SOURCE_VALUES, (tx) => tx.requestHeaders],
  REQUEST_HEADERS_NAMES: [SOURCE_KEYS, (tx) => tx.requestHeaders],
  REQUEST_COOKIES: [SOURCE_VALUES, (tx) => tx.requestCookies],
  REQUEST_COOKIES_NAMES: [SOURCE_KEYS, (tx) => tx.requestCookies],
  FILES: [SOURCE_VALUES, (tx) => tx.files],
  FILES_NAMES: [SOURCE_KEYS, (tx) => tx.files],
  FILES_SIZES: [SOURCE_VALUES, (tx) => tx.filesSizes],
  FILES_TMPNAMES: [SOURCE_VALUES, (tx) => tx.filesTmpNames],
  FILES_TMP_CONTENT: [SOURCE_VALUES, (tx) => tx.filesTmpContent],
  MULTIPART_PART_HEADERS: [SOURCE_VALUES, (tx) => tx.multipartPartHeaders],
  RESPONSE_HEADERS: [SOURCE_VALUES, (tx) => tx.responseHeaders],
  RESPONSE_HEADERS_NAMES: [SOURCE_KEYS, (tx) => tx.responseHeaders],
};

const SCALAR_SOURCES = new Set([
  'REQUEST_LINE', 'REQUEST_METHOD', 'REQUEST_PROTOCOL', 'REQUEST_URI', 'REQUEST_URI_RAW', 'REQUEST_FILENAME',
  'REQUEST_BASENAME', 'PATH_INFO', 'QUERY_STRING', 'REQUEST_BODY', 'FULL_REQUEST', 'AUTH_TYPE', 'RESPONSE_BODY',
  'RESPONSE_CONTENT_TYPE', 'RESPONSE_STATUS', 'RESPONSE_PROTOCOL', 'REMOTE_ADDR', 'SERVER_NAME', 'MULTIPART_FILENAME',
  'MULTIPART_NAME', 'REQBODY_PROCESSOR',
]);

// ------------------------------------------------------------------ per-link plans

/** What the engine needs to evaluate one rule link through the index. */
export class LinkPlan {
  constructor(
    /** Literal requirement id (candidate lists come from it), or -1. */
    readonly req: number,
    /** Whether a byte-set requirement applies (`bytes`). */
    readonly filterBytes: boolean,
    /** Byte-set requirement as a signature mask (BYTE_SIGNATURE) the value's must intersect. */
    readonly bytes: number,
    /** Per target (same order as `rule.targets`): its snapshot source, or null (resolved per rule as before). */
    readonly sources: ReadonlyArray<ValueSource | null>,
    /** The pipeline's nodes from the first transformation on (multiMatch tests each). */
    readonly path: readonly TransformNode[],
    /** An equivalent, cheaper operator to run instead of the rule's (null: the rule's). */
    readonly op: Operator | null,
  ) {}
}

// ------------------------------------------------------------------ automaton

const EMPTY_HITS: readonly number[] = Object.freeze([]);

/** Dense transition entries (states x classes) of the automaton; deeper states are sparse. */
const DENSE_ENTRY_BUDGET = 1 << 19;

/**
 * Aho-Corasick over the folded literals of every requirement (ASCII letters fold to one
 * byte class). States are numbered breadth-first; the shallow ones, where a scan of benign
 * text spends nearly all its time, get a dense transition row, deeper ones keep their
 * sorted children and fall back along failure links until they reach a dense state. Each
 * state lists the requirements whose literal ends there (along the failure chain), so one
 * scan yields every requirement the value meets.
 */
export class RequirementAutomaton {
  readonly stateCount: number;
  readonly classes: number;
  readonly denseStates: number;
  private readonly classOf: Uint8Array;
  /** Dense rows: next state << 1, | 1 when that state has outputs. */
  private readonly dense: Uint16Array | Int32Array;
  private readonly childStart: Int32Array;
  private readonly childClass: Uint8Array;
  private readonly childTarget: Int32Array;
  private readonly fail: Int32Array;
  private readonly outStart: Int32Array;
  private readonly outEnd: Int32Array;
  private readonly outList: Int32Array;
  // Scratch for one scan (scans are synchronous, so sharing them is safe).
  private readonly seen: Int32Array;
  /** Per state: the scan stamp of its last visit with outputs collected. */
  private readonly stateSeen: Int32Array;
  private stamp = 0;
  private readonly found: Int32Array;
  private foundCount = 0;
  /** Signature (BYTE_SIGNATURE) of the last scanned value. */
  signature = 0;

  /** `literalReqs`: folded literal -> the requirement ids it stands for. */
  constructor(literalReqs: Map<string, number[]>, reqCount: number, denseBudget = DENSE_ENTRY_BUDGET, wide = false) {
    const literals = [...literalReqs.keys()].filter((l) => l.length > 0).sort();
    const classOf = new Uint8Array(256);
    let classes = 1;
    for (const lit of literals) {
      for (let i = 0; i < lit.length; i++) {
        const b = lit.charCodeAt(i);
        if (classOf[b] === 0) classOf[b] = classes++;
      }
    }
    for (let b = 0x41; b <= 0x5a; b++) classOf[b] = classOf[b + 32]!;

    // Trie from the sorted literals: each one shares its longest common prefix with the
    // previous one, so the path for that prefix is still on the stack.
    const parent: number[] = [-1];
    const cls: number[] = [0];
    const own: Array<number[] | null> = [null];
    const stack: number[] = [0];
    let prev = '';
    for (const lit of literals) {
      let l = 0;
      while (l < prev.length && l < lit.length && prev.charCodeAt(l) === lit.charCodeAt(l)) l++;
      let st = stack[l]!;
      for (let i = l; i < lit.length; i++) {
        const v = parent.length;
        parent.push(st);
        cls.push(classOf[lit.charCodeAt(i)]!);
        own.push(null);
        stack[i + 1] = v;
        st = v;
      }
      own[st] = literalReqs.get(lit)!;
      prev = lit;
    }
    const n = parent.length;

    // Children of each state (creation order is sorted by byte within a parent), then
    // breadth-first renumbering.
    const kidCount = new Int32Array(n + 1);
    for (let v = 1; v < n; v++) kidCount[parent[v]! + 1]!++;
    for (let v = 0; v < n; v++) kidCount[v + 1]! += kidCount[v]!;
    const kids = new Int32Array(Math.max(0, n - 1));
    const fillAt = kidCount.slice(0, n);
    for (let v = 1; v < n; v++) kids[fillAt[parent[v]!]!++] = v;
    const order = new Int32Array(n);
    const idOf = new Int32Array(n);
    let tail = 1;
    for (let head = 0; head < tail; head++) {
      const old = order[head]!;
      idOf[old] = head;
      for (let k = kidCount[old]!; k < kidCount[old + 1]!; k++) order[tail++] = kids[k]!;
    }
    const childStart = new Int32Array(n + 1);
    const childClass = new Uint8Array(Math.max(0, n - 1));
    const childTarget = new Int32Array(Math.max(0, n - 1));
    let e = 0;
    for (let s = 0; s < n; s++) {
      const old = order[s]!;
      childStart[s] = e;
      const from = e;
      for (let k = kidCount[old]!; k < kidCount[old + 1]!; k++) {
        const v = kids[k]!;
        childClass[e] = cls[v]!;
        childTarget[e] = idOf[v]!;
        e++;
      }
      // Sort this state's children by class (insertion sort: few children each).
      for (let a = from + 1; a < e; a++) {
        const c = childClass[a]!;
        const t = childTarget[a]!;
        let b = a - 1;
        while (b >= from && childClass[b]! > c) {
          childClass[b + 1] = childClass[b]!;
          childTarget[b + 1] = childTarget[b]!;
          b--;
        }
        childClass[b + 1] = c;
        childTarget[b + 1] = t;
      }
    }
    childStart[n] = e;
    const findChild = (s: number, c: number): number => {
      for (let k = childStart[s]!, end = childStart[s + 1]!; k < end; k++) {
        const x = childClass[k]!;
        if (x === c) return childTarget[k]!;
        if (x > c) break;
      }
      return -1;
    };

    // Failure links and merged outputs, breadth-first (= id order). A state without its
    // own output shares its failure state's list.
    const fail = new Int32Array(n);
    const outStart = new Int32Array(n);
    const outEnd = new Int32Array(n);
    const outBuf: number[] = [];
    for (let s = 0; s < n; s++) {
      const o = own[order[s]!];
      if (s > 0) {
        const f = fail[s]!;
        if (o === null) {
          outStart[s] = outStart[f]!;
          outEnd[s] = outEnd[f]!;
        } else {
          const merged = new Set<number>(o);
          for (let k = outStart[f]!; k < outEnd[f]!; k++) merged.add(outBuf[k]!);
          outStart[s] = outBuf.length;
          for (const q of merged) outBuf.push(q);
          outEnd[s] = outBuf.length;
        }
      }
      for (let k = childStart[s]!; k < childStart[s + 1]!; k++) {
        const v = childTarget[k]!;
        const c = childClass[k]!;
        let f = s === 0 ? -1 : fail[s]!;
        let target = -1;
        while (f >= 0) {
          target = findChild(f, c);
          if (target >= 0 || f === 0) break;
          f = fail[f]!;
        }
        fail[v] = target >= 0 && target !== v ? target : 0;
      }
    }

    // Dense rows for the first states.
    const denseStates = Math.max(1, Math.min(n, Math.floor(denseBudget / classes)));
    const dense = n < 0x8000 && !wide ? new Uint16Array(denseStates * classes) : new Int32Array(denseStates * classes);
    const tag = (t: number): number => (t << 1) | (outStart[t] !== outEnd[t] ? 1 : 0);
    for (let s = 0; s < denseStates; s++) {
      const row = s * classes;
      if (s > 0) dense.copyWithin(row, fail[s]! * classes, fail[s]! * classes + classes);
      for (let k = childStart[s]!; k < childStart[s + 1]!; k++) dense[row + childClass[k]!] = tag(childTarget[k]!);
    }

    this.stateCount = n;
    this.classes = classes;
    this.denseStates = denseStates;
    this.classOf = classOf;
    this.dense = dense;
    this.childStart = childStart;
    this.childClass = childClass;
    this.childTarget = childTarget;
    this.fail = fail;
    this.outStart = outStart;
    this.outEnd = outEnd;
    this.outList = Int32Array.from(outBuf);
    this.seen = new Int32Array(Math.max(1, reqCount));
    this.stateSeen = new Int32Array(n);
    this.found = new Int32Array(Math.max(1, reqCount));
  }

  /** Transition from a state without a dense row (its children, else its failure chain), tagged as in `dense`. */
  private sparseStep(state: number, c: number): number {
    const childStart = this.childStart;
    const childClass = this.childClass;
    let s = state;
    while (s >= this.denseStates) {
      for (let k = childStart[s]!, end = childStart[s + 1]!; k < end; k++) {
        const x = childClass[k]!;
        if (x === c) {
          const t = this.childTarget[k]!;
          return (t << 1) | (this.outStart[t] !== this.outEnd[t] ? 1 : 0);
        }
        if (x > c) break;
      }
      s = this.fail[s]!;
    }
    return this.dense[s * this.classes + c]!;
  }

  /**
   * Scans a value: returns its feature bits (transform-triggers.ts); the requirements it
   * meets are then read with `takeHits()`, its byte signature from `signature`.
   */
  scan(s: string): number {
    const classOf = this.classOf;
    const classes = this.classes;
    const dense = this.dense;
    const denseStates = this.denseStates;
    const outStart = this.outStart;
    const outEnd = this.outEnd;
    let stamp = ++this.stamp;
    if (stamp === 0x7fffffff) {
      this.seen.fill(0);
      this.stateSeen.fill(0);
      this.stamp = stamp = 1;
    }
    const stateSeen = this.stateSeen;
    let feat = F_ALWAYS;
    let sig = 0;
    let state = 0;
    let found = 0;
    for (let i = 0, n = s.length; i < n; i++) {
      const c = s.charCodeAt(i);
      let cl = 0;
      if (c > 0xff) feat |= F_WIDE;
      else {
        feat |= BYTE_FEATURES[c]!;
        sig |= BYTE_SIGNATURE[c]!;
        cl = classOf[c]!;
      }
      const t = state < denseStates ? dense[state * classes + cl]! : this.sparseStep(state, cl);
      state = t >>> 1;
      // A state's outputs are collected on its first visit in this value only.
      if ((t & 1) !== 0 && stateSeen[state] !== stamp) {
        stateSeen[state] = stamp;
        found = this.collect(outStart[state]!, outEnd[state]!, stamp, found);
      }
    }
    this.foundCount = found;
    this.signature = sig;
    return feat | edgeFeatures(s);
  }

  private collect(a: number, b: number, stamp: number, found: number): number {
    const outList = this.outList;
    const seen = this.seen;
    for (let k = a; k < b; k++) {
      const q = outList[k]!;
      if (seen[q] !== stamp) {
        seen[q] = stamp;
        this.found[found++] = q;
      }
    }
    return found;
  }

  /** The requirements met by the last scan, ascending (a shared empty array when none). */
  takeHits(): readonly number[] {
    const n = this.foundCount;
    if (n === 0) return EMPTY_HITS;
    const found = this.found;
    const hits: number[] = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const q = found[i]!;
      let j = i - 1;
      while (j >= 0 && hits[j]! > q) {
        hits[j + 1] = hits[j]!;
        j--;
      }
      hits[j + 1] = q;
    }
    return hits;
  }

  /** For tests: the requirements whose literals occur in `s`. */
  hitsOf(s: string): number[] {
    this.scan(s);
    return [...this.takeHits()];
  }
}

// ------------------------------------------------------------------ the index

/** ASCII lowercase only (what the automaton folds), leaving other bytes alone. */
function foldAscii(s: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) {
      out += s.slice(last, i) + String.fromCharCode(c + 32);
      last = i + 1;
    }
  }
  return last === 0 ? s : out + s.slice(last);
}

function isByteString(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return false;
  return true;
}

/**
 * Necessary conditions for a link's operator to match a value. `literals`: every matched
 * value contains one of them (ASCII case-insensitively); `bytes`: every matched value
 * contains one of these bytes (as one-byte strings, ASCII case-insensitively). Null when
 * unknown; an empty list means the operator never matches.
 */
export interface OperatorRequirements {
  literals: string[] | null;
  bytes: string[] | null;
}

const NO_REQUIREMENTS: OperatorRequirements = { literals: null, bytes: null };

export function operatorRequirements(rule: Rule): OperatorRequirements {
  if (rule.operator === null || rule.operatorParamMacro !== null) return NO_REQUIREMENTS;
  const param = rule.operatorParam;
  switch (rule.operatorName) {
    case 'rx':
    case 'rxGlobal':
      return param === '' ? NO_REQUIREMENTS : patternRequirements(param);
    case 'pm':
      return { literals: parsePmPhrases(param).filter((p) => p.length > 0), bytes: null };
    case 'pmFromFile':
    case 'pmf': {
      const ctx = rule.operatorContext;
      if (ctx === null) return NO_REQUIREMENTS;
      const phrases: string[] = [];
      try {
        for (const name of param.split(' ')) {
          if (name.length === 0) continue;
          for (const p of parsePmFile(readDataFile(rule.operatorName, name, ctx).content)) if (p.length > 0) phrases.push(p);
        }
      } catch {
        return NO_REQUIREMENTS;
      }
      return { literals: phrases, bytes: null };
    }
    case 'contains':
    case 'containsWord':
    case 'beginsWith':
    case 'endsWith':
    case 'streq':
      return param === '' ? NO_REQUIREMENTS : { literals: [param], bytes: null };
    case 'validateByteRange': {
      // Matches when a byte is outside the allowed ranges.
      const allowed = parseByteRanges(param);
      const bytes: string[] = [];
      for (let b = 0; b < 256; b++) if (allowed[b] === 0) bytes.push(String.fromCharCode(b));
      return { literals: null, bytes };
    }
    case 'validateUtf8Encoding': {
      // ASCII is valid UTF-8: an invalid sequence needs a byte >= 0x80.
      const bytes: string[] = [];
      for (let b = 0x80; b < 256; b++) bytes.push(String.fromCharCode(b));
      return { literals: null, bytes };
    }
    case 'validateUrlEncoding':
      // Only a `%` can start an invalid escape.
      return { literals: null, bytes: ['%'] };
    default:
      return NO_REQUIREMENTS;
  }
}

/**
 * A value's byte *signature*: 32 bits, one per group of bytes it contains (CR/LF, other
 * whitespace, control bytes, bytes >= 0x80, letters, digits, most ASCII punctuation alone). A byte-set
 * requirement becomes the groups of its bytes; a value whose signature misses them all
 * contains none of the bytes. Groups only widen the set, so the test stays sound.
 */
export const BYTE_SIGNATURE: Int32Array = (() => {
  const t = new Int32Array(256);
  for (let b = 0; b < 256; b++) {
    if (b === 0x0a || b === 0x0d) t[b] = 1 << 5;
    else if (b === 0x20 || (b >= 0x09 && b <= 0x0d)) t[b] = 1 << 0;
    else if (b < 0x20 || b === 0x7f) t[b] = 1 << 1;
    else if (b >= 0x80) t[b] = 1 << 2;
    else if ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)) t[b] = 1 << 3;
    else if (b >= 0x30 && b <= 0x39) t[b] = 1 << 4;
  }
  // \n and \r (header injection) have bit 5; rare punctuation shares bits.
  const punct = ['!#', '"', '$', '%', '&', "'", '(', ')', '*', '+', ',', '-', '.', '/', ':', ';', '<', '=', '>', '?', '@', '[]^', '\\', '_', '`', '{|}~'];
  punct.forEach((chars, k) => {
    for (const c of chars) t[c.charCodeAt(0)] = 1 << (6 + k);
  });
  return t;
})();

/** The signature mask of a byte-set requirement. */
function signatureMask(bytes: readonly string[]): number {
  let m = 0;
  for (const s of bytes) m |= BYTE_SIGNATURE[s.charCodeAt(0)]!;
  return m;
}

export interface CandidateIndexStats {
  links: number;
  linksWithRequirement: number;
  requirements: number;
  literals: number;
  states: number;
}

export class CandidateIndex {
  readonly automaton: RequirementAutomaton;
  /** Folded literals of each requirement, by id (for tests and debugging). */
  readonly requirements: string[][] = [];
  /** Per transformation-trie node id: which requirements are evaluated on that node's output (null: none). */
  readonly nodeRequirements: Array<Uint8Array | null>;
  /** Per trie node id: the union of the trigger bits of its pipeline's transformations. */
  readonly pathTriggers: Int32Array;
  /** The transformation trie's root (no transformation). */
  readonly trieRoot: TransformNode;
  readonly sources: ValueSource[] = [];
  /** Every requirement id: what a value that is not a byte string meets (it is never filtered). */
  readonly allRequirements: readonly number[];
  readonly stats: CandidateIndexStats;
  private readonly reqIds = new Map<string, number>();
  private readonly sourceByName = new Map<string, ValueSource>();

  constructor(ruleSet: CompiledRuleSet) {
    let links = 0;
    const literalReqs = new Map<string, number[]>();
    const intern = (literals: string[]): number => {
      const key = literals.join('\0');
      const known = this.reqIds.get(key);
      if (known !== undefined) return known;
      const req = this.requirements.length;
      this.reqIds.set(key, req);
      this.requirements.push(literals);
      for (const lit of literals) {
        let list = literalReqs.get(lit);
        if (list === undefined) literalReqs.set(lit, (list = []));
        list.push(req);
      }
      return req;
    };
    const plans: Array<[Rule, number, number | null]> = [];
    for (const starter of ruleSet.rules) {
      for (let link: Rule | null = starter; link !== null; link = link.chainChild) {
        if (link.targets.length === 0) continue;
        links++;
        const found = operatorRequirements(link);
        let literals = usableLiterals(found.literals, MAX_LITERAL_RATE);
        let bytes = usableLiterals(found.bytes, MAX_BYTES_RATE);
        // One-byte literals are a byte set: checked with the mask, not the automaton.
        if (literals !== null && literals.every((l) => l.length === 1)) {
          if (bytes === null || literalRate(literals) < literalRate(bytes)) bytes = literals;
          literals = null;
        }
        plans.push([link, literals === null ? -1 : intern(literals), bytes === null ? null : signatureMask(bytes)]);
      }
    }
    const reqCount = this.requirements.length;
    this.automaton = new RequirementAutomaton(literalReqs, reqCount);
    this.allRequirements = Object.freeze(Array.from({ length: reqCount }, (_, i) => i));
    this.nodeRequirements = new Array<Uint8Array | null>(ruleSet.transforms.size).fill(null);
    this.pathTriggers = new Int32Array(ruleSet.transforms.size);
    this.trieRoot = ruleSet.transforms.root;
    let withReq = 0;
    for (const [rule, req, sig] of plans) {
      const path = rule.transforms.path();
      let trigger = 0;
      for (const node of path) {
        trigger |= transformTrigger(node.fn!);
        this.pathTriggers[node.id] = trigger;
      }
      if (req >= 0 || sig !== null) withReq++;
      if (req >= 0) {
        const nodes = rule.multiMatch ? [ruleSet.transforms.root, ...path] : [rule.transforms];
        for (const node of nodes) {
          let mask = this.nodeRequirements[node.id];
          if (mask === null || mask === undefined) mask = this.nodeRequirements[node.id] = new Uint8Array(reqCount);
          mask[req] = 1;
        }
      }
      const sources = rule.targets.map((t) => (t.count ? null : this.source(t.variable)));
      (rule as { inspect: LinkPlan | null }).inspect = new LinkPlan(req, sig !== null, sig ?? 0, sources, path, cheaperOperator(rule));
    }
    this.stats = { links, linksWithRequirement: withReq, requirements: reqCount, literals: literalReqs.size, states: this.automaton.stateCount };
  }

  private source(variable: VariableDefinition): ValueSource | null {
    const known = this.sourceByName.get(variable.name);
    if (known !== undefined) return known;
    const coll = COLLECTION_SOURCES[variable.name];
    let src: ValueSource | null = null;
    if (coll !== undefined) src = new ValueSource(this.sources.length, variable.name, coll[0], coll[1], variable);
    else if (SCALAR_SOURCES.has(variable.name)) src = new ValueSource(this.sources.length, variable.name, SOURCE_SCALAR, null, variable);
    if (src === null) return null;
    this.sources.push(src);
    this.sourceByName.set(variable.name, src);
    return src;
  }

  /** Id of the requirement with these literals, if interned (for tests). */
  requirementOf(rule: Rule): number {
    return rule.inspect?.req ?? -1;
  }
}

/**
 * `@rx` with a pattern that always matches the whole value (`^.*$`, which CRS uses with
 * `capture` to copy header names into TX.0): the same answer and the same capture, without
 * a regex engine call (capturing through RE2 costs microseconds).
 */
const WHOLE_VALUE_MATCH: Operator = {
  match(input: string, captures: Captures | null): boolean {
    if (captures !== null) {
      captures.groups.length = 0;
      captures.groups[0] = input;
    }
    return true;
  },
};

function cheaperOperator(rule: Rule): Operator | null {
  if (rule.operatorName === 'rx' && rule.operator !== null && rule.operatorParamMacro === null && rule.operatorParam !== '' && patternMatchesWholeSubject(rule.operatorParam)) return WHOLE_VALUE_MATCH;
  return null;
}

/** Folds, minimises and rates a literal list; null when it is not worth indexing. */
function usableLiterals(literals: string[] | null, maxRate: number): string[] | null {
  if (literals === null) return null;
  if (!literals.every(isByteString)) return null;
  const folded = minimalLiterals(literals.map((l) => rarestWindow(foldAscii(l), MAX_LITERAL_LENGTH)));
  if (folded.includes('')) return null;
  if (literalRate(folded) > maxRate) return null;
  return folded.sort();
}
