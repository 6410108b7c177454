/**
 * An XPath 1.0 subset over {@link XmlDocument}, enough for SecLang's `XML:<xpath>`
 * targets: CRS uses `XML:/*` (the root element, whose value is the document's text
 * content) and `XML://@*` (every attribute value).
 *
 * Supported: absolute and relative location paths, `//`, `.`, `..`, `@`, the axes child,
 * descendant, descendant-or-self, self, parent, attribute, ancestor, ancestor-or-self,
 * name tests (`name`, `prefix:name`, `*`, `prefix:*`), node type tests (`text()`,
 * `node()`, `comment()`, `processing-instruction()`), unions `|`, and predicates with
 * numbers, string literals, paths, `and`/`or`, comparisons, arithmetic, and the
 * functions last, position, count, string, concat, contains, starts-with,
 * normalize-space, string-length, not, true, false, number, name, local-name.
 * Anything else (variables, other axes or functions) is rejected by
 * {@link compileXPath} with a message; {@link evaluateXPath} then yields no values, as
 * v3 does when libxml2 cannot evaluate an expression. An expression whose result is
 * not a node-set also yields no values (v3 only reads node-sets).
 *
 * Values are what v3 reads with xmlNodeGetContent: an element's text content (text and
 * CDATA of all descendants), an attribute's value, a text node's text — as UTF-8 byte
 * strings. Prefixes resolve through the `namespaces` map (SecLang `xmlns:` actions); an
 * unprefixed name matches only elements in no namespace, as in XPath 1.0.
 */
import { elementText, toByteString, XmlNodeType } from './xml.js';
import type { XmlAttribute, XmlDocument, XmlElement, XmlNode } from './xml.js';

interface DocNode {
  type: 9;
  doc: XmlDocument;
}
type Node = XmlNode | XmlAttribute | DocNode;
type Value = number | string | boolean | Node[];

type Axis =
  | 'child' | 'descendant' | 'descendant-or-self' | 'self' | 'parent' | 'attribute' | 'ancestor' | 'ancestor-or-self';
type NodeTest =
  | { k: 'name'; prefix: string; local: string }
  | { k: 'any'; prefix: string }
  | { k: 'type'; t: 'text' | 'node' | 'comment' | 'processing-instruction' };
interface Step {
  axis: Axis;
  test: NodeTest;
  preds: Expr[];
}
type Expr =
  | { k: 'path'; absolute: boolean; base: Expr | null; steps: Step[] }
  | { k: 'filter'; base: Expr; preds: Expr[] }
  | { k: 'union'; parts: Expr[] }
  | { k: 'num'; v: number }
  | { k: 'str'; v: string }
  | { k: 'fn'; name: string; args: Expr[] }
  | { k: 'bin'; op: string; l: Expr; r: Expr }
  | { k: 'neg'; e: Expr };

const AXES = new Set<string>(['child', 'descendant', 'descendant-or-self', 'self', 'parent', 'attribute', 'ancestor', 'ancestor-or-self']);
const NODE_TYPES = new Set<string>(['text', 'node', 'comment', 'processing-instruction']);
const FUNCTIONS: Record<string, [number, number]> = {
  last: [0, 0], position: [0, 0], count: [1, 1], string: [0, 1], concat: [2, Infinity], contains: [2, 2],
  'starts-with': [2, 2], 'normalize-space': [0, 1], 'string-length': [0, 1], not: [1, 1], true: [0, 0],
  false: [0, 0], number: [0, 1], name: [0, 1], 'local-name': [0, 1],
};

// ------------------------------------------------------------------ tokenizer
interface Tok {
  t: 'name' | 'num' | 'str' | 'op';
  v: string;
}

