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
import { type CandidateIndex, type LinkPlan, SOURCE_KEYS, SOURCE_SCALAR, type ValueSource } from './candidates.js';
import type { Transaction } from './transaction.js';
import { F_WIDE, transformTrigger } from './transform-triggers.js';
import type { TransformNode } from './transform-pipeline.js';

export class ValueRecord {
  constructor(
    readonly str: string,
    /** Feature bits: which transformations could change the string. */
    readonly feat: number,
    /** Literal requirement ids the string meets, ascending. */
    readonly hits: readonly number[],
    // The bytes the string contains, 256 bits.
    readonly m0: number,
    readonly m1: number,
    readonly m2: number,
    readonly m3: number,
    readonly m4: number,
    readonly m5: number,
    readonly m6: number,
    readonly m7: number,
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

/** Whether a record contains a byte of the mask. */
export function hasByte(rec: ValueRecord, m: Int32Array): boolean {
  return (
    ((rec.m0 & m[0]!) | (rec.m1 & m[1]!) | (rec.m2 & m[2]!) | (rec.m3 & m[3]!) | (rec.m4 & m[4]!) | (rec.m5 & m[5]!) | (rec.m6 & m[6]!) | (rec.m7 & m[7]!)) !==
    0
  );
}

/** Whether a record meets a link's requirements (and so its operator must run). */
export function admits(rec: ValueRecord, plan: LinkPlan): boolean {
  const bytes = plan.bytes;
  return (plan.req < 0 || meets(rec, plan.req)) && (bytes === null || hasByte(rec, bytes));
}

export class NodeView {
  constructor(
    readonly recs: ValueRecord[],
    /** By requirement id: ascending value indices meeting it (undefined: none). */
    readonly lists: Array<number[] | undefined> | null,
  ) {}

  candidates(req: number): number[] | undefined {
    const lists = this.lists;
    return lists === null ? undefined : lists[req];
  }
}

const NO_KEYS: Array<string | null> = [null];

export class Snapshot {
  /** The collection's arrays (not copies: ordered collections only grow), or a scalar's one value. */
  values: string[] = [];
  keys: Array<string | null> = NO_KEYS;
  lowerKeys: string[] = [];
  length = 0;
  views: Array<NodeView | undefined>;

  constructor(
    readonly source: ValueSource,
    trieSize: number,
  ) {
    this.views = new Array<NodeView | undefined>(trieSize);
  }
}

export class Inspector {
  private readonly snapshots: Array<Snapshot | undefined>;
  private readonly maps: Array<Map<string, ValueRecord> | undefined>;
  private readonly reqCount: number;

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
    if ((feat & F_WIDE) !== 0) return new ValueRecord(s, feat, this.index.allRequirements, -1, -1, -1, -1, -1, -1, -1, -1);
    const m = automaton.mask;
    return new ValueRecord(s, feat, automaton.takeHits(), m[0]!, m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, m[6]!, m[7]!);
  }

  /** The output of `node`'s transformation for the value of `parent`. */
  private child(node: TransformNode, parent: ValueRecord, trigger: number): ValueRecord {
    if ((parent.feat & trigger) === 0) return parent;
    const s = node.fn!(parent.str);
    return s === parent.str ? parent : this.makeRecord(s);
  }

  /** The current values of a source. */
  snapshot(tx: Transaction, source: ValueSource): Snapshot {
    let snap = this.snapshots[source.id];
    if (source.kind === SOURCE_SCALAR) {
      const v = source.variable.first(tx, null);
      if (snap !== undefined) {
        if (v === undefined ? snap.length === 0 : snap.length === 1 && snap.values[0] === v) return snap;
      }
      snap = new Snapshot(source, this.trieSize);
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
    snap = new Snapshot(source, this.trieSize);
    snap.values = values;
    snap.keys = coll.keys;
    snap.lowerKeys = coll.lowerKeys;
    snap.length = values.length;
    this.snapshots[source.id] = snap;
    return snap;
  }

  /** The records of a snapshot's values after `node`'s pipeline, with candidate lists. */
  view(snap: Snapshot, node: TransformNode): NodeView {
    const known = snap.views[node.id];
    if (known !== undefined) return known;
    const n = snap.length;
    const recs = new Array<ValueRecord>(n);
    if (node.parent === null) {
      const values = snap.values;
      for (let i = 0; i < n; i++) recs[i] = this.makeRecord(values[i]!);
    } else {
      // From the nearest ancestor with a view (the root at worst), without keeping views
      // for the nodes in between.
      let from: TransformNode = node.parent;
      while (from.parent !== null && snap.views[from.id] === undefined) from = from.parent;
      const base = this.view(snap, from).recs;
      if (from === node.parent) {
        const trigger = transformTrigger(node.fn!);
        for (let i = 0; i < n; i++) recs[i] = this.child(node, base[i]!, trigger);
      } else {
        const steps: TransformNode[] = [];
        for (let x: TransformNode = node; x !== from; x = x.parent!) steps.push(x);
        steps.reverse();
        const triggers = steps.map((x) => transformTrigger(x.fn!));
        for (let i = 0; i < n; i++) {
          let r = base[i]!;
          for (let k = 0; k < steps.length; k++) r = this.child(steps[k]!, r, triggers[k]!);
          recs[i] = r;
        }
      }
    }
    let lists: Array<number[] | undefined> | null = null;
    const relevant = this.index.nodeRequirements[node.id];
    if (relevant !== null && relevant !== undefined) {
      for (let i = 0; i < n; i++) {
        const hits = recs[i]!.hits;
        for (let k = 0; k < hits.length; k++) {
          const q = hits[k]!;
          if (relevant[q] !== 1) continue;
          if (lists === null) lists = new Array<number[] | undefined>(this.reqCount);
          const list = lists[q];
          if (list === undefined) lists[q] = [i];
          else list.push(i);
        }
      }
    }
    const view = new NodeView(recs, lists);
    snap.views[node.id] = view;
    return view;
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
