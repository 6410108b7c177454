/**
 * Per-transaction side of the candidate index (candidates.ts): what each inspected value
 * looks like after each transformation pipeline, and which requirements it meets.
 *
 * - A `ValueRecord` is one distinct string as some rule tests it: the string, its feature
 *   bits (transform-triggers.ts) and the requirements it meets (one automaton scan). A
 *   transformation that cannot change the value (its trigger bits are absent) is not called:
 *   the child pipeline node reuses the parent's record.
 * - A `Snapshot` lists the values of one variable (ARGS, REQUEST_HEADERS_NAMES,
 *   REQUEST_FILENAME...) once per transaction instead of once per rule; it is rebuilt when
 *   the variable changed (a collection grew, a scalar has another value).
 * - A `NodeView` holds, for one snapshot and one transformation-trie node, the record of
 *   every value, and for each requirement evaluated on that node the ascending list of the
 *   value indices that meet it. A rule with a requirement walks only that list.
 * - Values of other variables (TX, XML, MATCHED_VARS, `&` counts...) are resolved per rule
 *   as before; their records are cached per node by raw value.
 */
import type { OrderedCollection } from './collections.js';
import { BYTE_SIGNATURE, type CandidateIndex, type LinkPlan, SOURCE_KEYS, SOURCE_SCALAR, type ValueSource } from './candidates.js';
import type { Transaction } from './transaction.js';
import { F_ALWAYS, F_LOWER_BIT, F_UPPER_BIT, F_WIDE, transformTrigger } from './transform-triggers.js';
import type { TransformNode } from './transform-pipeline.js';
import { getTransform } from './transforms/index.js';

const LOWERCASE = getTransform('lowercase')!.fn;
const BASE64_DECODE = getTransform('base64Decode')!.fn;

/**
 * Signature bits of bytes that make t:base64Decode's strict decoder reject the whole value
 * (it then returns ''): bits whose every byte is outside `[A-Za-z0-9+/=]`, space, CR and LF.
 * Control bytes are left out because a NUL ends the decoded part (what follows is ignored).
 */
export const BASE64_INVALID: number = (() => {
  const valid = (c: number): boolean => /[A-Za-z0-9+/= \r\n]/.test(String.fromCharCode(c));
  const control = BYTE_SIGNATURE[0]!;
  let bits = 0;
  for (let k = 0; k < 32; k++) {
    const bit = 1 << k;
    if (bit === control) continue;
    let any = false;
    let allInvalid = true;
    for (let c = 0; c < 256; c++) {
      if ((BYTE_SIGNATURE[c]! & bit) === 0) continue;
      any = true;
      if (valid(c)) allInvalid = false;
    }
    if (any && allInvalid) bits |= bit;
  }
  return bits;
})();
const CONTROL_BYTES = BYTE_SIGNATURE[0]!;

/** The record of the empty string (no literal is empty, so it meets no requirement). */
const EMPTY_RECORD_HITS: readonly number[] = Object.freeze([]);

export class ValueRecord {
  constructor(
    readonly str: string,
    /** Feature bits: which transformations could change the string. */
    readonly feat: number,
    /** Byte signature (candidates.ts BYTE_SIGNATURE): which groups of bytes the string contains. */
    readonly sig: number,
    /** Literal requirement ids the string meets, ascending. */
    readonly hits: readonly number[],
  ) {}
}

/** Whether a record meets literal requirement `req`. */
export function meets(rec: ValueRecord, req: number): boolean {
  const hits = rec.hits;
  for (let k = 0; k < hits.length; k++) {
    const q = hits[k]!;
    if (q === req) return true;
    if (q > req) return false;
  }
  return false;
}

/** Whether a record meets a link's byte-set requirement (if any). */
export function hasBytes(rec: ValueRecord, plan: LinkPlan): boolean {
  return !plan.filterBytes || (rec.sig & plan.bytes) !== 0;
}

/** Whether a record meets a link's requirements (and so its operator must run). */
export function admits(rec: ValueRecord, plan: LinkPlan): boolean {
  return (plan.req < 0 || meets(rec, plan.req)) && (!plan.filterBytes || (rec.sig & plan.bytes) !== 0);
}

const NO_LIST: number[] = [];

/** Union of two ascending index lists. */
function mergeSorted(a: number[], b: number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x < y) {
      out.push(x);
      i++;
    } else if (y < x) {
      out.push(y);
      j++;
    } else {
      out.push(x);
      i++;
      j++;
    }
  }
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

/**
 * The records of one snapshot's values after one pipeline (trie node). The root view (no
 * transformation) holds every value's record, its feature bits and, per requirement, the
 * ascending indices of the values that meet it. A node view only holds the values whose
 * root features intersect the pipeline's trigger bits (`changed`): every other value is
 * provably unchanged by the pipeline, so its record is the root's.
 */
export class NodeView {
  /** Candidate lists merged from the root's and this view's, by requirement (lazily). */
  private merged: Array<number[] | undefined> | null = null;

