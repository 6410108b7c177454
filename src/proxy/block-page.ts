/**
 * The pages vpatch answers with itself: blocked requests, rejected requests, upstream and
 * engine failures. They carry the status, a one-line explanation and the request id (so a
 * user can quote it to the operator, who finds the transaction in the audit log) and nothing
 * else: no rule id, message, product name or version, matched data or upstream detail.
 * HTML or JSON by the Accept header.
 */
import { STATUS_CODES } from 'node:http';

const EXPLANATIONS: Record<number, string> = {
  400: 'The request could not be understood.',
  403: 'This request was blocked by the security policy.',
  404: 'No service is configured for this address.',
  405: 'This method is not allowed here.',
  408: 'The request took too long to arrive.',
  413: 'The request body is too large.',
  414: 'The request target is too long.',
  500: 'The request could not be processed.',
  501: 'This request is not supported.',
  502: 'The service behind this address is unavailable.',
  503: 'The request could not be inspected and was not forwarded.',
  504: 'The service behind this address did not answer in time.',
};

export function explanation(status: number): string {
  return EXPLANATIONS[status] ?? (status >= 500 ? EXPLANATIONS[500]! : status === 403 ? EXPLANATIONS[403]! : 'The request was refused.');
}

/** True when the client prefers JSON over HTML (q-values honoured; HTML on ties and by default). */
export function prefersJson(accept: string | undefined): boolean {
  if (!accept) return false;
  let html = -1;
  let json = -1;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p);
      if (m) q = Number(m[1]);
    }
    if (type === 'application/json' || (type && /^application\/[a-z0-9.-]+\+json$/.test(type))) json = Math.max(json, q);
    else if (type === 'text/html' || type === 'application/xhtml+xml') html = Math.max(html, q);
    else if (type === '*/*' || type === 'text/*') html = Math.max(html, q * 0.999);
    else if (type === 'application/*') json = Math.max(json, q * 0.999);
  }
  return json > 0 && json > html;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface Page {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** A page for `status`, negotiated from Accept; `requestId` must already be a safe token. */
export function renderPage(status: number, requestId: string, accept: string | undefined, requestIdHeader = 'x-request-id'): Page {
  const title = STATUS_CODES[status] ?? 'Error';
  const text = explanation(status);
  let body: string;
  let type: string;
  if (prefersJson(accept)) {
    type = 'application/json; charset=utf-8';
    body = JSON.stringify({ status, error: title, message: text, requestId }) + '\n';
  } else {
    type = 'text/html; charset=utf-8';
    const id = escapeHtml(requestId);
    body =
      `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${status} ${escapeHtml(title)}</title>` +
      `<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">` +
      `<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}code{background:#f2f2f2;padding:.1rem .3rem}</style></head>` +
      `<body><h1>${status} ${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>` +
      `<p>If you believe this is a mistake, contact the site operator and quote request id <code>${id}</code>.</p></body></html>\n`;
  }
  const buf = Buffer.from(body, 'utf8');
  return {
    status,
    body: buf,
    headers: {
      'content-type': type,
      'content-length': String(buf.length),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      [requestIdHeader]: requestId,
    },
  };
}

/** A complete raw HTTP/1.1 response (for sockets the HTTP server has given up on). */
export function rawResponse(page: Page, extra: Record<string, string> = { connection: 'close' }): Buffer {
  const head = [`HTTP/1.1 ${page.status} ${STATUS_CODES[page.status] ?? 'Error'}`];
  for (const [k, v] of Object.entries({ ...page.headers, ...extra })) head.push(`${k}: ${v}`);
  return Buffer.concat([Buffer.from(head.join('\r\n') + '\r\n\r\n', 'latin1'), page.body]);
}