class XPathSyntaxError extends Error {}

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const n = src.length;
  const isNameStart = (c: string): boolean => /[A-Za-z_\u00C0-\uFFFF]/.test(c);
  const isNameChar = (c: string): boolean => /[A-Za-z0-9_.\-\u00B7\u00C0-\uFFFF]/.test(c);
  // Whether the previous token makes '*' a multiply and a name an operator name.
  const operandBefore = (): boolean => {
    const p = toks[toks.length - 1];
    if (p === undefined) return false;
    if (p.t === 'op') return p.v === ')' || p.v === ']' || p.v === '.' || p.v === '..' || p.v === '*n';
    if (p.t === 'name') return !['and', 'or', 'div', 'mod'].includes(p.v) || toks.length < 2 || isOperand(toks[toks.length - 2]!);
    return true;
  };
  const isOperand = (t: Tok): boolean => t.t !== 'op' || [')', ']', '.', '..', '*n'].includes(t.v);
  while (i < n) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const e = src.indexOf(c, i + 1);
      if (e < 0) throw new XPathSyntaxError('unterminated string literal');
      toks.push({ t: 'str', v: src.slice(i + 1, e) });
      i = e + 1;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      let e = i;
      while (e < n && /[0-9]/.test(src[e]!)) e++;
      if (src[e] === '.') {
        e++;
        while (e < n && /[0-9]/.test(src[e]!)) e++;
      }
      toks.push({ t: 'num', v: src.slice(i, e) });
      i = e;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '//' || two === '::' || two === '!=' || two === '<=' || two === '>=' || two === '..') {
      toks.push({ t: 'op', v: two });
      i += 2;
      continue;
    }
    if (c === '*') {
      // '*n' marks a name test, '*' the multiply operator.
      toks.push({ t: 'op', v: operandBefore() ? '*' : '*n' });
      i++;
      continue;
    }
    if ('/[]()@,|=<>+-.'.includes(c)) {
      toks.push({ t: 'op', v: c });
      i++;
      continue;
    }
    if (c === '$') throw new XPathSyntaxError('variables are not supported');
    if (isNameStart(c)) {
      let e = i + 1;
      while (e < n && isNameChar(src[e]!)) e++;
      // QName: prefix:local or prefix:*
      if (src[e] === ':' && src[e + 1] !== ':') {
        if (src[e + 1] === '*') {
          toks.push({ t: 'name', v: src.slice(i, e + 2) });
          i = e + 2;
          continue;
        }
        if (isNameStart(src[e + 1] ?? '')) {
          e += 2;
          while (e < n && isNameChar(src[e]!)) e++;
        }
      }
      toks.push({ t: 'name', v: src.slice(i, e) });
      i = e;
      continue;
    }
    throw new XPathSyntaxError(`unexpected character '${c}'`);
  }
  return toks;
}

// ------------------------------------------------------------------ parser
class Parser {
  private pos = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(o = 0): Tok | undefined {
    return this.toks[this.pos + o];
  }
  private isOp(v: string, o = 0): boolean {
    const t = this.peek(o);
    return t !== undefined && t.t === 'op' && t.v === v;
  }
  private isOpName(v: string): boolean {
    const t = this.peek();
    return t !== undefined && t.t === 'name' && t.v === v && this.pos > 0;
  }
  private expectOp(v: string): void {
    if (!this.isOp(v)) throw new XPathSyntaxError(`expected '${v}'`);
    this.pos++;
  }

  parseAll(): Expr {
    const e = this.parseOr();
    if (this.pos < this.toks.length) throw new XPathSyntaxError(`unexpected '${this.peek()!.v}'`);
    return e;
  }