  constructor(
    /** The root view, or null for the root view itself. */
    readonly root: NodeView | null,
    /** Union of the trigger bits of the pipeline's transformations. */
    readonly trigger: number,
    /** Records by value index: all of them for the root, only `changed` ones otherwise. */
    readonly recs: Array<ValueRecord | undefined> | null,
    /** Root: feature bits by value index. */
    readonly feats: number[] | null,
    /** Node view: ascending indices of the values the pipeline may change (null: none). */
    readonly changed: number[] | null,
    /** By requirement: ascending indices meeting it (root: all values; node: `changed` ones). */
    readonly lists: Array<number[] | undefined> | null,
    /** Root: the union of every value's feature bits. */
    readonly featUnion: number,
  ) {}

  /** The record of value `i` after the pipeline. */
  rec(i: number): ValueRecord {
    const recs = this.recs;
    if (recs !== null) {
      const r = recs[i];
      if (r !== undefined) return r;
    }
    return this.root!.recs![i]!;
  }

  /** Ascending indices of the values that meet requirement `req` after the pipeline. */
  candidates(req: number): number[] | undefined {
    const root = this.root;
    if (root === null) return this.lists === null ? undefined : this.lists[req];
    const fromRoot = root.lists === null ? undefined : root.lists[req];
    if (this.changed === null) return fromRoot;
    let merged = this.merged;
    if (merged !== null) {
      const m = merged[req];
      if (m !== undefined) return m === NO_LIST ? undefined : m;
    } else {
      merged = this.merged = [];
    }
    const own = this.lists === null ? undefined : this.lists[req];
    // Root candidates the pipeline cannot change, merged with the changed values' own.
    const feats = root.feats!;
    const trigger = this.trigger;
    const out: number[] = [];
    let b = 0;
    if (fromRoot !== undefined) {
      for (let a = 0; a < fromRoot.length; a++) {
        const i = fromRoot[a]!;
        if ((feats[i]! & trigger) !== 0) continue;
        if (own !== undefined) while (b < own.length && own[b]! < i) out.push(own[b++]!);
        out.push(i);
      }
    }
    if (own !== undefined) while (b < own.length) out.push(own[b++]!);
    merged[req] = out.length === 0 ? NO_LIST : out;
    return out.length === 0 ? undefined : out;
  }
}

const NO_KEYS: Array<string | null> = [null];

const NO_VALUES: string[] = [];

export class Snapshot {
  /** The collection's arrays (not copies: ordered collections only grow), or a scalar's one value. */
  values: string[] = NO_VALUES;
  keys: Array<string | null> = NO_KEYS;
  lowerKeys: string[] = NO_VALUES;
  length = 0;
  /** Views by trie node id, created with the first one. */
  views: Array<NodeView | undefined> | null = null;

  constructor(readonly source: ValueSource) {}
}

export class Inspector {
  private readonly snapshots: Array<Snapshot | undefined>;
  private readonly maps: Array<Map<string, ValueRecord> | undefined>;
  private readonly reqCount: number;
  private readonly emptyRecord = new ValueRecord('', F_ALWAYS, 0, EMPTY_RECORD_HITS);

  constructor(
    private readonly index: CandidateIndex,
    private readonly trieSize: number,
  ) {
    this.snapshots = new Array<Snapshot | undefined>(index.sources.length);
    this.maps = new Array<Map<string, ValueRecord> | undefined>(trieSize);
    this.reqCount = index.requirements.length;
  }

  private makeRecord(s: string): ValueRecord {
    const automaton = this.index.automaton;
    const feat = automaton.scan(s);
    // Not a byte string (never from the wire): meets every requirement, so nothing is skipped.
    if ((feat & F_WIDE) !== 0) return new ValueRecord(s, feat, -1, this.index.allRequirements);
    return new ValueRecord(s, feat, automaton.signature, automaton.takeHits());
  }

  /** The output of `node`'s transformation for the value of `parent`. */
  private child(node: TransformNode, parent: ValueRecord, trigger: number): ValueRecord {
    if ((parent.feat & trigger) === 0) return parent;
    const fn = node.fn!;
    if (fn === BASE64_DECODE && (parent.sig & BASE64_INVALID) !== 0 && (parent.sig & CONTROL_BYTES) === 0) {
      // Not base64 (a byte outside the alphabet, no NUL cutting it short): decodes to ''.
      return this.emptyRecord;
    }
    const s = fn(parent.str);
    if (s === parent.str) return parent;
    if (fn === LOWERCASE) {
      // The automaton folds ASCII case and letters share one signature bit, so only the
      // case features change.
      return new ValueRecord(s, (parent.feat & ~F_UPPER_BIT) | F_LOWER_BIT, parent.sig, parent.hits);
    }
    return this.makeRecord(s);
  }

