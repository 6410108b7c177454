/**
 * A running proxy instance (one process, or one cluster worker): listeners, the current
 * generation (config + router + compiled rules + upstream pools), hot reload with atomic
 * swap, and graceful shutdown.
 *
 * Reload: the new config is loaded and the new rule set compiled while the old generation
 * keeps serving; only if both succeed is the generation pointer swapped. Requests that began
 * on the old generation finish on it (they hold their own reference); its upstream pools are
 * closed once its last request is done. A config or rule error leaves the old generation
 * active and is returned to the caller (admin API, SIGHUP log line).
 */
import http from 'node:http';
import https from 'node:https';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import type { ListenConfig, ProxyConfig } from './config.js';
import { formatHostPort } from './config.js';
import { Router } from './router.js';
import { compileRuleSet, loadEngine, type EngineModule } from './ruleset.js';
import { buildUpstreams, type Upstream } from './upstream.js';
import { TrustedProxies } from './forwarded.js';
import { Exchange, type Generation, type ProxyContext } from './exchange.js';
import { handleUpgrade } from './websocket.js';
import { clientErrorReason, endSocket } from './frontend.js';
import { rawResponse, renderPage } from './block-page.js';
import { ProxyMetrics } from './metrics.js';
import { AuditLog } from './audit-log.js';
import { createLoggers, flushLogger, type Loggers } from './logging.js';
import { AdminServer } from './admin.js';
import { randomUUID } from 'node:crypto';
import { patchStatus } from './patch-state.js';
import { defaultDbPath, latestActivationId } from '../patches/store.js';

/** How often `reload.watch` checks the state database for a new activation. */
const STATE_POLL_MS = 2000;

export interface StartOptions {
  config: ProxyConfig;
  /** Engine module; the real engine by default. */
  engine?: EngineModule;
  /** How a reload gets the new config (the CLI re-reads file, env and flags); default: reuse the current one. */
  reloadConfig?: () => ProxyConfig;
  loggers?: Loggers;
  metrics?: ProxyMetrics;
  /** Run the admin listener in this process (false in cluster workers: the primary runs it). */
  admin?: boolean;
  /** Write audit lines synchronously (tests). */
  auditSync?: boolean;
}

export interface ReloadResult {
  ok: boolean;
  generation: number;
  error?: string;
  warnings?: string[];
  compileMs?: number;
  notes?: string[];
  /** The `patches` part of GET /status after the reload (what the cluster primary reports). */
  patches?: ReturnType<typeof patchStatus>;
}

interface Listener {
  server: http.Server | https.Server;
  config: ListenConfig;
  address: AddressInfo;
}

function serverOptions(config: ProxyConfig): http.ServerOptions {
  return {
    insecureHTTPParser: false,
    maxHeaderSize: config.limits.maxHeaderSize,
    // Host is checked by the front end (checkRequest), which answers with our page.
    requireHostHeader: false,
    joinDuplicateHeaders: false,
    keepAliveTimeout: config.timeouts.keepAlive,
    headersTimeout: config.timeouts.requestHeaders,
    requestTimeout: config.timeouts.request,
    noDelay: true,
  } as http.ServerOptions;
}

export class ProxyServer {
  readonly metrics: ProxyMetrics;
  readonly loggers: Loggers;
  private gen!: Generation;
  private audit!: AuditLog;
  private listeners: Listener[] = [];
  private admin: AdminServer | null = null;
  private engine!: EngineModule;
  private readonly sockets = new Set<Socket>();
  private draining = false;
  private closed: Promise<void> | null = null;
  private reloading: Promise<ReloadResult> = Promise.resolve({ ok: true, generation: 0 });
  private watchers: FSWatcher[] = [];
  private pollers: NodeJS.Timeout[] = [];
  private readonly ctx: ProxyContext;
  private readonly retiring = new Set<Generation>();

  private constructor(private readonly opts: StartOptions) {
    this.metrics = opts.metrics ?? new ProxyMetrics({ defaultMetrics: true });
    this.metrics.patchState = () => this.gen?.rules.patches ?? null;
    this.loggers = opts.loggers ?? createLoggers(opts.config);
    const self = this;
    this.ctx = {
      current: () => self.gen,
      metrics: this.metrics,
      log: this.loggers.log,
      access: this.loggers.access,
      get audit() {
        return self.audit;
      },
    };
  }