  private parseOr(): Expr {
    let l = this.parseAnd();
    while (this.isOpName('or')) {
      this.pos++;
      l = { k: 'bin', op: 'or', l, r: this.parseAnd() };
    }
    return l;
  }
  private parseAnd(): Expr {
    let l = this.parseEq();
    while (this.isOpName('and')) {
      this.pos++;
      l = { k: 'bin', op: 'and', l, r: this.parseEq() };
    }
    return l;
  }
  private parseEq(): Expr {
    let l = this.parseRel();
    while (this.isOp('=') || this.isOp('!=')) {
      const op = this.toks[this.pos++]!.v;
      l = { k: 'bin', op, l, r: this.parseRel() };
    }
    return l;
  }
  private parseRel(): Expr {
    let l = this.parseAdd();
    while (this.isOp('<') || this.isOp('<=') || this.isOp('>') || this.isOp('>=')) {
      const op = this.toks[this.pos++]!.v;
      l = { k: 'bin', op, l, r: this.parseAdd() };
    }
    return l;
  }
  private parseAdd(): Expr {
    let l = this.parseMul();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.toks[this.pos++]!.v;
      l = { k: 'bin', op, l, r: this.parseMul() };
    }
    return l;
  }
  private parseMul(): Expr {
    let l = this.parseUnary();
    while (this.isOp('*') || this.isOpName('div') || this.isOpName('mod')) {
      const op = this.toks[this.pos++]!.v;
      l = { k: 'bin', op, l, r: this.parseUnary() };
    }
    return l;
  }
  private parseUnary(): Expr {
    if (this.isOp('-')) {
      this.pos++;
      return { k: 'neg', e: this.parseUnary() };
    }
    return this.parseUnion();
  }
  private parseUnion(): Expr {
    const first = this.parsePath();
    if (!this.isOp('|')) return first;
    const parts = [first];
    while (this.isOp('|')) {
      this.pos++;
      parts.push(this.parsePath());
    }
    return { k: 'union', parts };
  }
  private startsPrimary(): boolean {
    const t = this.peek();
    if (t === undefined) return false;
    if (t.t === 'str' || t.t === 'num') return true;
    if (t.t === 'op') return t.v === '(';
    // A function call: name followed by '(' that is not a node type test.
    return this.isOp('(', 1) && !NODE_TYPES.has(t.v);
  }
  private parsePath(): Expr {
    if (this.isOp('/')) {
      this.pos++;
      const t = this.peek();
      const startsStep = t !== undefined && (t.t === 'name' || (t.t === 'op' && ['*n', '@', '.', '..'].includes(t.v)));
      return { k: 'path', absolute: true, base: null, steps: startsStep ? this.parseRelative() : [] };
    }
    if (this.isOp('//')) {
      this.pos++;
      return { k: 'path', absolute: true, base: null, steps: [DESC_OR_SELF, ...this.parseRelative()] };
    }
    if (this.startsPrimary()) {
      let base = this.parsePrimary();
      const preds: Expr[] = [];
      while (this.isOp('[')) preds.push(this.parsePredicate());
      if (preds.length > 0) base = { k: 'filter', base, preds };
      if (this.isOp('/') || this.isOp('//')) {
        const dbl = this.toks[this.pos++]!.v === '//';
        const steps = this.parseRelative();
        return { k: 'path', absolute: false, base, steps: dbl ? [DESC_OR_SELF, ...steps] : steps };
      }
      return base;
    }
    return { k: 'path', absolute: false, base: null, steps: this.parseRelative() };
  }
  private parseRelative(): Step[] {
    const steps = [this.parseStep()];
    for (;;) {
      if (this.isOp('/')) {
        this.pos++;
        steps.push(this.parseStep());
      } else if (this.isOp('//')) {
        this.pos++;
        steps.push(DESC_OR_SELF, this.parseStep());
      } else {
        return steps;
      }
    }
  }
  private parseStep(): Step {
    if (this.isOp('.')) {
      this.pos++;
      return { axis: 'self', test: { k: 'type', t: 'node' }, preds: [] };
    }
    if (this.isOp('..')) {
      this.pos++;
      return { axis: 'parent', test: { k: 'type', t: 'node' }, preds: [] };
    }
    let axis: Axis = 'child';
    if (this.isOp('@')) {
      this.pos++;
      axis = 'attribute';
    } else {
      const t = this.peek();
      if (t !== undefined && t.t === 'name' && this.isOp('::', 1)) {
        if (!AXES.has(t.v)) throw new XPathSyntaxError(`axis '${t.v}' is not supported`);
        axis = t.v as Axis;
        this.pos += 2;
      }
    }
    const test = this.parseNodeTest();
    const preds: Expr[] = [];
    while (this.isOp('[')) preds.push(this.parsePredicate());
    return { axis, test, preds };
  }
  private parseNodeTest(): NodeTest {
    const t = this.peek();
    if (t === undefined) throw new XPathSyntaxError('expected a node test');
    if (t.t === 'op' && t.v === '*n') {
      this.pos++;
      return { k: 'any', prefix: '' };
    }
    if (t.t !== 'name') throw new XPathSyntaxError(`expected a node test, got '${t.v}'`);
    this.pos++;
    if (NODE_TYPES.has(t.v) && this.isOp('(')) {
      this.pos++;
      if (t.v === 'processing-instruction' && this.peek()?.t === 'str') this.pos++;
      this.expectOp(')');
      return { k: 'type', t: t.v as 'text' | 'node' | 'comment' | 'processing-instruction' };
    }
    const colon = t.v.indexOf(':');
    if (colon < 0) return { k: 'name', prefix: '', local: t.v };
    const prefix = t.v.slice(0, colon);
    const local = t.v.slice(colon + 1);
    return local === '*' ? { k: 'any', prefix } : { k: 'name', prefix, local };
  }
  private parsePredicate(): Expr {
    this.expectOp('[');
    const e = this.parseOr();
    this.expectOp(']');
    return e;
  }
  private parsePrimary(): Expr {
    const t = this.toks[this.pos++]!;
    if (t.t === 'str') return { k: 'str', v: t.v };
    if (t.t === 'num') return { k: 'num', v: Number(t.v) };
    if (t.t === 'op' && t.v === '(') {
      const e = this.parseOr();
      this.expectOp(')');
      return e;
    }
    const arity = FUNCTIONS[t.v];
    if (arity === undefined) throw new XPathSyntaxError(`function '${t.v}()' is not supported`);
    this.expectOp('(');
    const args: Expr[] = [];
    if (!this.isOp(')')) {
      args.push(this.parseOr());
      while (this.isOp(',')) {
        this.pos++;
        args.push(this.parseOr());
      }
    }
    this.expectOp(')');
    if (args.length < arity[0] || args.length > arity[1]) {
      throw new XPathSyntaxError(`wrong number of arguments for ${t.v}()`);
    }
    return { k: 'fn', name: t.v, args };
  }
}

