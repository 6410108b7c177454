/**
 * The admin listener: GET /metrics (Prometheus), GET /healthz (process alive), GET /readyz
 * (listeners bound, rule set loaded, not draining), POST /reload (recompile config and rules;
 * 200 with the new generation, or 422 with the compile error while the old set stays active),
 * GET /status (JSON summary). Loopback by default; bound elsewhere it requires
 * `Authorization: Bearer <token>` on every path except /healthz and /readyz (probes).
 */
import http from 'node:http';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { HostPort } from './config.js';

export interface AdminHooks {
  metrics(): Promise<{ contentType: string; body: string }>;
  ready(): boolean;
  reload(): Promise<{ ok: boolean; [k: string]: unknown }>;
  status(): unknown;
}

function sameToken(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export class AdminServer {
  private readonly server: http.Server;
  constructor(private readonly hooks: AdminHooks, private readonly token: string | null) {
    this.server = http.createServer({ requireHostHeader: false }, (req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5000;
  }

  listen(hp: HostPort): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(hp.port, hp.host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  address(): AddressInfo | null {
    return (this.server.address() as AddressInfo | null) ?? null;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private send(res: http.ServerResponse, status: number, body: unknown, type = 'application/json'): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body) + '\n';
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) return this.send(res, 200, 'ok\n', 'text/plain');
      if (path === '/readyz' && (req.method === 'GET' || req.method === 'HEAD')) {
        const ok = this.hooks.ready();
        return this.send(res, ok ? 200 : 503, ok ? 'ready\n' : 'not ready\n', 'text/plain');
      }
      if (this.token !== null) {
        const auth = req.headers.authorization ?? '';
        const m = /^Bearer\s+(\S+)$/i.exec(auth);
        if (!m || !sameToken(m[1]!, this.token)) {
          res.setHeader('www-authenticate', 'Bearer');
          return this.send(res, 401, { error: 'unauthorized' });
        }
      }
      if (path === '/metrics' && req.method === 'GET') {
        const { contentType, body } = await this.hooks.metrics();
        return this.send(res, 200, body, contentType);
      }
      if (path === '/reload') {
        if (req.method !== 'POST') return this.send(res, 405, { error: 'use POST' });
        const result = await this.hooks.reload();
        return this.send(res, result.ok ? 200 : 422, result);
      }
      if (path === '/status' && req.method === 'GET') return this.send(res, 200, this.hooks.status());
      return this.send(res, 404, { error: 'not found' });
    } catch (err) {
      return this.send(res, 500, { error: (err as Error).message });
    }
  }
}
