/**
 * The bare Node reverse proxy of `npm run bench`: the speed of light for a Node data plane.
 * node:http in front, an undici Pool (HTTP/1.1 keep-alive, same settings as vpatch's
 * upstream pools) behind, no inspection and no logging. It does what any correct reverse
 * proxy must do and nothing more: drop hop-by-hop fields both ways, add X-Forwarded-For,
 * forward the body (buffered when it has a Content-Length up to 1 MB, which is the cheapest
 * way to hand a small body to undici; streamed otherwise) and stream the response back with
 * backpressure. Upstream failures become 502.
 *
 *   node dist/bench/proxy/bare-proxy.js --listen 127.0.0.1:PORT --upstream http://127.0.0.1:PORT
 */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
const BUFFER_LIMIT = 1024 * 1024;

function strip(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (!HOP_BY_HOP.has(raw[i]!.toLowerCase())) out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

function badGateway(res: ServerResponse): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(502, { 'content-type': 'text/plain', 'content-length': '12' });
  res.end('bad gateway\n');
}

export function createBareProxy(upstream: string, connections = 128): { server: http.Server; pool: Pool } {
  const pool = new Pool(upstream, { connections, pipelining: 1, keepAliveTimeout: 5_000, keepAliveMaxTimeout: 60_000, headersTimeout: 60_000, bodyTimeout: 60_000 } as Pool.Options);

  const dispatch = (req: IncomingMessage, res: ServerResponse, body: Buffer | IncomingMessage | null): void => {
    const headers = strip(req.rawHeaders);
    headers.push('x-forwarded-for', req.socket.remoteAddress ?? '');
    let aborted = false;
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(controller) {
        res.once('close', () => {
          if (!res.writableFinished && !controller.aborted) {
            aborted = true;
            controller.abort(new Error('client closed'));
          }
        });
      },
      onResponseStart(controller, statusCode) {
        const rawH = (controller.rawHeaders ?? []) as (Buffer | string)[];
        const flat: string[] = new Array(rawH.length);
        for (let i = 0; i < rawH.length; i++) flat[i] = typeof rawH[i] === 'string' ? (rawH[i] as string) : (rawH[i] as Buffer).toString('latin1');
        res.writeHead(statusCode, strip(flat) as unknown as http.OutgoingHttpHeaders);
      },
      onResponseData(controller, chunk) {
        if (!res.write(chunk)) {
          controller.pause();
          res.once('drain', () => controller.resume());
        }
      },
      onResponseEnd() {
        res.end();
      },
      onResponseError(_controller, _err) {
        if (!aborted) badGateway(res);
      },
    };
    pool.dispatch({ method: req.method ?? 'GET', path: req.url ?? '/', headers, body }, handler);
  };

  const server = http.createServer({ keepAliveTimeout: 5_000, noDelay: true }, (req, res) => {
    const cl = req.headers['content-length'];
    if (cl === undefined && req.headers['transfer-encoding'] === undefined) {
      dispatch(req, res, null);
      return;
    }
    if (cl !== undefined && Number(cl) <= BUFFER_LIMIT) {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => dispatch(req, res, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
      req.on('error', () => res.destroy());
      return;
    }
    dispatch(req, res, req);
  });
  return { server, pool };
}

function main(): void {
  const args = process.argv.slice(2);
  const flag = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const listen = flag('--listen') ?? '127.0.0.1:8081';
  const upstream = flag('--upstream');
  if (!upstream) {
    process.stderr.write('usage: bare-proxy --listen HOST:PORT --upstream URL\n');
    process.exit(2);
  }
  const colon = listen.lastIndexOf(':');
  const { server, pool } = createBareProxy(upstream);
  server.listen(Number(listen.slice(colon + 1)), listen.slice(0, colon), () => {
    process.stdout.write(`bare proxy listening on ${listen} -> ${upstream}\n`);
  });
  const stop = (): void => {
    server.close();
    server.closeAllConnections();
    void pool.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] && /bare-proxy\.js$/.test(process.argv[1])) main();