const DESC_OR_SELF: Step = { axis: 'descendant-or-self', test: { k: 'type', t: 'node' }, preds: [] };

export type CompiledXPath = { ok: true; expr: Expr } | { ok: false; error: string };

const cache = new Map<string, CompiledXPath>();

/** Parse an expression once; `ok: false` names what is not supported or malformed. */
export function compileXPath(expression: string): CompiledXPath {
  const hit = cache.get(expression);
  if (hit !== undefined) return hit;
  let result: CompiledXPath;
  try {
    const expr = new Parser(tokenize(expression)).parseAll();
    result = { ok: true, expr };
  } catch (e) {
    const msg = e instanceof XPathSyntaxError ? e.message : 'invalid expression';
    result = { ok: false, error: `unsupported XPath expression "${expression}": ${msg}` };
  }
  if (cache.size > 1000) cache.clear();
  cache.set(expression, result);
  return result;
}

// ------------------------------------------------------------------ evaluation
interface Ctx {
  node: Node;
  pos: number;
  size: number;
}

function children(n: Node): Node[] {
  if (n.type === 9) return n.doc.root === null ? [...n.doc.prolog] : [...n.doc.prolog, n.doc.root];
  if (n.type === XmlNodeType.Element) return n.children;
  return [];
}

function parentOf(n: Node, doc: DocNode): Node | null {
  if (n.type === 9) return null;
  const p = n.parent;
  return p === null ? doc : p;
}

function stringValue(n: Node): string {
  switch (n.type) {
    case 9:
      return n.doc.root === null ? '' : elementText(n.doc.root);
    case XmlNodeType.Element:
      return elementText(n);
    default:
      return n.value;
  }
}

function toStr(v: Value): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (Number.isInteger(v)) return String(v);
    return String(v);
  }
  return v.length === 0 ? '' : stringValue(v[0]!);
}
function toNum(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const s = toStr(v).trim();
  return s === '' || !/^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/.test(s) ? NaN : Number(s);
}
function toBool(v: Value): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (typeof v === 'string') return v.length > 0;
  return v.length > 0;
}

class Evaluator {
  private order: Map<Node, number> | null = null;
  readonly docNode: DocNode;
  constructor(
    doc: XmlDocument,
    private readonly ns: Record<string, string>,
  ) {
    this.docNode = { type: 9, doc };
  }

  private docOrder(): Map<Node, number> {
    if (this.order !== null) return this.order;
    const order = new Map<Node, number>();
    let i = 0;
    const stack: Node[] = [this.docNode];
    while (stack.length > 0) {
      const n = stack.pop()!;
      order.set(n, i++);
      if (n.type === XmlNodeType.Element) for (const a of n.attributes) order.set(a, i++);
      const kids = children(n);
      for (let k = kids.length - 1; k >= 0; k--) stack.push(kids[k]!);
    }
    this.order = order;
    return order;
  }

  private sortUnique(nodes: Node[]): Node[] {
    if (nodes.length < 2) return nodes;
    const order = this.docOrder();
    const uniq = [...new Set(nodes)];
    uniq.sort((a, b) => order.get(a)! - order.get(b)!);
    return uniq;
  }