  static async start(opts: StartOptions): Promise<ProxyServer> {
    const s = new ProxyServer(opts);
    await s.init();
    return s;
  }

  get log(): Logger {
    return this.loggers.log;
  }

  get generation(): Generation {
    return this.gen;
  }

  /** Bound addresses of the proxy listeners (port resolved when 0 was asked). */
  get addresses(): Array<{ host: string; port: number; tls: boolean }> {
    return this.listeners.map((l) => ({ host: l.address.address, port: l.address.port, tls: !!l.config.tls }));
  }

  get adminAddress(): AddressInfo | null {
    return this.admin?.address() ?? null;
  }

  get ready(): boolean {
    return !this.draining && this.listeners.length > 0 && !!this.gen;
  }

  private async init(): Promise<void> {
    const config = this.opts.config;
    this.engine = this.opts.engine ?? (await loadEngine());
    const rules = compileRuleSet(config, this.engine, 1);
    for (const w of rules.warnings) this.log.warn({ warning: w }, 'rule warning');
    const { upstreams } = buildUpstreams(config);
    this.gen = this.makeGeneration(1, config, rules, upstreams);
    this.metrics.rulesetInfo.set(1);
    this.audit = new AuditLog({ ...config.audit, sync: this.opts.auditSync });
    this.log.info({ rules: rules.summary, compileMs: Math.round(rules.compileMs) }, 'rule set compiled');
    try {
      for (const l of config.listen) await this.listen(l);
      if (this.opts.admin !== false && config.admin.listen) {
        this.admin = new AdminServer(this.adminHooks(), config.admin.token);
        const a = await this.admin.listen(config.admin.listen);
        this.log.info({ address: `${a.address}:${a.port}` }, 'admin listener ready');
      }
    } catch (err) {
      await this.close();
      throw err;
    }
    if (config.reload.watch) this.startWatching();
  }

  private makeGeneration(id: number, config: ProxyConfig, rules: Generation['rules'], upstreams: Map<string, Upstream>): Generation {
    return { id, config, router: new Router(config.routes), rules, upstreams, trusted: new TrustedProxies(config.trustedProxies), inflight: 0 };
  }

  adminHooks() {
    return {
      metrics: async () => ({ contentType: this.metrics.registry.contentType, body: await this.metrics.registry.metrics() }),
      ready: () => this.ready,
      reload: () => this.reload() as Promise<ReloadResult & { [k: string]: unknown }>,
      status: () => this.status(),
    };
  }

  status(): Record<string, unknown> {
    return {
      pid: process.pid,
      generation: this.gen.id,
      ready: this.ready,
      listeners: this.addresses,
      routes: this.gen.config.routes.map((r) => ({ name: r.name, hosts: r.hosts, pathPrefix: r.pathPrefix, upstream: r.upstream, mode: r.mode ?? this.gen.config.mode })),
      rules: this.gen.rules.summary,
      patches: patchStatus(this.gen.rules.patches),
      crs: this.gen.rules.crs,
      warnings: this.gen.rules.warnings.length,
      inflight: this.gen.inflight,
    };
  }

