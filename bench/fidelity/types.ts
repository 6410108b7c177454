/** One generated request: what goes on the wire, plus the labels the report groups by. */
export interface FidelityRequest {
  /** Stable id within one generated set (`r00042`). */
  id: string;
  /** benign browsing/API traffic, an attack, or a protocol-level oddity. */
  kind: 'benign' | 'attack' | 'protocol';
  /** e.g. `search`, `json-api`, `sqli`, `xss`, `lfi`, `log4shell`, `scanner`. */
  family: string;
  /** Where the interesting value travels: query, path, form, json, xml, multipart, cookie, header, arg-name, ... */
  carrier: string;
  /** How it was encoded: plain, form, raw, full, double, unicode, overlong, entity, ... */
  encoding: string;
  method: string;
  /** Raw request-target, as a byte string. */
  target: string;
  /** `HTTP/1.1` unless the request is about the version. */
  version: string;
  /** Header fields in wire order (byte strings). Content-Length / Transfer-Encoding are added by `serialize` unless `rawFraming`. */
  headers: Array<[string, string]>;
  body?: Buffer;
  /** Send the body chunked instead of with Content-Length. */
  chunked?: boolean;
  /** The generator wrote the framing headers itself (protocol cases): send headers and body as given. */
  rawFraming?: boolean;
  /** One line for humans. */
  note: string;
}

/** The request's wire bytes. */
export function serialize(r: FidelityRequest): Buffer {
  const headers = r.headers.slice();
  let body = r.body;
  if (!r.rawFraming && body !== undefined) {
    const framing: [string, string] = r.chunked ? ['Transfer-Encoding', 'chunked'] : ['Content-Length', String(body.length)];
    const ct = headers.findIndex(([n]) => n.toLowerCase() === 'content-type');
    if (ct >= 0) headers.splice(ct + 1, 0, framing);
    else headers.push(framing);
    if (r.chunked) body = chunk(body);
  }
  let head = `${r.method} ${r.target} ${r.version}\r\n`;
  for (const [n, v] of headers) head += `${n}: ${v}\r\n`;
  head += '\r\n';
  const h = Buffer.from(head, 'latin1');
  return body ? Buffer.concat([h, body]) : h;
}

function chunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  const size = Math.max(1, Math.ceil(body.length / 3));
  for (let i = 0; i < body.length; i += size) {
    const c = body.subarray(i, i + size);
    parts.push(Buffer.from(c.length.toString(16) + '\r\n', 'latin1'), c, Buffer.from('\r\n', 'latin1'));
  }
  parts.push(Buffer.from('0\r\n\r\n', 'latin1'));
  return Buffer.concat(parts);
}

/** A short printable rendering of a request for reports (the head, and the body's start). */
export function describe(r: FidelityRequest, max = 600): string {
  const raw = serialize(r).toString('latin1');
  const printable = raw.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\xff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return printable.length > max ? printable.slice(0, max) + `… (${raw.length} bytes)` : printable;
}
