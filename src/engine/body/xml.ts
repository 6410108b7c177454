/**
 * XML request body processor. ModSecurity v3 feeds the body to libxml2 and keeps the
 * resulting document (even a partial one when the body is not well formed) for the XML
 * variable; REQBODY_ERROR_MSG is then "XML parsing error: XML: Failed parsing document.".
 *
 * This module builds a small read-only tree with the strict `saxes` parser:
 * - no DTD processing and no external entities: the internal subset is only scanned
 *   for entity *declarations*; an internal entity whose value is plain text (character
 *   references allowed) expands to that text, every other declared entity (external,
 *   or with markup or references in its value) expands to nothing, as v3 does for
 *   external entities it does not load; total expansion is capped;
 * - the 5 predefined entities and numeric character references are expanded;
 * - an undeclared entity is an error, unless the document has an external DTD subset or
 *   parameter-entity references (libxml2 only warns then);
 * - the body is decoded as UTF-8 (BOM skipped), or as ISO-8859-1/US-ASCII or UTF-16 when
 *   the XML declaration or a BOM says so; all strings handed out are UTF-8 byte strings.
 * - after the first error nothing more is added to the tree (libxml2 stops there too).
 */
import { SaxesParser } from 'saxes';
import type { SaxesTagPlain } from 'saxes';

export const enum XmlNodeType {
  Element = 1,
  Attribute = 2,
  Text = 3,
  ProcessingInstruction = 7,
  Comment = 8,
}

export interface XmlAttribute {
  type: XmlNodeType.Attribute;
  /** Qualified name as written. */
  name: string;
  local: string;
  prefix: string;
  /** Namespace URI ('' for none). */
  uri: string;
  value: string;
  parent: XmlElement;
}

export interface XmlElement {
  type: XmlNodeType.Element;
  name: string;
  local: string;
  prefix: string;
  uri: string;
  attributes: XmlAttribute[];
  children: XmlNode[];
  parent: XmlElement | null;
  /** Cached text content (libxml2's xmlNodeGetContent), as a JS (UTF-16) string. */
  textCache?: string;
}

export interface XmlText {
  type: XmlNodeType.Text;
  /** Text or CDATA content. */
  value: string;
  parent: XmlElement;
}

export interface XmlOther {
  type: XmlNodeType.Comment | XmlNodeType.ProcessingInstruction;
  /** Comment text, or the processing instruction's target. */
  name: string;
  value: string;
  parent: XmlElement | null;
}

export type XmlNode = XmlElement | XmlText | XmlOther;

/** A parsed XML body: the root element (null when none was seen). */
export interface XmlDocument {
  root: XmlElement | null;
  /** Nodes before and after the root element (comments, processing instructions). */
  prolog: XmlOther[];
}

export interface XmlParseResult {
  doc: XmlDocument | null;
  error: string | null;
}

const ERROR = 'XML parsing error: XML: Failed parsing document.';
/** Cap on the characters produced by expanding declared entities (beyond the body's size). */
const ENTITY_EXPANSION_BUDGET = 1 << 20;

/**
 * Text content of an element: all descendant text and CDATA, in document order. Filled
 * bottom-up for the whole subtree, so asking every element of a deep document costs
 * time proportional to the texts, not to depth².
 */
export function elementText(el: XmlElement): string {
  if (el.textCache !== undefined) return el.textCache;
  const stack: Array<{ node: XmlElement; idx: number; parts: string[] }> = [{ node: el, idx: 0, parts: [] }];
  let result = '';
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const { node } = top;
    if (top.idx >= node.children.length) {
      stack.pop();
      const text = top.parts.length === 1 ? top.parts[0]! : top.parts.join('');
      node.textCache = text;
      if (stack.length > 0) stack[stack.length - 1]!.parts.push(text);
      else result = text;
      continue;
    }
    const child = node.children[top.idx++]!;
    if (child.type === XmlNodeType.Text) top.parts.push(child.value);
    else if (child.type === XmlNodeType.Element) {
      if (child.textCache !== undefined) top.parts.push(child.textCache);
      else stack.push({ node: child, idx: 0, parts: [] });
    }
  }
  return result;
}

/** Index of the first byte that breaks UTF-8 (as libxml2 checks it), or -1. */
function firstInvalidUtf8(s: string): number {
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      i++;
      continue;
    }
    let more: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) {
      more = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      more = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      more = 3;
      min = 0x10000;
    } else return i;
    if (i + more >= n) return i;
    let cp = c & (0x3f >> more);
    for (let k = 1; k <= more; k++) {
      const cc = s.charCodeAt(i + k);
      if (i + k >= n || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += more + 1;
  }
  return -1;
}