  private async listen(l: ListenConfig): Promise<void> {
    const config = this.opts.config;
    const options = serverOptions(config);
    const scheme = l.tls ? 'https' : 'http';
    const server = l.tls
      ? https.createServer({ ...options, ...this.tlsOptions(l) })
      : http.createServer(options);
    server.maxHeadersCount = config.limits.maxHeaders + 1;
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (this.draining) res.shouldKeepAlive = false;
      new Exchange(this.ctx, req, res, scheme).run();
    });
    server.on('upgrade', (req: http.IncomingMessage, socket, head: Buffer) => handleUpgrade(this.ctx, req, socket, head, scheme));
    server.on('connect', (req: http.IncomingMessage, socket) => {
      this.metrics.rejected.inc({ reason: 'connect_method' });
      endSocket(socket, rawResponse(renderPage(405, randomUUID(), req.headers.accept, config.requestId.header)));
    });
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      const r = clientErrorReason(err);
      if (!r) return void socket.destroy();
      this.metrics.rejected.inc({ reason: r.reason });
      const id = randomUUID();
      this.loggers.access?.info({ reqId: id, client: (socket as Socket).remoteAddress, status: r.status, action: 'rejected', reason: r.reason });
      if ((err as { bytesParsed?: number }).bytesParsed === 0 && r.reason === 'request_timeout') return void socket.destroy();
      endSocket(socket, rawResponse(renderPage(r.status, id, undefined, config.requestId.header)));
    });
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    if (l.tls) server.on('secureConnection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    const address = await new Promise<AddressInfo>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: l.port, host: l.host }, () => {
        server.off('error', reject);
        resolve(server.address() as AddressInfo);
      });
    });
    this.listeners.push({ server, config: l, address });
    this.log.info({ address: formatHostPort({ host: address.address, port: address.port }), tls: !!l.tls }, 'listening');
  }

  private tlsOptions(l: ListenConfig): { cert: Buffer; key: Buffer; ca?: Buffer; minVersion: 'TLSv1.2' } {
    const t = l.tls!;
    return { cert: readFileSync(t.cert), key: readFileSync(t.key), ...(t.ca ? { ca: readFileSync(t.ca) } : {}), minVersion: 'TLSv1.2' };
  }

  /** Reloads config and rules; serialised, so concurrent calls run one after another. */
  reload(): Promise<ReloadResult> {
    const next = this.reloading.then(() => this.doReload());
    this.reloading = next.catch(() => ({ ok: false, generation: this.gen.id }));
    return next;
  }

  private async doReload(): Promise<ReloadResult> {
    if (this.draining) return { ok: false, generation: this.gen.id, error: 'shutting down' };
    const old = this.gen;
    const id = old.id + 1;
    let config: ProxyConfig;
    let rules: Generation['rules'];
    try {
      config = this.opts.reloadConfig ? this.opts.reloadConfig() : old.config;
      // Let pending I/O run before the (synchronous) compile.
      await new Promise((r) => setImmediate(r));
      rules = compileRuleSet(config, this.engine, id);
    } catch (err) {
      const error = (err as Error).message;
      this.metrics.reloads.inc({ result: 'failed' });
      this.log.error({ err: error }, 'reload failed; the active rule set is unchanged');
      return { ok: false, generation: old.id, error };
    }
    const notes: string[] = [];
    const { upstreams, retired } = buildUpstreams(config, old.upstreams);
    const listenKey = (c: ProxyConfig): string => JSON.stringify(c.listen.map((l) => [l.host, l.port, !!l.tls]));
    if (listenKey(config) !== listenKey(old.config)) notes.push('listen addresses changed: restart to apply');
    if (JSON.stringify(config.admin) !== JSON.stringify(old.config.admin)) notes.push('admin settings changed: restart to apply');
    if (JSON.stringify(config.limits) !== JSON.stringify(old.config.limits) || JSON.stringify(config.timeouts) !== JSON.stringify(old.config.timeouts)) notes.push('front-end limits/timeouts apply to new connections only where Node allows; restart to apply fully');
    // Certificates are re-read on every reload (rotation).
    for (const l of this.listeners) {
      const match = config.listen.find((c) => c.host === l.config.host && c.port === l.config.port && c.tls);
      if (match && l.server instanceof https.Server) {
        try {
          l.server.setSecureContext(this.tlsOptions(match));
        } catch (err) {
          notes.push(`TLS certificate for ${formatHostPort(match)} not reloaded: ${(err as Error).message}`);
        }
      }
    }
    if (JSON.stringify(config.audit) !== JSON.stringify(old.config.audit)) {
      const prev = this.audit;
      this.audit = new AuditLog({ ...config.audit, sync: this.opts.auditSync });
      setTimeout(() => void prev.close(), 1000).unref();
    }
    if (config.log.level !== old.config.log.level) this.loggers.log.level = config.log.level;
    this.gen = this.makeGeneration(id, config, rules, upstreams);
    this.metrics.rulesetInfo.set(id);
    this.metrics.reloads.inc({ result: 'ok' });
    for (const w of rules.warnings) this.log.warn({ warning: w }, 'rule warning');
    this.log.info({ generation: id, rules: rules.summary, compileMs: Math.round(rules.compileMs), notes }, 'reloaded');
    this.retire(old, retired);
    return { ok: true, generation: id, warnings: rules.warnings, compileMs: rules.compileMs, notes, patches: patchStatus(rules.patches) };
  }

  /** Closes pools the new generation no longer uses once the old generation's requests are done. */
  private retire(old: Generation, pools: Upstream[]): void {
    if (pools.length === 0) return;
    this.retiring.add(old);
    const deadline = Date.now() + old.config.timeouts.shutdown;
    const tick = (): void => {
      if (old.inflight > 0 && Date.now() < deadline) {
        setTimeout(tick, 100).unref();
        return;
      }
      this.retiring.delete(old);
      for (const p of pools) void (old.inflight > 0 ? p.destroy() : p.close()).catch(() => undefined);
    };
    tick();
  }

  /** Reopens the audit log file (log rotation). */
  reopenLogs(): void {
    this.audit.reopen();
  }

  private startWatching(): void {
    const config = this.gen.config;
    const paths = new Set<string>();
    if (config.source) paths.add(config.source);
    if (config.rules.crsDir) paths.add(config.rules.crsDir);
    for (const f of config.rules.files) paths.add(f.includes('*') ? dirname(f) : f);
    if (config.rules.patches !== 'builtin' && config.rules.patches !== 'none') paths.add(config.rules.patches);
    let timer: NodeJS.Timeout | null = null;
    const trigger = (): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        void this.reload();
      }, 300);
      timer.unref();
    };
    // The state database: a new activation in the served environment (vpatch bundle activate
    // without --admin) is noticed by polling its latest activation id (SQLite in WAL mode writes
    // to side files, and the serve's own reads must not count as changes).
    if (config.rules.patches !== 'none') {
      let last: number | null = null;
      const seen = (): number | null => {
        const r = this.gen.config.rules;
        try {
          return r.patches === 'none' ? null : latestActivationId(r.stateDb ?? defaultDbPath(), r.env);
        } catch (err) {
          this.log.warn({ err: (err as Error).message }, 'cannot read the state database');
          return last;
        }
      };
      last = seen();
      const poll = setInterval(() => {
        const now = seen();
        if (now !== last) {
          last = now;
          this.log.info({ env: this.gen.config.rules.env, activation: now }, 'activation recorded in the state database; reloading');
          trigger();
        }
      }, STATE_POLL_MS);
      poll.unref();
      this.pollers.push(poll);
    }
    for (const p of paths) {
      try {
        const w = watch(p, { persistent: false }, trigger);
        w.on('error', () => undefined);
        this.watchers.push(w);
      } catch (err) {
        this.log.warn({ path: p, err: (err as Error).message }, 'cannot watch for changes');
      }
    }
  }

  /**
   * Graceful shutdown: stop accepting, mark not ready, let in-flight requests finish (keep-alive
   * connections are closed after their current response), then close what is left after
   * `timeouts.shutdown`.
   */
  close(): Promise<void> {
    if (this.closed) return this.closed;
    this.closed = (async () => {
      this.draining = true;
      for (const w of this.watchers) w.close();
      for (const p of this.pollers) clearInterval(p);
      const timeout = this.gen?.config.timeouts.shutdown ?? 0;
      const closing = this.listeners.map((l) => new Promise<void>((resolve) => l.server.close(() => resolve())));
      for (const l of this.listeners) l.server.closeIdleConnections();
      const deadline = Date.now() + timeout;
      while ((this.gen?.inflight ?? 0) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      for (const l of this.listeners) l.server.closeIdleConnections();
      if (Date.now() >= deadline || (this.gen?.inflight ?? 0) > 0) for (const l of this.listeners) l.server.closeAllConnections();
      // Upgraded (WebSocket) sockets are not tracked by the HTTP server.
      for (const s of this.sockets) s.destroy();
      await Promise.all(closing);
      await this.admin?.close();
      if (this.gen) await Promise.all([...this.gen.upstreams.values()].map((u) => u.close().catch(() => undefined)));
      await this.audit?.close();
      flushLogger(this.loggers.log);
      flushLogger(this.loggers.access);
    })();
    return this.closed;
  }
}
