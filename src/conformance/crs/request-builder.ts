/**
 * Builds the bytes go-ftw (v2.x, `ftwhttp.BuildRequest`) puts on the wire for a test stage:
 *
 * - `encoded_request`: the base64-decoded bytes, nothing else.
 * - Request line `METHOD URI VERSION\r\n`, verbatim (defaults GET, `/`, HTTP/1.1).
 * - Headers: `ordered_headers` in order, else the `headers` map sorted by name (byte order).
 * - Body: `data` (run through the template subset) or `encoded_data`.
 * - With `autocomplete_headers` (default) and a non-empty body: add
 *   `Content-Type: application/x-www-form-urlencoded` if no Content-Type is set; then, if the
 *   Content-Type is exactly that type and the body does not change under URL-unescaping,
 *   URL-encode each `key=value` pair with Go's `url.QueryEscape`.
 * - If a Content-Type header contains `multipart/form-data;`, every `\n` of the body becomes
 *   `\r\n` (also without autocompletion, and also an existing `\r\n`, which becomes `\r\r\n`).
 * - With autocompletion: `Connection: close` unless a Connection header exists; then, unless
 *   a Content-Length header exists, `Content-Length: <n>` if the body is not empty or the
 *   method matches go-ftw's regex `^POST|PUT|PATCH|DELETE$` (sic: unanchored alternatives).
 * - `name: value\r\n` per header, a blank line, the body.
 *
 * Strings from the YAML become their UTF-8 bytes, as Go's do.
 */
import type { FtwHeader, FtwInput } from './types.js';
import { evaluateTemplate, TemplateParseError } from './template.js';

const METHODS_WITH_BODY = /^POST|PUT|PATCH|DELETE$/;
const FORM_URLENCODED = 'application/x-www-form-urlencoded';

/** Go's token characters (valid in a header field name), per net/textproto. */
function isTokenByte(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
    "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c))
  );
}

/** `textproto.CanonicalMIMEHeaderKey`: unchanged when it holds a non-token byte. */
export function canonicalHeaderKey(name: string): string {
  const bytes = Buffer.from(name, 'utf8');
  for (const c of bytes) if (!isTokenByte(c)) return name;
  let upper = true;
  let out = '';
  for (const c of bytes) {
    let ch = c;
    if (upper && ch >= 0x61 && ch <= 0x7a) ch -= 0x20;
    else if (!upper && ch >= 0x41 && ch <= 0x5a) ch += 0x20;
    out += String.fromCharCode(ch);
    upper = c === 0x2d;
  }
  return out;
}

/** go-ftw's ordered header list. */
export class FtwHeaders {
  readonly entries: FtwHeader[] = [];

  add(name: string, value: string): void {
    this.entries.push({ name, value });
  }

  hasAny(name: string): boolean {
    const key = canonicalHeaderKey(name);
    return this.entries.some((h) => canonicalHeaderKey(h.name) === key);
  }

  /** Some header of that name has this value (case-insensitively, like `strings.EqualFold`). */
  hasAnyValue(name: string, value: string): boolean {
    const key = canonicalHeaderKey(name);
    return this.entries.some((h) => canonicalHeaderKey(h.name) === key && equalFold(h.value, value));
  }

  /** Some header of that name has a value containing `needle`, both lower-cased. */
  hasAnyValueContaining(name: string, needle: string): boolean {
    const key = canonicalHeaderKey(name);
    return this.entries.some((h) => canonicalHeaderKey(h.name) === key && h.value.toLowerCase().includes(needle.toLowerCase()));
  }
}

function equalFold(a: string, b: string): boolean {
  return a.length === b.length && a.toLowerCase() === b.toLowerCase() && a.toUpperCase() === b.toUpperCase();
}

/** The headers go-ftw sends before autocompletion. */
export function effectiveHeaders(input: FtwInput): FtwHeaders {
  const h = new FtwHeaders();
  if (input.orderedHeaders) {
    for (const e of input.orderedHeaders) h.add(e.name, e.value);
  } else if (input.headers) {
    const sorted = [...input.headers].sort((a, b) => Buffer.compare(Buffer.from(a.name, 'utf8'), Buffer.from(b.name, 'utf8')));
    for (const e of sorted) h.add(e.name, e.value);
  }
  return h;
}

