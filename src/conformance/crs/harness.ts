/**
 * The in-process test server: `node:http` on loopback, the WAF adapter in front of the
 * albedo-compatible backend. Transactions are collected per client connection (keyed by the
 * client's port), so a stage's log slice is exactly what its own connection produced — no
 * log markers needed.
 */
import { createServer, type Server, type ServerOptions } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { wrapHandler, getTransaction, type AdapterWaf, type AdapterTransaction } from '../../adapters/node-http.js';
import type { MatchedRule } from '../../engine/api-types.js';
import { albedoHandler } from './albedo.js';

interface ConnectionEntry {
  rules: MatchedRule[];
  errors: string[];
  transactions: number;
  pending: number;
  closed: boolean;
  waiters: Array<() => void>;
}

export interface CollectedConnection {
  rules: MatchedRule[];
  /** Engine or adapter errors on this connection. */
  errors: string[];
  /** Transactions the engine ran on this connection (0: the front end answered alone). */
  transactions: number;
}

export interface Harness {
  host: string;
  port: number;
  server: Server;
  /** Resolves with the matched rules once the connection from `clientPort` is closed and its transactions are done. */
  collect(clientPort: number, timeoutMs: number): Promise<CollectedConnection | null>;
  close(): Promise<void>;
}

/**
 * HTTP server options for the front end. Node's defaults, except that a missing Host header
 * is left to the WAF (rule 920280) instead of being answered with 400 by Node.
 */
export const FRONT_END_OPTIONS: ServerOptions = { requireHostHeader: false };

export async function startHarness(waf: AdapterWaf, serverOptions: ServerOptions = FRONT_END_OPTIONS): Promise<Harness> {
  const entries = new Map<number, ConnectionEntry>();
  const entry = (port: number): ConnectionEntry => {
    let e = entries.get(port);
    if (!e) {
      e = { rules: [], errors: [], transactions: 0, pending: 0, closed: false, waiters: [] };
      entries.set(port, e);
    }
    return e;
  };
  const settle = (e: ConnectionEntry): void => {
    if (e.closed && e.pending === 0) for (const w of e.waiters.splice(0)) w();
  };

  const wrapped = wrapHandler(waf, albedoHandler, {
    onTransaction: (tx: AdapterTransaction, info) => {
      const e = entry(info.req.socket.remotePort ?? 0);
      e.rules.push(...tx.matchedRules);
      e.transactions++;
      e.pending--;
      settle(e);
    },
    onError: (err, req) => {
      const e = entry(req.socket.remotePort ?? 0);
      e.errors.push(err instanceof Error ? err.message : String(err));
      // Without a transaction no onTransaction follows.
      if (!getTransaction(req)) {
        e.pending--;
        settle(e);
      }
    },
  });
  const server = createServer(serverOptions, (req, res) => {
    entry(req.socket.remotePort ?? 0).pending++;
    wrapped(req, res);
  });
  server.on('connection', (socket: Socket) => {
    const port = socket.remotePort ?? 0;
    const e = entry(port);
    socket.once('close', () => {
      // Let any 'close' handlers of responses on this socket (phase 5) run first.
      setImmediate(() => {
        e.closed = true;
        settle(e);
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    host: '127.0.0.1',
    port,
    server,
    collect(clientPort, timeoutMs) {
      const e = entry(clientPort);
      return new Promise((resolve) => {
        const finish = (ok: boolean): void => {
          clearTimeout(timer);
          if (entries.get(clientPort) === e) entries.delete(clientPort);
          resolve(ok ? { rules: e.rules, errors: e.errors, transactions: e.transactions } : null);
        };
        const timer = setTimeout(() => finish(false), timeoutMs);
        e.waiters.push(() => finish(true));
        settle(e);
      });
    },
    close() {
      return new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
