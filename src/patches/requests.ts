/** Turns a patch test case into the exact HTTP request it stands for. */
import type { TestRequest } from './types.js';

export interface WireRequest {
  method: string;
  /** Raw request target, as sent. */
  target: string;
  headers: Array<[string, string]>;
  body: Buffer;
}

const BOUNDARY = '----vpatchTestBoundary7MA4YWxkTrZu0gW';

export function buildRequest(t: TestRequest, host = 'localhost'): WireRequest {
  const headers: Array<[string, string]> = Array.isArray(t.headers) ? t.headers.map(([n, v]) => [n, v]) : Object.entries(t.headers ?? {});
  const has = (name: string) => headers.some(([n]) => n.toLowerCase() === name.toLowerCase());
  let body = Buffer.alloc(0);
  let contentType: string | undefined;
  if (t.body !== undefined) body = Buffer.from(t.body, 'utf8');
  else if (t.bodyBase64 !== undefined) body = Buffer.from(t.bodyBase64, 'base64');
  else if (t.form !== undefined) {
    body = Buffer.from(Object.entries(t.form).map(([k, v]) => `${k}=${v}`).join('&'), 'utf8');
    contentType = 'application/x-www-form-urlencoded';
  } else if (t.json !== undefined) {
    body = Buffer.from(typeof t.json === 'string' ? t.json : JSON.stringify(t.json), 'utf8');
    contentType = 'application/json';
  } else if (t.xml !== undefined) {
    body = Buffer.from(t.xml, 'utf8');
    contentType = 'application/xml';
  } else if (t.multipart !== undefined) {
    const parts = t.multipart.map((p) => {
      let h = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${p.name}"`;
      if (p.filename !== undefined) h += `; filename="${p.filename}"`;
      h += '\r\n';
      if (p.contentType !== undefined || p.filename !== undefined) h += `Content-Type: ${p.contentType ?? 'application/octet-stream'}\r\n`;
      return `${h}\r\n${p.value ?? ''}\r\n`;
    });
    body = Buffer.from(parts.join('') + `--${BOUNDARY}--\r\n`, 'utf8');
    contentType = `multipart/form-data; boundary=${BOUNDARY}`;
  }
  const method = (t.method ?? (body.length > 0 ? 'POST' : 'GET')).toUpperCase();
  const out: Array<[string, string]> = [];
  if (!has('host')) out.push(['Host', host]);
  if (!has('user-agent')) out.push(['User-Agent', 'vpatch-test/1.0']);
  if (!has('accept')) out.push(['Accept', '*/*']);
  out.push(...headers);
  if (t.cookies && Object.keys(t.cookies).length > 0) out.push(['Cookie', Object.entries(t.cookies).map(([k, v]) => `${k}=${v}`).join('; ')]);
  if (contentType && !has('content-type')) out.push(['Content-Type', contentType]);
  if ((body.length > 0 || ['POST', 'PUT', 'PATCH'].includes(method)) && !has('content-length') && !has('transfer-encoding')) out.push(['Content-Length', String(body.length)]);
  return { method, target: t.uri, headers: out, body };
}

/** Short description of a case for reports. */
export function describeRequest(t: TestRequest): string {
  const r = buildRequest(t);
  const target = r.target.length > 90 ? r.target.slice(0, 87) + '...' : r.target;
  return t.name ? `${t.name} (${r.method} ${target})` : `${r.method} ${target}`;
}

/** Serialises a request for the wire (HTTP/1.1, Connection: close). */
export function serializeRequest(r: WireRequest, host: string): Buffer {
  const lines = [`${r.method} ${r.target} HTTP/1.1`];
  let sawHost = false;
  let sawConnection = false;
  for (const [n, v] of r.headers) {
    if (n.toLowerCase() === 'host') {
      sawHost = true;
      lines.push(`Host: ${host}`);
      continue;
    }
    if (n.toLowerCase() === 'connection') sawConnection = true;
    lines.push(`${n}: ${v}`);
  }
  if (!sawHost) lines.push(`Host: ${host}`);
  // the client reads the status line and closes; a case's own Connection header is sent as written
  if (!sawConnection) lines.push('Connection: close');
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'utf8'), r.body]);
}