  /** The current values of a source. */
  snapshot(tx: Transaction, source: ValueSource): Snapshot {
    let snap = this.snapshots[source.id];
    if (source.kind === SOURCE_SCALAR) {
      const v = source.variable.first(tx, null);
      if (snap !== undefined) {
        if (v === undefined ? snap.length === 0 : snap.length === 1 && snap.values[0] === v) return snap;
      }
      snap = new Snapshot(source);
      if (v !== undefined) {
        snap.values = [v];
        snap.length = 1;
      }
      this.snapshots[source.id] = snap;
      return snap;
    }
    const coll: OrderedCollection = source.collection!(tx);
    const values = source.kind === SOURCE_KEYS ? coll.keys : coll.values;
    if (snap !== undefined && snap.values === values && snap.length === values.length) return snap;
    snap = new Snapshot(source);
    snap.values = values;
    snap.keys = coll.keys;
    snap.lowerKeys = coll.lowerKeys;
    snap.length = values.length;
    this.snapshots[source.id] = snap;
    return snap;
  }

  /** The records of a snapshot's values after `node`'s pipeline, with candidate lists. */
  view(snap: Snapshot, node: TransformNode): NodeView {
    let views = snap.views;
    if (views === null) views = snap.views = new Array<NodeView | undefined>(this.trieSize);
    const known = views[node.id];
    if (known !== undefined) return known;
    const view = node.parent === null ? this.rootView(snap) : this.nodeView(snap, node);
    views[node.id] = view;
    return view;
  }

  private rootView(snap: Snapshot): NodeView {
    const n = snap.length;
    const values = snap.values;
    const recs = new Array<ValueRecord>(n);
    const feats = new Array<number>(n);
    let lists: Array<number[] | undefined> | null = null;
    let union = 0;
    for (let i = 0; i < n; i++) {
      const rec = this.makeRecord(values[i]!);
      recs[i] = rec;
      feats[i] = rec.feat;
      union |= rec.feat;
      const hits = rec.hits;
      for (let k = 0; k < hits.length; k++) {
        const q = hits[k]!;
        if (lists === null) lists = new Array<number[] | undefined>(this.reqCount);
        const list = lists[q];
        if (list === undefined) lists[q] = [i];
        else list.push(i);
      }
    }
    return new NodeView(null, 0, recs, feats, null, lists, union);
  }

  private nodeView(snap: Snapshot, node: TransformNode): NodeView {
    const root = this.view(snap, this.index.trieRoot);
    const trigger = this.index.pathTriggers[node.id]!;
    // No value has a byte the pipeline reacts to: it changes nothing.
    if ((root.featUnion & trigger) === 0) return root;
    const feats = root.feats!;
    const n = snap.length;
    let changed: number[] | null = null;
    for (let i = 0; i < n; i++) {
      if ((feats[i]! & trigger) !== 0) (changed ??= []).push(i);
    }
    if (changed === null) return root;
    // Start from the nearest ancestor with a view (the root at worst); the nodes in between
    // keep no view of their own.
    let from: TransformNode = node.parent!;
    while (from.parent !== null && snap.views![from.id] === undefined) from = from.parent;
    const base = this.view(snap, from);
    const steps: TransformNode[] = [];
    for (let x: TransformNode = node; x !== from; x = x.parent!) steps.push(x);
    steps.reverse();
    const stepTriggers = steps.map((x) => transformTrigger(x.fn!));
    const recs = new Array<ValueRecord | undefined>(n);
    let lists: Array<number[] | undefined> | null = null;
    const relevant = this.index.nodeRequirements[node.id];
    for (let c = 0; c < changed.length; c++) {
      const i = changed[c]!;
      let r = base.rec(i);
      for (let k = 0; k < steps.length; k++) r = this.child(steps[k]!, r, stepTriggers[k]!);
      recs[i] = r;
      if (relevant === null || relevant === undefined) continue;
      const hits = r.hits;
      for (let k = 0; k < hits.length; k++) {
        const q = hits[k]!;
        if (relevant[q] !== 1) continue;
        if (lists === null) lists = new Array<number[] | undefined>(this.reqCount);
        const list = lists[q];
        if (list === undefined) lists[q] = [i];
        else list.push(i);
      }
    }
    return new NodeView(root, trigger, recs, null, changed, lists, 0);
  }

  /**
   * For a multiMatch link with a literal requirement: ascending indices of the values that
   * meet it untransformed or after one of the pipeline's steps (the others cannot match).
   */
  multiMatchCandidates(snap: Snapshot, plan: LinkPlan): number[] {
    const req = plan.req;
    let out: number[] = [];
    const path = plan.path;
    for (let p = -1; p < path.length; p++) {
      const node = p < 0 ? this.index.trieRoot : path[p]!;
      const list = this.view(snap, node).candidates(req);
      if (list === undefined || list.length === 0) continue;
      out = out.length === 0 ? list : mergeSorted(out, list);
    }
    return out;
  }


  /** The record of `raw` after `node`'s pipeline, for values resolved per rule. */
  record(node: TransformNode, raw: string): ValueRecord {
    let map = this.maps[node.id];
    if (map === undefined) map = this.maps[node.id] = new Map();
    let rec = map.get(raw);
    if (rec !== undefined) return rec;
    rec = node.parent === null ? this.makeRecord(raw) : this.child(node, this.record(node.parent, raw), transformTrigger(node.fn!));
    map.set(raw, rec);
    return rec;
  }
}
