/**
 * An albedo-compatible backend (github.com/coreruleset/albedo, the backend CRS CI uses):
 * `POST /reflect` (and `/reflect/`) answers with the JSON spec it receives —
 * `{status, headers, body, encodedBody, logMessage}` — and every other request gets 200 with
 * an empty body. Like albedo (Go's net/http), a reflected body without a Content-Type header
 * gets a sniffed one (`text/html; charset=utf-8`, `text/plain; charset=utf-8`, ...), which is
 * what lets the RESPONSE-95x rules see those bodies under SecResponseBodyMimeType.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { canonicalHeaderKey } from './request-builder.js';

interface ReflectionSpec {
  status?: unknown;
  headers?: unknown;
  body?: unknown;
  encodedBody?: unknown;
  logMessage?: unknown;
}

const HTML_SIGNATURES = ['<!DOCTYPE HTML', '<HTML', '<HEAD', '<SCRIPT', '<IFRAME', '<H1', '<DIV', '<FONT', '<TABLE', '<A', '<STYLE', '<TITLE', '<B', '<BODY', '<BR', '<P', '<!--'];

/** A subset of Go's `http.DetectContentType` that covers text, HTML, XML, JSON-ish text and binary. */
export function sniffContentType(body: Buffer): string {
  const data = body.subarray(0, 512);
  let i = 0;
  while (i < data.length && (data[i] === 0x09 || data[i] === 0x0a || data[i] === 0x0c || data[i] === 0x0d || data[i] === 0x20)) i++;
  const rest = data.subarray(i);
  for (const sig of HTML_SIGNATURES) {
    if (rest.length <= sig.length) continue;
    if (rest.subarray(0, sig.length).toString('latin1').toUpperCase() !== sig) continue;
    const next = rest[sig.length];
    if (next === 0x20 || next === 0x3e) return 'text/html; charset=utf-8';
  }
  if (rest.subarray(0, 5).toString('latin1') === '<?xml') return 'text/xml; charset=utf-8';
  if (data.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  for (const c of data) {
    if (c <= 0x08 || c === 0x0b || (c >= 0x0e && c <= 0x1a) || (c >= 0x1c && c <= 0x1f)) return 'application/octet-stream';
  }
  return 'text/plain; charset=utf-8';
}

function isValidHeaderName(name: string): boolean {
  return /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name);
}

function isValidHeaderValue(value: string): boolean {
  return !/[\x00-\x08\x0a-\x1f\x7f]/.test(value);
}

function reflect(res: ServerResponse, body: Buffer): void {
  let spec: ReflectionSpec;
  try {
    spec = JSON.parse(body.toString('utf8')) as ReflectionSpec;
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw new Error('not an object');
    if (spec.status !== undefined && spec.status !== null && !Number.isInteger(spec.status)) throw new Error('status');
  } catch {
    res.statusCode = 400;
    res.end('Invalid JSON in request body');
    return;
  }
  const status = (spec.status as number | undefined) ?? 0;
  if ((status > 0 && status < 100) || status >= 600) {
    res.statusCode = 400;
    res.end(`Invalid status code: ${status}`);
    return;
  }
  const headers = spec.headers && typeof spec.headers === 'object' ? (spec.headers as Record<string, unknown>) : {};
  // Go's Header.Add canonicalises names; invalid names or values are dropped when writing.
  for (const [name, value] of Object.entries(headers)) {
    const v = typeof value === 'string' ? value : String(value);
    if (!isValidHeaderName(name) || !isValidHeaderValue(v)) continue;
    const key = canonicalHeaderKey(name);
    const prev = res.getHeader(key);
    res.setHeader(key, prev === undefined ? v : [...(Array.isArray(prev) ? prev : [String(prev)]), v]);
  }
  let out: Buffer;
  if (typeof spec.body === 'string' && spec.body !== '') {
    out = Buffer.from(spec.body, 'utf8');
  } else if (typeof spec.encodedBody === 'string' && spec.encodedBody !== '') {
    out = Buffer.from(spec.encodedBody, 'base64');
  } else {
    out = Buffer.alloc(0);
  }
  res.statusCode = status === 0 ? 200 : status;
  if (out.length > 0 && !res.hasHeader('content-type')) res.setHeader('Content-Type', sniffContentType(out));
  res.end(out);
}

/** The albedo handler. Reads the request body itself (it may be a replayed stream). */
export function albedoHandler(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '').split('?')[0];
  const isReflect = req.method === 'POST' && (path === '/reflect' || path === '/reflect/');
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => {
    if (isReflect) chunks.push(c);
  });
  req.on('error', () => {
    if (!res.headersSent) {
      res.statusCode = 400;
      res.end();
    }
  });
  req.on('end', () => {
    if (isReflect) reflect(res, Buffer.concat(chunks));
    else res.end();
  });
}
