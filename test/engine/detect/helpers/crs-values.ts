/**
 * Values a CRS libinjection rule (942100 @detectSQLi, 941100 @detectXSS) sees for a go-ftw test
 * stage: ARGS and ARGS_NAMES (query string and urlencoded body), REQUEST_COOKIES and
 * REQUEST_COOKIES_NAMES, chosen request headers, XML:/* and XML://@* for XML bodies. Values are
 * byte strings decoded the way ModSecurity's request parsers decode them.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface FtwStage {
  uri?: string;
  method?: string;
  headers?: Record<string, string>;
  data?: string;
}
export interface FtwCase {
  id: string;
  desc: string;
  input: FtwStage;
  expectIds: number[];
  noExpectIds: number[];
}

export function loadCases(path: string): FtwCase[] {
  const doc = parse(readFileSync(path, 'utf8')) as {
    rule_id: number;
    tests: { test_id: number; desc?: string; stages: { input: FtwStage; output: { log?: { expect_ids?: number[]; no_expect_ids?: number[] } } }[] }[];
  };
  const out: FtwCase[] = [];
  for (const t of doc.tests) {
    for (const s of t.stages) {
      out.push({
        id: `${doc.rule_id}-${t.test_id}`,
        desc: t.desc ?? '',
        input: s.input,
        expectIds: s.output.log?.expect_ids ?? [],
        noExpectIds: s.output.log?.no_expect_ids ?? [],
      });
    }
  }
  return out;
}

/** ModSecurity's form/query decoding: + is a space, valid %XX is a byte, anything else stays. */
export function formDecode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '+') out += ' ';
    else if (c === '%' && i + 2 < s.length + 0 && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else out += c;
  }
  return out;
}

function toBytes(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

function splitPairs(s: string, sep: string, into: Map<string, string[]>, decode: (x: string) => string): void {
  for (const part of s.split(sep)) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decode(part.slice(eq + 1));
    const list = into.get(name) ?? [];
    list.push(value);
    into.set(name, list);
  }
}

function decodeXmlText(s: string): string {
  return s
    .replace(/&#x([0-9a-fA-F]+);/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#([0-9]+);/g, (_, d: string) => String.fromCodePoint(parseInt(d, 10)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

export interface Collections {
  args: Map<string, string[]>;
  cookies: Map<string, string[]>;
  headers: Map<string, string>;
  /** XML:/* (text content) and XML://@* (attribute values) */
  xml: string[];
}

function header(h: Record<string, string> | undefined, name: string): string | undefined {
  if (!h) return undefined;
  for (const [k, v] of Object.entries(h)) if (k.toLowerCase() === name.toLowerCase()) return String(v);
  return undefined;
}

export function collect(input: FtwStage): Collections {
  const args = new Map<string, string[]>();
  const cookies = new Map<string, string[]>();
  const headers = new Map<string, string>();
  const xml: string[] = [];
  const uri = toBytes(input.uri ?? '/');
  const q = uri.indexOf('?');
  if (q >= 0) splitPairs(uri.slice(q + 1), '&', args, formDecode);
  for (const [k, v] of Object.entries(input.headers ?? {})) headers.set(k.toLowerCase(), toBytes(String(v)));
  const cookie = header(input.headers, 'Cookie');
  if (cookie !== undefined) splitPairs(toBytes(cookie), ';', cookies, (x) => x.trim());
  if (input.data !== undefined) {
    const data = toBytes(input.data);
    const ctype = (header(input.headers, 'Content-Type') ?? 'application/x-www-form-urlencoded').toLowerCase();
    if (/^(?:application(?:\/soap\+|\/)|text\/)xml/.test(ctype)) {
      // attribute values and the root element's text content
      for (const m of data.matchAll(/\s[\w:.-]+\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        // skip the XML declaration's pseudo-attributes
        const before = data.lastIndexOf('<', m.index);
        if (data.startsWith('<?', before)) continue;
        xml.push(decodeXmlText(m[1] ?? m[2] ?? ''));
      }
      xml.push(decodeXmlText(data.replace(/<[^>]*>/g, '')));
    } else if (ctype.startsWith('application/x-www-form-urlencoded')) {
      // go-ftw sends the data as is or percent-encodes it pair by pair; either way the server
      // decodes back to the same names and values
      splitPairs(data, '&', args, formDecode);
    }
  }
  return { args, cookies, headers, xml };
}

/** The values a rule with these targets inspects. */
export function targetValues(c: Collections, targets: { headers: string[] }): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const [name, vals] of c.cookies) {
    out.push({ name: 'REQUEST_COOKIES_NAMES', value: name });
    for (const v of vals) out.push({ name: `REQUEST_COOKIES:${name}`, value: v });
  }
  for (const h of targets.headers) {
    const v = c.headers.get(h.toLowerCase());
    if (v !== undefined) out.push({ name: `REQUEST_HEADERS:${h}`, value: v });
  }
  for (const [name, vals] of c.args) {
    out.push({ name: 'ARGS_NAMES', value: name });
    for (const v of vals) out.push({ name: `ARGS:${name}`, value: v });
  }
  for (const v of c.xml) out.push({ name: 'XML', value: v });
  return out;
}