/** Decode the body bytes to text the way the XML declaration / BOM asks. */
function decodeBody(body: string): { text: string; invalidAt: number } {
  const b0 = body.charCodeAt(0);
  const b1 = body.charCodeAt(1);
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) {
    const buf = Buffer.from(body.slice(2), 'latin1');
    const odd = buf.length % 2 !== 0;
    const even = odd ? buf.subarray(0, buf.length - 1) : buf;
    if (b0 === 0xfe) even.swap16();
    return { text: even.toString('utf16le'), invalidAt: odd ? body.length - 1 : -1 };
  }
  let start = 0;
  if (b0 === 0xef && b1 === 0xbb && body.charCodeAt(2) === 0xbf) start = 3;
  // The encoding pseudo-attribute of the XML declaration, if any.
  if (body.startsWith('<?xml', start)) {
    const end = body.indexOf('?>', start);
    const decl = end >= 0 ? body.slice(start, Math.min(end, start + 200)) : '';
    const m = /encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']/.exec(decl);
    if (m) {
      const enc = m[1]!.toLowerCase();
      if (enc === 'iso-8859-1' || enc === 'latin1' || enc === 'iso_8859-1' || enc === 'us-ascii' || enc === 'ascii' || enc === 'iso-latin-1') {
        return { text: body.slice(start), invalidAt: -1 };
      }
    }
  }
  const raw = body.slice(start);
  const bad = firstInvalidUtf8(raw);
  const valid = bad < 0 ? raw : raw.slice(0, bad);
  return { text: Buffer.from(valid, 'latin1').toString('utf8'), invalidAt: bad };
}

