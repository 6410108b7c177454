/**
 * The vpatch side: the same CRS and settings compiled with `Waf.compile`, served through the
 * `node:http` adapter (`wrapHandler`) on loopback, in front of a handler that answers 200
 * with the same marker header as the oracle's upstream. The client sends both sides the
 * same bytes. Each connection's outcome is recorded under the client's port: the
 * transaction (status, interruption, matched rules), or the front end rejecting the
 * request before the engine saw it.
 *
 * Two front ends: `adapter` is Node's HTTP server as a library user gets it (llhttp, its
 * default options, a 64 KB head limit like the oracle's nginx); `serve` adds what
 * `vpatch serve` puts before the engine — its server options and its request checks
 * (`checkRequest` in src/proxy/frontend.ts: Host, Transfer-Encoding, version, target form)
 * with its default limits (16 KB head, 100 header fields, 8 KB target).
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { Waf, type CompiledWaf } from '../../src/engine/index.js';
import { wrapHandler } from '../../src/adapters/node-http.js';
import { checkRequest } from '../../src/proxy/frontend.js';
import type { Interruption, MatchedRule } from '../../src/engine/api-types.js';
import { baseConf, crsSetupFile, paranoiaConf, type Settings } from './settings.js';
import { UPSTREAM_MARKER } from './oracle.js';

export interface VpatchRecord {
  /** The engine saw the request (a transaction ran). */
  transaction: boolean;
  interruption: Interruption | null;
  matched: MatchedRule[];
  /** Node's HTTP parser rejected the request (error code), or the adapter failed. */
  frontEndError?: string;
}

export function compileVpatchWaf(settings: Settings): CompiledWaf {
  return Waf.compile([
    { text: baseConf(), name: 'fidelity-base.conf' },
    { file: crsSetupFile(settings.crsDir) },
    { text: paranoiaConf(settings.paranoia), name: 'fidelity-paranoia.conf' },
    { file: join(settings.crsDir, 'rules', '*.conf') },
  ]);
}

export type FrontEnd = 'adapter' | 'serve';

/** `vpatch serve`'s default limits (src/proxy/config.ts). */
const SERVE_LIMITS = { maxHeaderSize: 16 * 1024, maxHeaders: 100, maxUriLength: 8 * 1024 };

export class VpatchServer {
  private readonly byPort = new Map<number, VpatchRecord[]>();
  private readonly waiters = new Map<number, Array<(r: VpatchRecord) => void>>();

  private constructor(private readonly server: Server, readonly port: number, readonly waf: CompiledWaf) {}

  static async start(settings: Settings, waf = compileVpatchWaf(settings), frontEnd: FrontEnd = 'adapter'): Promise<VpatchServer> {
    let self: VpatchServer | undefined;
    // The client port, taken when the request arrives (the socket is detached by the time a
    // response has closed).
    const ports = new WeakMap<object, number>();
    const portOf = (req: { socket: { remotePort?: number } | null }): number => ports.get(req) ?? req.socket?.remotePort ?? 0;
    const handler = wrapHandler(waf, (req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'text/plain', [UPSTREAM_MARKER]: '1' });
      res.end('ok\n');
    }, {
      onTransaction: (tx, info) => {
        self?.push(portOf(info.req), { transaction: true, interruption: info.interruption, matched: [...tx.matchedRules] });
      },
      onError: (err, req) => {
        self?.push(portOf(req), { transaction: false, interruption: null, matched: [], frontEndError: `adapter error: ${String(err)}` });
      },
    });
    const options = frontEnd === 'serve'
      ? ({ insecureHTTPParser: false, maxHeaderSize: SERVE_LIMITS.maxHeaderSize, requireHostHeader: false, joinDuplicateHeaders: false } as Parameters<typeof createServer>[0])
      : { maxHeaderSize: 64 * 1024 };
    const server = createServer(options, (req, res) => {
      ports.set(req, req.socket.remotePort ?? 0);
      if (frontEnd === 'serve') {
        const rejection = checkRequest(req, SERVE_LIMITS);
        if (rejection) {
          self?.push(req.socket.remotePort ?? 0, { transaction: false, interruption: null, matched: [], frontEndError: `serve ${rejection.reason}` });
          req.resume();
          res.writeHead(rejection.status, { Connection: 'close', 'Content-Length': 0 });
          res.end();
          return;
        }
      }
      handler(req, res);
    });
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      self?.push((socket as import('node:net').Socket).remotePort ?? 0, { transaction: false, interruption: null, matched: [], frontEndError: err.code ?? err.message });
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    self = new VpatchServer(server, port, waf);
    return self;
  }

  private push(port: number, rec: VpatchRecord): void {
    const w = this.waiters.get(port);
    if (w && w.length > 0) {
      w.shift()!(rec);
      if (w.length === 0) this.waiters.delete(port);
      return;
    }
    const list = this.byPort.get(port) ?? [];
    list.push(rec);
    this.byPort.set(port, list);
  }

  /**
   * The record for the connection from `port`; `null` when none arrives within `timeoutMs`
   * (Node answered without running the handler, e.g. a missing Host on HTTP/1.1).
   */
  take(port: number, timeoutMs = 1000): Promise<VpatchRecord | null> {
    const list = this.byPort.get(port);
    if (list && list.length > 0) {
      const r = list.shift()!;
      if (list.length === 0) this.byPort.delete(port);
      return Promise.resolve(r);
    }
    return new Promise((resolve) => {
      const waiter = (r: VpatchRecord): void => {
        clearTimeout(t);
        resolve(r);
      };
      const t = setTimeout(() => {
        const w = this.waiters.get(port);
        if (w) {
          const i = w.indexOf(waiter);
          if (i >= 0) w.splice(i, 1);
          if (w.length === 0) this.waiters.delete(port);
        }
        resolve(null);
      }, timeoutMs);
      const w = this.waiters.get(port) ?? [];
      w.push(waiter);
      this.waiters.set(port, w);
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections?.();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
