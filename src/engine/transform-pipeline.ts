import type { Transform } from './transforms/types.js';

/**
 * Transformation pipelines are interned into a trie, one node per distinct prefix
 * (`none` → `urlDecodeUni` → `lowercase`). Every rule points at the node of its whole
 * pipeline; a transaction caches each node's output per input value, so rules that share a
 * prefix share its work, and multiMatch can read every intermediate value on the path.
 */
export class TransformNode {
  readonly children = new Map<string, TransformNode>();
  constructor(
    readonly id: number,
    readonly parent: TransformNode | null,
    readonly name: string,
    readonly fn: Transform | null,
    private readonly registry: TransformTrie,
  ) {}

  get depth(): number {
    let d = 0;
    for (let n: TransformNode | null = this; n !== null && n.parent !== null; n = n.parent) d++;
    return d;
  }

  /** The node for this pipeline followed by `name`. */
  then(name: string, fn: Transform): TransformNode {
    const key = name.toLowerCase();
    let child = this.children.get(key);
    if (child === undefined) {
      child = this.registry.createNode(this, name, fn);
      this.children.set(key, child);
    }
    return child;
  }

  /** Nodes from the first transformation to this one (root excluded). */
  path(): TransformNode[] {
    const nodes: TransformNode[] = [];
    for (let n: TransformNode | null = this; n !== null && n.parent !== null; n = n.parent) nodes.push(n);
    return nodes.reverse();
  }
}

export class TransformTrie {
  private nextId = 1;
  readonly root: TransformNode = new TransformNode(0, null, 'none', null, this);

  createNode(parent: TransformNode, name: string, fn: Transform): TransformNode {
    return new TransformNode(this.nextId++, parent, name, fn, this);
  }

  get size(): number {
    return this.nextId;
  }
}

/** Per-transaction memo of transformation outputs: one map per trie node, created on first use. */
export class TransformCache {
  private readonly maps: Array<Map<string, string> | undefined>;
  constructor(size: number) {
    this.maps = new Array(size);
  }

  /** Output of `node`'s pipeline for `input`. */
  apply(node: TransformNode, input: string): string {
    if (node.parent === null) return input;
    let map = this.maps[node.id];
    if (map === undefined) {
      map = new Map();
      this.maps[node.id] = map;
    } else {
      const hit = map.get(input);
      if (hit !== undefined) return hit;
    }
    const parentValue = this.apply(node.parent, input);
    const out = node.fn!(parentValue);
    map.set(input, out);
    return out;
  }
}