/** Entity declarations of an internal DTD subset (saxes hands us the doctype text). */
function scanDoctype(doctype: string): { entities: Map<string, string>; lenient: boolean } {
  const entities = new Map<string, string>();
  const bracket = doctype.indexOf('[');
  const head = bracket >= 0 ? doctype.slice(0, bracket) : doctype;
  // An external subset (SYSTEM/PUBLIC) makes undeclared entities a warning only.
  let lenient = /\b(?:SYSTEM|PUBLIC)\b/.test(head);
  if (bracket < 0) return { entities, lenient };
  const subset = doctype.slice(bracket + 1);
  let i = 0;
  const n = subset.length;
  while (i < n) {
    const c = subset.charCodeAt(i);
    if (c === 0x25 /* % */ && /^%[A-Za-z_:][\w.:-]*;/.test(subset.slice(i, i + 200))) lenient = true;
    if (c === 0x22 || c === 0x27) {
      // Skip quoted literals outside declarations we handle.
      const q = subset.indexOf(String.fromCharCode(c), i + 1);
      i = q < 0 ? n : q + 1;
      continue;
    }
    if (subset.startsWith('<!--', i)) {
      const e = subset.indexOf('-->', i + 4);
      i = e < 0 ? n : e + 3;
      continue;
    }
    if (subset.startsWith('<!ENTITY', i)) {
      let p = i + 8;
      while (p < n && /\s/.test(subset[p]!)) p++;
      const isParam = subset[p] === '%';
      if (isParam) {
        p++;
        while (p < n && /\s/.test(subset[p]!)) p++;
      }
      const nameStart = p;
      while (p < n && !/[\s>"']/.test(subset[p]!)) p++;
      const name = subset.slice(nameStart, p);
      while (p < n && /\s/.test(subset[p]!)) p++;
      let value = '';
      const q = subset[p];
      if (q === '"' || q === "'") {
        const e = subset.indexOf(q, p + 1);
        const lit = subset.slice(p + 1, e < 0 ? n : e);
        p = e < 0 ? n : e + 1;
        // Plain text with character references only; anything else expands to nothing.
        if (!lit.includes('<') && !/&(?!#(?:[0-9]+|x[0-9a-fA-F]+);)/.test(lit)) {
          value = lit.replace(/&#(x[0-9a-fA-F]+|[0-9]+);/g, (_m, num: string) => {
            const cp = num[0] === 'x' ? parseInt(num.slice(1), 16) : parseInt(num, 10);
            return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
          });
        }
      }
      // External (SYSTEM/PUBLIC) entities are never loaded: they expand to nothing.
      if (!isParam && name.length > 0 && !entities.has(name)) entities.set(name, value);
      const close = subset.indexOf('>', p);
      i = close < 0 ? n : close + 1;
      continue;
    }
    i++;
  }
  return { entities, lenient };
}

/** JS string → UTF-8 byte string. */
export function toByteString(s: string): string {
  // Fast path: pure ASCII needs no conversion.
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  return ascii ? s : Buffer.from(s, 'utf8').toString('latin1');
}

/**
 * Parse an XML body (a byte string). Never throws. `doc` is null only when no element
 * was seen at all; it may hold a partial tree when `error` is set (as in v3).
 */
export function parseXml(body: string): XmlParseResult {
  const { text, invalidAt } = decodeBody(body);
  let failed = false;
  const doc: XmlDocument = { root: null, prolog: [] };
  let current: XmlElement | null = null;
  let budget = ENTITY_EXPANSION_BUDGET + body.length;

  // Namespaces are resolved here (saxes' own resolution walks a prototype chain as deep
  // as the document). Like libxml2, an unbound prefix is not a well-formedness error.
  const XML_NS = 'http://www.w3.org/XML/1998/namespace';
  const bindings = new Map<string, string[]>();
  const declared: string[][] = [];
  const lookup = (prefix: string): string => {
    if (prefix === 'xml') return XML_NS;
    const st = bindings.get(prefix);
    return st !== undefined && st.length > 0 ? st[st.length - 1]! : '';
  };
  const split = (qname: string): [string, string] => {
    const c = qname.indexOf(':');
    return c < 0 ? ['', qname] : [qname.slice(0, c), qname.slice(c + 1)];
  };
  const parser = new SaxesParser({ xmlns: false, position: false });
  const baseEntities = parser.ENTITIES;

  parser.on('error', () => {
    failed = true;
  });
  parser.on('doctype', (dt: string) => {
    if (failed) return;
    const { entities, lenient } = scanDoctype(dt);
    if (entities.size === 0 && !lenient) return;
    const table = Object.create(baseEntities) as Record<string, string>;
    for (const [k, v] of entities) {
      if (!(k in baseEntities)) table[k] = v;
    }
    // Expansion is budgeted; an undeclared name is an error unless libxml2 would only warn.
    parser.ENTITIES = new Proxy(table, {
      get(target, prop: string) {
        const v = target[prop];
        if (v === undefined) return lenient ? '' : undefined;
        budget -= v.length;
        if (budget < 0) {
          failed = true;
          return '';
        }
        return v;
      },
    });
  });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    if (failed) return;
    const attrs = tag.attributes;
    const mine: string[] = [];
    for (const key in attrs) {
      if (key === 'xmlns' || key.startsWith('xmlns:')) {
        const prefix = key === 'xmlns' ? '' : key.slice(6);
        let st = bindings.get(prefix);
        if (st === undefined) bindings.set(prefix, (st = []));
        st.push(attrs[key]!);
        mine.push(prefix);
      }
    }
    declared.push(mine);
    const [prefix, local] = split(tag.name);
    const el: XmlElement = {
      type: XmlNodeType.Element,
      name: tag.name,
      local,
      prefix,
      uri: lookup(prefix),
      attributes: [],
      children: [],
      parent: current,
    };
    for (const key in attrs) {
      // Namespace declarations are not attributes for libxml2 (nor for XPath).
      if (key === 'xmlns' || key.startsWith('xmlns:')) continue;
      const [ap, al] = split(key);
      el.attributes.push({ type: XmlNodeType.Attribute, name: key, local: al, prefix: ap, uri: ap === '' ? '' : lookup(ap), value: attrs[key]!, parent: el });
    }
    if (current === null) {
      if (doc.root === null) doc.root = el;
    } else {
      current.children.push(el);
    }
    current = el;
  });
  parser.on('closetag', () => {
    if (failed) return;
    for (const prefix of declared.pop() ?? []) bindings.get(prefix)!.pop();
    if (current !== null) current = current.parent;
  });
  const addText = (value: string): void => {
    if (failed || current === null || value.length === 0) return;
    const last = current.children[current.children.length - 1];
    if (last !== undefined && last.type === XmlNodeType.Text) {
      last.value += value;
    } else {
      current.children.push({ type: XmlNodeType.Text, value, parent: current });
    }
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('comment', (c: string) => {
    if (failed) return;
    const node: XmlOther = { type: XmlNodeType.Comment, name: '', value: c, parent: current };
    if (current === null) doc.prolog.push(node);
    else current.children.push(node);
  });
  parser.on('processinginstruction', (pi: { target: string; body: string }) => {
    if (failed) return;
    const node: XmlOther = { type: XmlNodeType.ProcessingInstruction, name: pi.target, value: pi.body, parent: current };
    if (current === null) doc.prolog.push(node);
    else current.children.push(node);
  });

  try {
    parser.write(text);
    if (invalidAt >= 0) failed = true;
    else parser.close();
  } catch {
    failed = true;
  }
  if (!failed && doc.root === null) failed = true;
  return { doc: doc.root === null ? null : doc, error: failed ? ERROR : null };
}