  private matches(n: Node, test: NodeTest, axis: Axis): boolean {
    switch (test.k) {
      case 'type':
        if (test.t === 'node') return true;
        if (test.t === 'text') return n.type === XmlNodeType.Text;
        if (test.t === 'comment') return n.type === XmlNodeType.Comment;
        return n.type === XmlNodeType.ProcessingInstruction;
      case 'any': {
        const principal = axis === 'attribute' ? XmlNodeType.Attribute : XmlNodeType.Element;
        if (n.type !== principal) return false;
        if (test.prefix === '') return true;
        return (n as XmlElement | XmlAttribute).uri === this.resolve(test.prefix);
      }
      case 'name': {
        const principal = axis === 'attribute' ? XmlNodeType.Attribute : XmlNodeType.Element;
        if (n.type !== principal) return false;
        const el = n as XmlElement | XmlAttribute;
        if (el.local !== test.local) return false;
        const uri = test.prefix === '' ? '' : this.resolve(test.prefix);
        return el.uri === uri;
      }
    }
  }

  private resolve(prefix: string): string | undefined {
    return Object.prototype.hasOwnProperty.call(this.ns, prefix) ? this.ns[prefix] : undefined;
  }

  /** Nodes along `axis` from `n`, in proximity order. */
  private axisNodes(n: Node, axis: Axis): Node[] {
    switch (axis) {
      case 'child':
        return children(n);
      case 'attribute':
        return n.type === XmlNodeType.Element ? n.attributes : [];
      case 'self':
        return [n];
      case 'parent': {
        const p = parentOf(n, this.docNode);
        return p === null ? [] : [p];
      }
      case 'ancestor':
      case 'ancestor-or-self': {
        const out: Node[] = axis === 'ancestor-or-self' ? [n] : [];
        let p = parentOf(n, this.docNode);
        while (p !== null) {
          out.push(p);
          p = parentOf(p, this.docNode);
        }
        return out;
      }
      case 'descendant':
      case 'descendant-or-self': {
        const out: Node[] = axis === 'descendant-or-self' ? [n] : [];
        const stack: Node[] = [];
        const kids = children(n);
        for (let k = kids.length - 1; k >= 0; k--) stack.push(kids[k]!);
        while (stack.length > 0) {
          const c = stack.pop()!;
          out.push(c);
          const ck = children(c);
          for (let k = ck.length - 1; k >= 0; k--) stack.push(ck[k]!);
        }
        return out;
      }
    }
  }

  private applyPreds(nodes: Node[], preds: Expr[]): Node[] {
    let cur = nodes;
    for (const p of preds) {
      const size = cur.length;
      const next: Node[] = [];
      for (let i = 0; i < size; i++) {
        const v = this.eval(p, { node: cur[i]!, pos: i + 1, size });
        const keep = typeof v === 'number' ? v === i + 1 : toBool(v);
        if (keep) next.push(cur[i]!);
      }
      cur = next;
    }
    return cur;
  }

  private evalSteps(start: Node[], steps: Step[]): Node[] {
    let cur = start;
    for (const step of steps) {
      const out: Node[] = [];
      for (const n of cur) {
        const cand = this.axisNodes(n, step.axis).filter((c) => this.matches(c, step.test, step.axis));
        const kept = step.preds.length > 0 ? this.applyPreds(cand, step.preds) : cand;
        for (const k of kept) out.push(k);
      }
      cur = cur.length > 1 || step.axis.startsWith('ancestor') ? this.sortUnique(out) : out;
    }
    return cur;
  }

  eval(e: Expr, ctx: Ctx): Value {
    switch (e.k) {
      case 'num':
        return e.v;
      case 'str':
        return e.v;
      case 'neg':
        return -toNum(this.eval(e.e, ctx));
      case 'union': {
        const all: Node[] = [];
        for (const p of e.parts) {
          const v = this.eval(p, ctx);
          if (!Array.isArray(v)) throw new XPathSyntaxError('union of non-node-sets');
          all.push(...v);
        }
        return this.sortUnique(all);
      }
      case 'filter': {
        const v = this.eval(e.base, ctx);
        if (!Array.isArray(v)) throw new XPathSyntaxError('predicate on a non-node-set');
        return this.applyPreds(v, e.preds);
      }
      case 'path': {
        let start: Node[];
        if (e.base !== null) {
          const v = this.eval(e.base, ctx);
          if (!Array.isArray(v)) throw new XPathSyntaxError('path from a non-node-set');
          start = v;
        } else {
          start = [e.absolute ? this.docNode : ctx.node];
        }
        return this.evalSteps(start, e.steps);
      }
      case 'bin':
        return this.binary(e.op, e.l, e.r, ctx);
      case 'fn':
        return this.call(e.name, e.args, ctx);
    }
  }

