/**
 * The HTTP/1.1 front end: Node's llhttp parser in strict mode plus the checks it leaves
 * out, so that a request two servers could read differently never reaches the engine or an
 * upstream. Everything here answers 400 (414 for an over-long target) and closes the
 * connection, since after a framing doubt nothing more on it can be trusted.
 *
 * Rejected by llhttp (strict, `insecureHTTPParser: false`), answered by onClientError:
 *   Content-Length together with Transfer-Encoding; duplicate or non-numeric Content-Length;
 *   Transfer-Encoding whose last coding is not chunked; invalid chunk sizes and missing CRLF
 *   after chunk data; bare CR or bare LF as line ends; obs-fold continuation lines; NUL and
 *   other control characters in header names or values; whitespace before the colon;
 *   invalid request-target characters; a head larger than maxHeaderSize.
 * Rejected here (checkRequest), before routing:
 *   any Transfer-Encoding other than exactly one `chunked` (e.g. `identity, chunked`, two TE
 *   fields); Transfer-Encoding on HTTP/1.0; HTTP versions other than 1.0/1.1; missing,
 *   repeated or malformed Host; repeated Content-Type; absolute-form targets whose
 *   authority differs from Host; fragments or non-origin targets; too many header fields.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { headerCount } from './headers.js';

export interface FrontEndLimits {
  maxHeaders: number;
  maxUriLength: number;
}

export interface Rejection {
  status: 400 | 414 | 501;
  /** Stable reason code (metrics label, logs). */
  reason: string;
}

const HOST_RE = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * Checks what llhttp leaves open. Returns null for an acceptable request. `target` is
 * set to the origin-form target to forward (absolute-form is converted).
 */
export function checkRequest(req: IncomingMessage, limits: FrontEndLimits): Rejection | null {
  if (req.httpVersionMajor !== 1 || (req.httpVersionMinor !== 0 && req.httpVersionMinor !== 1)) return { status: 400, reason: 'http_version' };
  const raw = req.rawHeaders;
  if (raw.length / 2 > limits.maxHeaders) return { status: 400, reason: 'too_many_headers' };
  const url = req.url ?? '';
  if (url.length > limits.maxUriLength) return { status: 414, reason: 'uri_too_long' };

  let te = 0;
  let teValue = '';
  let host = 0;
  let hostValue = '';
  let ctype = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    // Cheap first-letter filter before the case-insensitive compare.
    const c = name.charCodeAt(0) | 0x20;
    if (c === 0x74 /* t */ && name.length === 17 && name.toLowerCase() === 'transfer-encoding') {
      te++;
      teValue = raw[i + 1]!;
    } else if (c === 0x68 /* h */ && name.length === 4 && name.toLowerCase() === 'host') {
      host++;
      hostValue = raw[i + 1]!;
    } else if (c === 0x63 /* c */ && name.length === 12 && name.toLowerCase() === 'content-type') {
      ctype++;
    }
  }
  if (te > 0) {
    if (te > 1) return { status: 400, reason: 'te_repeated' };
    if (teValue.trim().toLowerCase() !== 'chunked') return { status: 400, reason: 'te_obfuscated' };
    if (req.httpVersionMinor === 0) return { status: 400, reason: 'te_http10' };
  }
  if (host > 1) return { status: 400, reason: 'host_repeated' };
  if (host === 0 && req.httpVersionMinor === 1) return { status: 400, reason: 'host_missing' };
  if (host === 1 && !HOST_RE.test(hostValue)) return { status: 400, reason: 'host_invalid' };
  if (ctype > 1) return { status: 400, reason: 'content_type_repeated' };

  if (url.includes('#')) return { status: 400, reason: 'target_fragment' };
  if (url.charCodeAt(0) !== 0x2f /* / */) {
    if (url === '*' && req.method === 'OPTIONS') return { status: 501, reason: 'target_asterisk' };
    const m = /^https?:\/\/([^/?#@]*)/i.exec(url);
    if (!m) return { status: 400, reason: 'target_form' };
    if (host === 1 && m[1]!.toLowerCase() !== hostValue.toLowerCase()) return { status: 400, reason: 'target_host_mismatch' };
  }
  return null;
}

/** The origin-form of a checked target (absolute-form `http://h/p?q` → `/p?q`). */
export function originForm(url: string): string {
  if (url.charCodeAt(0) === 0x2f) return url;
  const m = /^https?:\/\/[^/?#]*/i.exec(url);
  if (!m) return url;
  const rest = url.slice(m[0].length);
  return rest.startsWith('/') ? rest : '/' + rest;
}

/** Reason code for an llhttp / server error handed to `clientError`. */
export function clientErrorReason(err: NodeJS.ErrnoException): { status: number; reason: string } | null {
  const code = err.code ?? '';
  if (code === 'ECONNRESET' || code === 'EPIPE') return null;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, reason: 'request_timeout' };
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 400, reason: 'header_overflow' };
  if (code.startsWith('HPE_')) return { status: 400, reason: code.slice(4).toLowerCase() };
  return { status: 400, reason: 'bad_request' };
}

/** Ends a socket after writing `data`, without waiting forever for the peer. */
export function endSocket(socket: Duplex, data: Buffer): void {
  if (socket.destroyed) return;
  if ((socket as { writable?: boolean }).writable) socket.end(data);
  const t = setTimeout(() => socket.destroy(), 2000);
  t.unref();
  socket.once('close', () => clearTimeout(t));
}

export { headerCount };
