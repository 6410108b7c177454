/**
 * Sends prebuilt request bytes over a fresh TCP connection and reads one HTTP response the
 * way go-ftw does (Go's `http.ReadResponse`): a transport error is a failed connect, a
 * connection closed before a complete status line and header block, an unparsable status
 * line, or a read timeout before the head arrives.
 */
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  statusLine: string;
  headers: Array<[string, string]>;
  body: Buffer;
  /** Everything read from the connection (status line, headers, body). */
  raw: Buffer;
}

export interface RawExchange {
  response: RawResponse | null;
  /** Transport-level error, as go-ftw would see it. */
  error: string | null;
  /** Local (client) port of the connection, which identifies it on the server side. */
  localPort: number;
}

export interface SendOptions {
  host: string;
  port: number;
  /** Read timeout after the request is written (go-ftw: 1 s default, Coraza: 3 s). */
  timeoutMs: number;
  /** Called once connected, before anything is written. */
  onConnect?: (localPort: number) => void;
  /** The request's method (for HEAD: no response body). */
  method?: string;
}

function parseHead(head: string): { status: number; statusLine: string; headers: Array<[string, string]> } | string {
  const lines = head.split('\r\n');
  const statusLine = lines[0] ?? '';
  const m = /^HTTP\/(\d)\.(\d) (\d{3})(?: .*)?$/.exec(statusLine) ?? /^HTTP\/(\d)\.(\d) (\d{3})$/.exec(statusLine);
  if (!m) return `malformed HTTP response ${JSON.stringify(statusLine)}`;
  const headers: Array<[string, string]> = [];
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return `malformed MIME header line: ${line}`;
    headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return { status: Number(m[3]), statusLine, headers };
}

/** Body length rule: Content-Length, chunked, none (HEAD/1xx/204/304) or until close (-1). */
function bodyFraming(status: number, headers: Array<[string, string]>, method: string | undefined): { kind: 'none' } | { kind: 'length'; n: number } | { kind: 'chunked' } | { kind: 'close' } {
  if (method === 'HEAD' || (status >= 100 && status < 200) || status === 204 || status === 304) return { kind: 'none' };
  const te = headers.find(([k]) => k.toLowerCase() === 'transfer-encoding');
  if (te && /chunked/i.test(te[1])) return { kind: 'chunked' };
  const cl = headers.find(([k]) => k.toLowerCase() === 'content-length');
  if (cl && /^\d+$/.test(cl[1])) return { kind: 'length', n: Number(cl[1]) };
  return { kind: 'close' };
}

/** Decodes a complete chunked body; null while incomplete. */
function dechunk(data: Buffer): Buffer | null {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', pos, 'latin1');
    if (eol < 0) return null;
    const size = parseInt(data.subarray(pos, eol).toString('latin1').split(';')[0]!.trim(), 16);
    if (Number.isNaN(size)) return Buffer.concat(parts); // give up gracefully
    pos = eol + 2;
    if (size === 0) {
      // trailers until an empty line
      const end = data.indexOf('\r\n\r\n', pos - 2, 'latin1');
      return end < 0 ? null : Buffer.concat(parts);
    }
    if (data.length < pos + size + 2) return null;
    parts.push(data.subarray(pos, pos + size));
    pos += size + 2;
  }
}

export function sendRaw(bytes: Buffer, options: SendOptions): Promise<RawExchange> {
  return new Promise((resolve) => {
    let settled = false;
    let localPort = 0;
    const received: Buffer[] = [];
    let receivedSize = 0;
    let head: ReturnType<typeof parseHead> | null = null;
    let headEnd = -1;
    let timer: NodeJS.Timeout | undefined;
    const socket: Socket = connect({ host: options.host, port: options.port });

    const done = (exchange: Omit<RawExchange, 'localPort'>): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      socket.destroy();
      resolve({ ...exchange, localPort });
    };

    const all = (): Buffer => Buffer.concat(received, receivedSize);

    const tryComplete = (closed: boolean): void => {
      const data = all();
      if (head === null) {
        headEnd = data.indexOf('\r\n\r\n', 0, 'latin1');
        if (headEnd < 0) {
          if (closed) done({ response: null, error: data.length === 0 ? 'EOF: connection closed without a response' : 'unexpected EOF in response head' });
          return;
        }
        head = parseHead(data.subarray(0, headEnd).toString('latin1'));
        if (typeof head === 'string') {
          done({ response: null, error: head });
          return;
        }
      }
      if (typeof head === 'string') return;
      const h = head;
      const bodyStart = headEnd + 4;
      const framing = bodyFraming(h.status, h.headers, options.method);
      const rest = data.subarray(bodyStart);
      let body: Buffer | null = null;
      if (framing.kind === 'none') body = Buffer.alloc(0);
      else if (framing.kind === 'length') body = rest.length >= framing.n ? rest.subarray(0, framing.n) : closed ? rest : null;
      else if (framing.kind === 'chunked') body = dechunk(rest) ?? (closed ? rest : null);
      else body = closed ? rest : null;
      if (body === null) return;
      done({ response: { status: h.status, statusLine: h.statusLine, headers: h.headers, body, raw: data }, error: null });
    };

    socket.on('connect', () => {
      localPort = socket.localPort ?? 0;
      options.onConnect?.(localPort);
      socket.write(bytes);
      timer = setTimeout(() => {
        if (head !== null && typeof head !== 'string') tryComplete(true); // head arrived: keep what we have
        else done({ response: null, error: `i/o timeout after ${options.timeoutMs} ms` });
      }, options.timeoutMs);
    });
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      receivedSize += chunk.length;
      tryComplete(false);
    });
    socket.on('end', () => tryComplete(true));
    socket.on('close', () => tryComplete(true));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (head !== null && typeof head !== 'string') tryComplete(true);
      else done({ response: null, error: err.code ? `${err.code}: ${err.message}` : err.message });
    });
  });
}