  private binary(op: string, le: Expr, re: Expr, ctx: Ctx): Value {
    if (op === 'or') return toBool(this.eval(le, ctx)) || toBool(this.eval(re, ctx));
    if (op === 'and') return toBool(this.eval(le, ctx)) && toBool(this.eval(re, ctx));
    const l = this.eval(le, ctx);
    const r = this.eval(re, ctx);
    switch (op) {
      case '+': return toNum(l) + toNum(r);
      case '-': return toNum(l) - toNum(r);
      case '*': return toNum(l) * toNum(r);
      case 'div': return toNum(l) / toNum(r);
      case 'mod': return toNum(l) % toNum(r);
    }
    return compare(op, l, r);
  }

  private call(name: string, args: Expr[], ctx: Ctx): Value {
    const arg = (i: number): Value => this.eval(args[i]!, ctx);
    const ctxNodes = (): Node[] => [ctx.node];
    switch (name) {
      case 'last': return ctx.size;
      case 'position': return ctx.pos;
      case 'count': {
        const v = arg(0);
        if (!Array.isArray(v)) throw new XPathSyntaxError('count() needs a node-set');
        return v.length;
      }
      case 'string': return args.length === 0 ? stringValue(ctx.node) : toStr(arg(0));
      case 'concat': return args.map((_, i) => toStr(arg(i))).join('');
      case 'contains': return toStr(arg(0)).includes(toStr(arg(1)));
      case 'starts-with': return toStr(arg(0)).startsWith(toStr(arg(1)));
      case 'normalize-space': {
        const s = args.length === 0 ? stringValue(ctx.node) : toStr(arg(0));
        return s.split(/[ \t\r\n]+/).filter((x) => x.length > 0).join(' ');
      }
      case 'string-length': return [...(args.length === 0 ? stringValue(ctx.node) : toStr(arg(0)))].length;
      case 'not': return !toBool(arg(0));
      case 'true': return true;
      case 'false': return false;
      case 'number': return args.length === 0 ? toNum(stringValue(ctx.node)) : toNum(arg(0));
      case 'name':
      case 'local-name': {
        const v = args.length === 0 ? ctxNodes() : arg(0);
        if (!Array.isArray(v)) throw new XPathSyntaxError(`${name}() needs a node-set`);
        const n = v[0];
        if (n === undefined) return '';
        if (n.type === XmlNodeType.Element || n.type === XmlNodeType.Attribute) return name === 'name' ? n.name : n.local;
        if (n.type === XmlNodeType.ProcessingInstruction) return n.name;
        return '';
      }
    }
    throw new XPathSyntaxError(`function '${name}()' is not supported`);
  }
}

function compare(op: string, l: Value, r: Value): boolean {
  const cmp = (a: Value, b: Value): boolean => {
    if (op === '=' || op === '!=') {
      let eq: boolean;
      if (typeof a === 'boolean' || typeof b === 'boolean') eq = toBool(a) === toBool(b);
      else if (typeof a === 'number' || typeof b === 'number') eq = toNum(a) === toNum(b);
      else eq = toStr(a) === toStr(b);
      return op === '=' ? eq : !eq;
    }
    const x = toNum(a);
    const y = toNum(b);
    switch (op) {
      case '<': return x < y;
      case '<=': return x <= y;
      case '>': return x > y;
      default: return x >= y;
    }
  };
  const la = Array.isArray(l);
  const ra = Array.isArray(r);
  if (la && ra) {
    const rs = (r as Node[]).map(stringValue);
    return (l as Node[]).some((a) => rs.some((b) => cmp(stringValue(a), b)));
  }
  if (la) {
    if (typeof r === 'boolean') return cmp(toBool(l), r);
    return (l as Node[]).some((a) => cmp(stringValue(a), r));
  }
  if (ra) {
    if (typeof l === 'boolean') return cmp(l, toBool(r));
    return (r as Node[]).some((b) => cmp(l, stringValue(b)));
  }
  return cmp(l, r);
}

/**
 * Evaluate `expression` on `doc` and return the values v3 would put in XML:<expression>:
 * one byte string per selected node. Unsupported or non-node-set expressions give [].
 * Never throws.
 */
export function evaluateXPath(doc: XmlDocument, expression: string, namespaces?: Record<string, string>): string[] {
  const compiled = compileXPath(expression);
  if (!compiled.ok) return [];
  try {
    const ev = new Evaluator(doc, namespaces ?? {});
    const v = ev.eval(compiled.expr, { node: ev.docNode, pos: 1, size: 1 });
    if (!Array.isArray(v)) return [];
    return v.map((n) => toByteString(stringValue(n)));
  } catch {
    return [];
  }
}
