/**
 * Upstream connection pools: one undici Pool per upstream origin with HTTP/1.1 keep-alive,
 * and the mapping of upstream failures to gateway statuses.
 */
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import type { ProxyConfig, UpstreamConfig } from './config.js';

export interface UpstreamTimeouts {
  connect: number;
  headers: number;
  body: number;
  keepAlive: number;
}

export class Upstream {
  readonly name: string;
  readonly origin: string;
  readonly pool: Pool;
  readonly host: string;
  /** Identity of the settings; pools are reused across reloads when it does not change. */
  readonly key: string;

  constructor(cfg: UpstreamConfig, t: UpstreamTimeouts) {
    this.name = cfg.name;
    this.origin = cfg.url;
    this.host = new URL(cfg.url).host;
    this.key = JSON.stringify([cfg, t]);
    const connect: Record<string, unknown> = { timeout: t.connect };
    if (cfg.url.startsWith('https:')) {
      connect.rejectUnauthorized = cfg.tls.rejectUnauthorized;
      if (cfg.tls.ca) connect.ca = readFileSync(cfg.tls.ca);
      if (cfg.tls.servername) connect.servername = cfg.tls.servername;
    }
    this.pool = new Pool(cfg.url, {
      connections: cfg.connections,
      pipelining: 1,
      keepAliveTimeout: t.keepAlive,
      keepAliveMaxTimeout: Math.max(t.keepAlive, 60_000),
      headersTimeout: t.headers,
      bodyTimeout: t.body,
      connect,
    } as Pool.Options);
  }

  dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return this.pool.dispatch(opts, handler);
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  destroy(): Promise<void> {
    return this.pool.destroy();
  }
}

export function upstreamTimeouts(config: ProxyConfig): UpstreamTimeouts {
  return {
    connect: config.timeouts.upstreamConnect,
    headers: config.timeouts.upstreamHeaders,
    body: config.timeouts.upstreamBody,
    keepAlive: config.timeouts.keepAlive,
  };
}

/** Builds the pools for a config, reusing unchanged ones from `previous`. Returns also the pools no longer used. */
export function buildUpstreams(config: ProxyConfig, previous?: Map<string, Upstream>): { upstreams: Map<string, Upstream>; retired: Upstream[] } {
  const t = upstreamTimeouts(config);
  const out = new Map<string, Upstream>();
  const reused = new Set<Upstream>();
  for (const cfg of config.upstreams) {
    const candidate = previous?.get(cfg.name);
    const key = JSON.stringify([cfg, t]);
    if (candidate && candidate.key === key) {
      out.set(cfg.name, candidate);
      reused.add(candidate);
    } else out.set(cfg.name, new Upstream(cfg, t));
  }
  const retired = previous ? [...previous.values()].filter((u) => !reused.has(u)) : [];
  return { upstreams: out, retired };
}

/** Status for a failure before the upstream answered: 504 for timeouts, 502 otherwise. */
export function gatewayStatus(err: unknown): { status: 502 | 504; reason: string } {
  const code = (err as { code?: string } | null)?.code ?? '';
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { status: 504, reason: 'connect_timeout' };
    case 'UND_ERR_HEADERS_TIMEOUT':
      return { status: 504, reason: 'headers_timeout' };
    case 'UND_ERR_BODY_TIMEOUT':
      return { status: 504, reason: 'body_timeout' };
    case 'ECONNREFUSED':
      return { status: 502, reason: 'connection_refused' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { status: 502, reason: 'dns' };
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return { status: 502, reason: 'connection_reset' };
    case 'UND_ERR_INFO':
    case 'HPE_INVALID_CONSTANT':
    case 'UND_ERR_RESPONSE_STATUS_CODE':
      return { status: 502, reason: 'invalid_response' };
    default:
      if (code.startsWith('HPE_')) return { status: 502, reason: 'invalid_response' };
      if (/CERT|SSL|TLS/i.test(code)) return { status: 502, reason: 'tls' };
      return { status: 502, reason: 'upstream_error' };
  }
}
