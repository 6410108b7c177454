/**
 * Sends one request's bytes over a fresh loopback connection and reads the final response
 * (interim 1xx responses, e.g. `100 Continue`, are skipped).
 */
import { connect } from 'node:net';

export interface Response {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
}

export interface Exchange {
  response: Response | null;
  /** Transport error or timeout. */
  error: string | null;
  /** The client's local port (identifies the connection on the server side). */
  localPort: number;
}

export function header(r: Response, name: string): string | undefined {
  const n = name.toLowerCase();
  return r.headers.find(([k]) => k.toLowerCase() === n)?.[1];
}

interface Head {
  status: number;
  headers: Array<[string, string]>;
  end: number;
}

function parseHead(data: Buffer, from: number): Head | 'incomplete' | 'bad' {
  const end = data.indexOf('\r\n\r\n', from, 'latin1');
  if (end < 0) return 'incomplete';
  const lines = data.subarray(from, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/\d\.\d (\d{3})/.exec(lines[0] ?? '');
  if (!m) return 'bad';
  const headers: Array<[string, string]> = [];
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers.push([line.slice(0, i), line.slice(i + 1).trim()]);
  }
  return { status: Number(m[1]), headers, end: end + 4 };
}

function dechunk(data: Buffer): Buffer | null {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', pos, 'latin1');
    if (eol < 0) return null;
    const size = parseInt(data.subarray(pos, eol).toString('latin1').split(';')[0]!.trim(), 16);
    if (Number.isNaN(size)) return Buffer.concat(parts);
    pos = eol + 2;
    if (size === 0) return Buffer.concat(parts);
    if (data.length < pos + size + 2) return null;
    parts.push(data.subarray(pos, pos + size));
    pos += size + 2;
  }
}

export function exchange(port: number, bytes: Buffer, opts: { method: string; timeoutMs?: number; host?: string }): Promise<Exchange> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    let localPort = 0;
    const socket = connect({ host: opts.host ?? '127.0.0.1', port });
    const timer = setTimeout(() => finish(true, 'timeout'), opts.timeoutMs ?? 15000);

    function finish(closed: boolean, why?: string): void {
      if (settled) return;
      const data = Buffer.concat(chunks);
      let from = 0;
      for (;;) {
        const head = parseHead(data, from);
        if (head === 'incomplete' || head === 'bad') {
          if (closed || why) done(null, why ?? (head === 'bad' ? 'malformed response' : data.length === 0 ? 'connection closed without a response' : 'truncated response head'));
          return;
        }
        if (head.status >= 100 && head.status < 200) {
          from = head.end;
          continue;
        }
        const rest = data.subarray(head.end);
        const te = head.headers.find(([k]) => k.toLowerCase() === 'transfer-encoding')?.[1];
        const cl = head.headers.find(([k]) => k.toLowerCase() === 'content-length')?.[1];
        let body: Buffer | null;
        if (opts.method === 'HEAD' || head.status === 204 || head.status === 304) body = Buffer.alloc(0);
        else if (te && /chunked/i.test(te)) body = dechunk(rest) ?? (closed ? rest : null);
        else if (cl !== undefined && /^\d+$/.test(cl)) body = rest.length >= Number(cl) ? rest.subarray(0, Number(cl)) : closed ? rest : null;
        else body = closed || why ? rest : null;
        if (body === null) {
          if (why) done(null, why);
          return;
        }
        done({ status: head.status, headers: head.headers, body }, null);
        return;
      }
    }

    function done(response: Response | null, error: string | null): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ response, error, localPort });
    }

    socket.on('connect', () => {
      localPort = socket.localPort ?? 0;
      socket.write(bytes);
    });
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      finish(false);
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // A reset after the response arrived still leaves a usable response.
      finish(true, chunks.length === 0 ? `${err.code ?? 'error'}: ${err.message}` : undefined);
      if (!settled) done(null, `${err.code ?? 'error'}: ${err.message}`);
    });
  });
}