/** Go's `url.QueryUnescape`: null when the text is not valid (a `%` not followed by two hex digits). */
export function goQueryUnescape(s: Buffer): Buffer | null {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === 0x25) {
      const h = s.subarray(i + 1, i + 3).toString('latin1');
      if (!/^[0-9a-fA-F]{2}$/.test(h)) return null;
      out.push(parseInt(h, 16));
      i += 2;
    } else if (c === 0x2b) {
      out.push(0x20);
    } else {
      out.push(c);
    }
  }
  return Buffer.from(out);
}

/** Go's `url.QueryEscape` over bytes: keeps `A-Za-z0-9-_.~`, space becomes `+`, the rest `%XX`. */
export function goQueryEscape(s: Buffer): string {
  let out = '';
  for (const c of s) {
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x5f || c === 0x2e || c === 0x7e) {
      out += String.fromCharCode(c);
    } else if (c === 0x20) {
      out += '+';
    } else {
      out += '%' + c.toString(16).toUpperCase().padStart(2, '0');
    }
  }
  return out;
}

/** go-ftw's `encodeDataParameters`. */
export function encodeDataParameters(headers: FtwHeaders, data: Buffer): Buffer {
  if (data.length === 0) return data;
  if (!headers.hasAnyValue('Content-Type', FORM_URLENCODED)) return data;
  const unescaped = goQueryUnescape(data);
  // Go compares the unescaped string with the original; an error yields "" (never equal here).
  if (unescaped === null || !unescaped.equals(data)) return data;
  let escaped = '';
  let remaining: Buffer | null = data;
  while (remaining !== null && remaining.length > 0) {
    const amp: number = remaining.indexOf(0x26);
    let token: Buffer;
    if (amp === -1) {
      token = remaining;
      remaining = null;
    } else {
      token = remaining.subarray(0, amp);
      remaining = remaining.subarray(amp + 1);
    }
    const eq = token.indexOf(0x3d);
    if (eq === -1) {
      escaped += goQueryEscape(token) + '&';
      continue;
    }
    escaped += goQueryEscape(token.subarray(0, eq)) + '=' + goQueryEscape(token.subarray(eq + 1)) + '&';
  }
  return Buffer.from(escaped.slice(0, -1), 'latin1');
}

/** The body before autocompletion: `data` through the template, else `encoded_data`. */
export function stageBody(input: FtwInput): Buffer {
  if (input.data !== null) {
    try {
      return Buffer.from(evaluateTemplate(input.data), 'utf8');
    } catch (err) {
      // Go's template parser rejects it: go-ftw logs that and sends no body.
      if (err instanceof TemplateParseError) return Buffer.alloc(0);
      throw err;
    }
  }
  if (input.encodedData !== null) return decodeBase64Strict(input.encodedData, 'encoded_data');
  return Buffer.alloc(0);
}

/** Go's `base64.StdEncoding.DecodeString`: padding required, no stray characters (newlines are skipped). */
export function decodeBase64Strict(text: string, what: string): Buffer {
  const s = text.replace(/[\r\n]/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) {
    throw new Error(`${what}: illegal base64 data`);
  }
  return Buffer.from(s, 'base64');
}

export interface BuiltRequest {
  bytes: Buffer;
  /** True when the bytes came verbatim from `encoded_request`. */
  raw: boolean;
}

/** The exact bytes go-ftw sends for this stage input. */
export function buildRequest(input: FtwInput): BuiltRequest {
  if (input.encodedRequest !== '') {
    return { bytes: decodeBase64Strict(input.encodedRequest, 'encoded_request'), raw: true };
  }
  const method = input.method ?? 'GET';
  const uri = input.uri ?? '/';
  const version = input.version ?? 'HTTP/1.1';
  const headers = effectiveHeaders(input);
  let data = stageBody(input);

  if (data.length > 0 && input.autocompleteHeaders) {
    if (!headers.hasAny('Content-Type')) headers.add('Content-Type', FORM_URLENCODED);
    data = encodeDataParameters(headers, data);
  }
  if (headers.hasAnyValueContaining('Content-Type', 'multipart/form-data;')) {
    data = Buffer.from(data.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
  }
  if (input.autocompleteHeaders) {
    if (!headers.hasAny('Connection')) headers.add('Connection', 'close');
    if (!headers.hasAny('Content-Length') && (data.length > 0 || METHODS_WITH_BODY.test(method))) {
      headers.add('Content-Length', String(data.length));
    }
  }

  let head = `${method} ${uri} ${version}\r\n`;
  for (const h of headers.entries) head += `${h.name}: ${h.value}\r\n`;
  head += '\r\n';
  return { bytes: Buffer.concat([Buffer.from(head, 'utf8'), data]), raw: false };
}
