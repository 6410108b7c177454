/**
 * One request through the data plane: front-end checks, routing, client address, engine
 * phases 1-5, body buffering or streaming, the upstream exchange and the response back,
 * then logging. The engine sees the request target, the header fields in wire order and the
 * body bytes exactly as they are forwarded; only hop-by-hop and forwarding headers differ.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import type { ProxyConfig, RouteConfig, Mode } from './config.js';
import type { Router } from './router.js';
import type { RuleSet } from './ruleset.js';
import type { Upstream } from './upstream.js';
import { gatewayStatus } from './upstream.js';
import type { TrustedProxies, ClientInfo } from './forwarded.js';
import { resolveClient, appendForwardingHeaders } from './forwarded.js';
import { checkRequest, originForm } from './frontend.js';
import { headerValue, stripHopByHop } from './headers.js';
import { renderPage } from './block-page.js';
import type { ProxyMetrics } from './metrics.js';
import { patchHits } from './patch-state.js';
import type { AuditLog } from './audit-log.js';
import { EngineClock, EngineFailure } from './engine.js';
import type { Interruption, ProxyTransaction } from './engine.js';

/** Everything a request needs that a reload replaces, swapped as one object. */
export interface Generation {
  id: number;
  config: ProxyConfig;
  router: Router;
  rules: RuleSet;
  upstreams: Map<string, Upstream>;
  trusted: TrustedProxies;
  inflight: number;
}

export interface ProxyContext {
  current(): Generation;
  readonly metrics: ProxyMetrics;
  readonly log: Logger;
  readonly access: Logger | null;
  readonly audit: AuditLog;
}

export type Action = 'forwarded' | 'blocked' | 'detected' | 'rejected' | 'error';

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;
const FORWARDING = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded'];

export function engineModeOf(mode: Mode): 'On' | 'DetectionOnly' | 'Off' {
  return mode === 'block' ? 'On' : mode === 'detect' ? 'DetectionOnly' : 'Off';
}

export function requestIdFor(req: IncomingMessage, config: ProxyConfig): string {
  if (config.requestId.trustIncoming) {
    const v = req.headers[config.requestId.header];
    if (typeof v === 'string' && REQUEST_ID_RE.test(v)) return v;
  }
  return randomUUID();
}

function hasRequestBody(req: IncomingMessage): boolean {
  const cl = req.headers['content-length'];
  if (cl !== undefined) return cl !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

export class Exchange {
  readonly id: string;
  readonly gen: Generation;
  readonly config: ProxyConfig;
  private readonly startNs = process.hrtime.bigint();
  private readonly time = new Date();
  private route: RouteConfig | null = null;
  private upstream: Upstream | null = null;
  private client: ClientInfo | null = null;
  private tx: ProxyTransaction | null = null;
  private txUsed = false;
  private mode: Mode = 'block';
  private readonly clock: EngineClock;
  private action: Action = 'forwarded';
  private status = 0;
  private interruption: Interruption | null = null;
  private requestBody: Buffer | null = null;
  private responseBody: Buffer | null = null;
  private responseHeaders: string[] = [];
  private bodyConsumed = false;
  private controller: Dispatcher.DispatchController | null = null;
  private finalized = false;
  private reason = '';
  private bytesOut = 0;

  constructor(
    private readonly ctx: ProxyContext,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly scheme: 'http' | 'https',
  ) {
    this.gen = ctx.current();
    this.config = this.gen.config;
    this.gen.inflight++;
    ctx.metrics.inflight.inc();
    this.id = requestIdFor(req, this.config);
    this.clock = new EngineClock(this.config.timeouts.engine);
    res.once('close', () => this.finalize());
    req.once('end', () => {
      this.bodyConsumed = true;
    });
  }

  run(): void {
    try {
      this.start();
    } catch (err) {
      this.internalError(err);
    }
  }

  private start(): void {
    const { req, config } = this;
    const rejection = checkRequest(req, config.limits);
    if (rejection) {
      this.ctx.metrics.rejected.inc({ reason: rejection.reason });
      this.reason = rejection.reason;
      this.action = 'rejected';
      this.respondPage(rejection.status, true);
      return;
    }
    if (!hasRequestBody(req)) this.bodyConsumed = true;
    const route = this.gen.router.match(req.headers.host, req.url ?? '/');
    if (!route) {
      this.action = 'rejected';
      this.reason = 'no_route';
      this.ctx.metrics.rejected.inc({ reason: 'no_route' });
      this.respondPage(404, false);
      return;
    }
    this.route = route;
    this.upstream = this.gen.upstreams.get(route.upstream) ?? null;
    const raw = req.rawHeaders;
    this.client = resolveClient(
      req.socket.remoteAddress ?? '',
      this.scheme,
      this.gen.trusted,
      headerValue(raw, 'x-forwarded-for'),
      headerValue(raw, 'forwarded'),
      headerValue(raw, 'x-forwarded-proto'),
    );
    this.mode = route.mode ?? config.mode;
    if (!this.bodyConsumed && req.headers['transfer-encoding'] !== undefined) this.preReadChunked();
    else this.inspect(null);
  }

  /**
   * A chunked body is read (up to the body limit) before the engine sees anything, so a
   * chunk-framing error is answered 400 by the front end with neither engine nor upstream
   * having seen the request. A Content-Length body cannot go wrong half-way, except by the
   * client closing early, which aborts the exchange.
   */
  private preReadChunked(): void {
    const { req, config } = this;
    const limit = config.body.requestLimit;
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer): void => {
      if (total + chunk.length <= limit) {
        chunks.push(chunk);
        total += chunk.length;
        return;
      }
      cleanup();
      if (config.body.requestLimitAction !== 'partial') return this.bodyTooLarge();
      this.ctx.metrics.bodyLimit.inc({ direction: 'request', action: 'partial' });
      req.pause();
      const head = chunk.subarray(0, limit - total);
      if (head.length) chunks.push(head);
      this.inspect({ head: Buffer.concat(chunks), rest: chunk.subarray(limit - total) });
    };
    const onEnd = (): void => {
      cleanup();
      this.inspect({ head: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), rest: null });
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
    };
    req.on('data', onData);
    req.on('end', onEnd);
  }

  private bodyTooLarge(): void {
    this.ctx.metrics.bodyLimit.inc({ direction: 'request', action: 'rejected' });
    this.reason = 'request_body_limit';
    this.action = 'blocked';
    this.respondPage(413, true);
  }

  /** Phases 1 and 2, then forward. `pre` is a body already read (whole when rest is null). */
  private inspect(pre: { head: Buffer; rest: Buffer | null } | null): void {
    const { req } = this;
    const route = this.route!;
    const raw = req.rawHeaders;
    const waf = this.gen.rules.wafFor(route);
    if (waf && this.mode !== 'off') {
      if (!this.engine('transaction', () => {
        const tx = waf.newTransaction({ id: this.id, ruleEngine: engineModeOf(this.mode) });
        this.tx = tx;
        this.txUsed = true;
        const ex = this.gen.rules.txExclusionsFor(route);
        if (ex) {
          if (ex.ranges.length) tx.removeRuleRanges!(ex.ranges);
          for (const t of ex.tags) tx.removeRulesByTag!(t);
        }
        const sock = req.socket;
        tx.processConnection(this.client!.ip, sock.remotePort ?? 0, sock.localAddress ?? '', sock.localPort ?? 0);
        tx.processUri(req.url ?? '/', req.method ?? 'GET', `HTTP/${req.httpVersion}`);
        for (let i = 0; i < raw.length; i += 2) tx.addRequestHeader(raw[i]!, raw[i + 1]!);
        return null;
      })) return;
      const it = this.engineCall('request_headers', (tx) => tx.processRequestHeaders());
      if (it === false) return;
      if (it) return this.interrupt(it);
    }
    if (pre) {
      const tx = this.tx;
      if (tx && tx.requestBodyAccess && pre.head.length) {
        const it = this.engineCall('request_body', (t) => t.appendRequestBody(pre.head));
        if (it === false) return;
        if (it) return this.interrupt(it);
      }
      return this.afterBody([pre.head], pre.rest);
    }
    const tx = this.tx;
    if (tx && tx.requestBodyAccess && !this.bodyConsumed) this.bufferRequestBody(tx);
    else {
      if (this.tx) {
        const it = this.engineCall('request_body', (t) => t.processRequestBody());
        if (it === false) return;
        if (it) return this.interrupt(it);
      }
      this.forward(this.bodyConsumed ? null : req);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Engine calls under the clock and the failure policy

  /**
   * Runs `fn` on the engine. Returns false when the request has been answered (fail-closed),
   * true otherwise (on fail-open the transaction is dropped and inspection stops).
   */
  private engine(phase: string, fn: () => unknown): boolean {
    try {
      this.clock.run(phase, fn);
      return true;
    } catch (err) {
      return this.engineFailed(err);
    }
  }

  /** Like engine() for calls returning an interruption: the interruption, null, or false when answered. */
  private engineCall(phase: string, fn: (tx: ProxyTransaction) => Interruption | null): Interruption | null | false {
    const tx = this.tx;
    if (!tx) return null;
    try {
      return this.clock.run(phase, () => fn(tx));
    } catch (err) {
      return this.engineFailed(err) ? null : false;
    }
  }

  private engineFailed(err: unknown): boolean {
    const failure = err instanceof EngineFailure ? err : new EngineFailure('error', 'unknown', err);
    const policy = this.config.failurePolicy;
    this.ctx.metrics.engineFailures.inc({ kind: failure.kind, policy });
    this.ctx.log.error({ reqId: this.id, err: failure.cause ?? failure, phase: failure.phase, kind: failure.kind, policy, route: this.route?.name }, failure.message);
    this.tx = null;
    this.reason = `engine_${failure.kind}`;
    if (policy === 'open') return true;
    this.action = 'error';
    this.abortUpstream();
    if (!this.res.headersSent) this.respondPage(503, !this.bodyConsumed);
    else this.res.destroy();
    return false;
  }

  // -------------------------------------------------------------------------------------------
  // Request body

  private bufferRequestBody(tx: ProxyTransaction): void {
    const { req, config } = this;
    const limit = config.body.requestLimit;
    const partial = config.body.requestLimitAction === 'partial';
    const cl = req.headers['content-length'];
    if (cl !== undefined && Number(cl) > limit && !partial) return this.bodyTooLarge();
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    const onData = (chunk: Buffer): void => {
      if (done) return;
      if (total + chunk.length > limit) {
        const head = chunk.subarray(0, limit - total);
        const rest = chunk.subarray(limit - total);
        if (!partial) {
          finish();
          return this.bodyTooLarge();
        }
        this.ctx.metrics.bodyLimit.inc({ direction: 'request', action: 'partial' });
        if (head.length) {
          chunks.push(head);
          total += head.length;
          const it = this.engineCall('request_body', (t) => t.appendRequestBody(head));
          if (it === false) return finish();
          if (it) {
            finish();
            return this.interrupt(it);
          }
        }
        finish();
        req.pause();
        this.afterBody(chunks, rest);
        return;
      }
      chunks.push(chunk);
      total += chunk.length;
      const it = this.engineCall('request_body', (t) => t.appendRequestBody(chunk));
      if (it === false) return finish();
      if (it) {
        finish();
        return this.interrupt(it);
      }
    };
    const onEnd = (): void => {
      if (done) return;
      finish();
      this.afterBody(chunks, null);
    };
    const onAbort = (): void => finish();
    const finish = (): void => {
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('aborted', onAbort);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('aborted', onAbort);
    void tx;
  }

  /** Phase 2, then forward: the whole body when `rest` is null, else the inspected head, `rest` and the remaining stream. */
  private afterBody(chunks: Buffer[], rest: Buffer | null): void {
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    this.requestBody = this.tx ? body : null;
    const it = this.engineCall('request_body', (t) => t.processRequestBody());
    if (it === false) return;
    if (it) return this.interrupt(it);
    if (rest === null) return this.forward(body);
    const req = this.req;
    async function* replay(): AsyncGenerator<Buffer> {
      if (body.length) yield body;
      if (rest!.length) yield rest!;
      for await (const chunk of req) yield chunk as Buffer;
    }
    this.forward(Readable.from(replay(), { objectMode: false }));
  }

  // -------------------------------------------------------------------------------------------
  // Upstream

  private forward(body: Buffer | Readable | null): void {
    const { req, config } = this;
    const upstream = this.upstream;
    if (!upstream) {
      this.action = 'error';
      this.reason = 'no_upstream';
      this.respondPage(502, !this.bodyConsumed);
      return;
    }
    const raw = req.rawHeaders;
    const extra = new Set([...FORWARDING, config.requestId.header, 'expect']);
    if (Buffer.isBuffer(body)) extra.add('content-length');
    if (!config.preserveHost) extra.add('host');
    const headers = stripHopByHop(raw, extra);
    if (!config.preserveHost || req.headers.host === undefined) headers.push('host', upstream.host);
    if (Buffer.isBuffer(body)) headers.push('content-length', String(body.length));
    appendForwardingHeaders(headers, this.client!, { xff: headerValue(raw, 'x-forwarded-for'), forwarded: headerValue(raw, 'forwarded'), host: req.headers.host }, config.forwarded);
    headers.push(config.requestId.header, this.id);

    const method = req.method ?? 'GET';
    const sentAt = process.hrtime.bigint();
    let headersSeen = false;
    let buffering: Buffer[] | null = null;
    let buffered = 0;
    let streamingAfterPartial = false;
    const res = this.res;
    const self = this;
    const writeHead = (status: number, hdrs: string[]): void => {
      self.status = status;
      res.writeHead(status, [...hdrs, config.requestId.header, self.id] as unknown as string[]);
    };
    let respStatus = 0;
    let respHeaders: string[] = [];

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(controller) {
        self.controller = controller;
        if (self.finalized || res.destroyed) controller.abort(new Error('client closed'));
      },
      onResponseStart(controller, statusCode, _headers, _msg) {
        headersSeen = true;
        self.ctx.metrics.upstreamSeconds.observe({ upstream: upstream.name }, Number(process.hrtime.bigint() - sentAt) / 1e9);
        const rawH = (controller.rawHeaders ?? []) as (Buffer | string)[];
        const flat: string[] = new Array(rawH.length);
        for (let i = 0; i < rawH.length; i++) flat[i] = typeof rawH[i] === 'string' ? (rawH[i] as string) : (rawH[i] as Buffer).toString('latin1');
        respStatus = statusCode;
        respHeaders = stripHopByHop(flat, new Set([config.requestId.header]));
        self.responseHeaders = respHeaders;
        const tx = self.tx;
        if (tx) {
          const ok = self.engine('response_headers_add', () => {
            for (let i = 0; i < respHeaders.length; i += 2) tx.addResponseHeader(respHeaders[i]!, respHeaders[i + 1]!);
          });
          if (!ok) return controller.abort(new Error('engine failure'));
          const it = self.engineCall('response_headers', (t) => t.processResponseHeaders(statusCode, 'HTTP/1.1'));
          if (it === false) return controller.abort(new Error('engine failure'));
          if (it) {
            controller.abort(new Error('interrupted'));
            return self.interrupt(it);
          }
          if (self.tx && self.tx.responseBodyAccess && method !== 'HEAD') {
            buffering = [];
            return;
          }
        }
        writeHead(statusCode, respHeaders);
      },
      onResponseData(controller, chunk) {
        if (self.finalized) return;
        if (buffering) {
          const limit = config.body.responseLimit;
          if (buffered + chunk.length > limit) {
            const head = chunk.subarray(0, limit - buffered);
            const rest = chunk.subarray(limit - buffered);
            self.ctx.metrics.bodyLimit.inc({ direction: 'response', action: 'partial' });
            if (head.length) {
              buffering.push(head);
              buffered += head.length;
              const it = self.engineCall('response_body', (t) => t.appendResponseBody(head));
              if (it === false) return controller.abort(new Error('engine failure'));
              if (it) {
                controller.abort(new Error('interrupted'));
                return self.interrupt(it);
              }
            }
            const it = self.engineCall('response_body', (t) => t.processResponseBody());
            if (it === false) return controller.abort(new Error('engine failure'));
            if (it) {
              controller.abort(new Error('interrupted'));
              return self.interrupt(it);
            }
            const body = Buffer.concat(buffering);
            self.responseBody = body;
            buffering = null;
            streamingAfterPartial = true;
            writeHead(respStatus, respHeaders);
            self.write(controller, body);
            if (rest.length) self.write(controller, rest);
            return;
          }
          buffering.push(chunk);
          buffered += chunk.length;
          const it = self.engineCall('response_body', (t) => t.appendResponseBody(chunk));
          if (it === false) return controller.abort(new Error('engine failure'));
          if (it) {
            controller.abort(new Error('interrupted'));
            self.interrupt(it);
          }
          return;
        }
        self.write(controller, chunk);
      },
      onResponseEnd() {
        // The upstream exchange is over: nothing left to abort (finalize would otherwise
        // build an Error, with its stack trace, for every request).
        self.controller = null;
        if (self.finalized || res.writableEnded) return;
        if (buffering) {
          const body = Buffer.concat(buffering);
          self.responseBody = body;
          buffering = null;
          const it = self.engineCall('response_body', (t) => t.processResponseBody());
          if (it === false) return;
          if (it) return self.interrupt(it);
          writeHead(respStatus, respHeaders);
          self.bytesOut += body.length;
          res.end(body);
          return;
        }
        void streamingAfterPartial;
        res.end();
      },
      onResponseError(_controller, err) {
        self.controller = null;
        if (self.finalized || res.writableEnded) return;
        const g = gatewayStatus(err);
        if ((err as Error).message === 'interrupted' || (err as Error).message === 'engine failure' || (err as Error).message === 'client closed') return;
        self.ctx.metrics.upstreamErrors.inc({ upstream: upstream.name, reason: g.reason });
        self.reason = `upstream_${g.reason}`;
        self.action = 'error';
        if (!res.headersSent && !headersSeen) {
          self.ctx.log.warn({ reqId: self.id, upstream: upstream.name, code: (err as { code?: string }).code, err: (err as Error).message }, 'upstream request failed');
          self.respondPage(g.status, !self.bodyConsumed);
        } else if (!res.headersSent) {
          self.respondPage(g.status, true);
        } else {
          self.ctx.log.warn({ reqId: self.id, upstream: upstream.name, code: (err as { code?: string }).code, err: (err as Error).message }, 'upstream response aborted');
          res.destroy();
        }
      },
    };
    try {
      upstream.dispatch({ method, path: originForm(req.url ?? '/'), headers, body, upgrade: null }, handler);
    } catch (err) {
      this.internalError(err);
    }
  }

  private write(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.bytesOut += chunk.length;
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', () => controller.resume());
    }
  }

  private abortUpstream(): void {
    const c = this.controller;
    if (c && !c.aborted) {
      try {
        c.abort(new Error('client closed'));
      } catch {
        /* already finished */
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Answers

  private interrupt(it: Interruption): void {
    this.interruption = it;
    this.action = 'blocked';
    this.abortUpstream();
    const res = this.res;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (it.action === 'drop') {
      this.status = 0;
      this.req.socket.destroy();
      return;
    }
    if (it.action === 'redirect' && it.url && !/[\r\n\0]/.test(it.url)) {
      this.status = it.status >= 300 && it.status < 400 ? it.status : 302;
      res.writeHead(this.status, { location: it.url, 'content-length': '0', 'cache-control': 'no-store', [this.config.requestId.header]: this.id, ...(this.bodyConsumed ? {} : { connection: 'close' }) });
      res.end();
      return;
    }
    this.respondPage(it.status >= 100 && it.status <= 599 ? it.status : 403, !this.bodyConsumed);
  }

  respondPage(status: number, close: boolean): void {
    const res = this.res;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    this.status = status;
    const page = renderPage(status, this.id, this.req.headers.accept, this.config.requestId.header);
    const headers: Record<string, string> = { ...page.headers };
    if (close) headers.connection = 'close';
    this.bytesOut += page.body.length;
    res.writeHead(status, headers);
    res.end(this.req.method === 'HEAD' ? undefined : page.body);
  }

  private internalError(err: unknown): void {
    this.ctx.metrics.errors.inc({ kind: 'internal' });
    this.ctx.log.error({ reqId: this.id, err }, 'internal error handling request');
    this.action = 'error';
    this.reason = 'internal';
    if (!this.res.headersSent) this.respondPage(500, true);
    else this.res.destroy();
  }

  // -------------------------------------------------------------------------------------------
  // Phase 5, logs, metrics

  private finalize(): void {
    if (this.finalized) return;
    this.finalized = true;
    this.abortUpstream();
    const { ctx, res } = this;
    const complete = res.writableFinished;
    const tx = this.tx;
    if (tx) this.engine('logging', () => tx.processLogging());
    const txForLog = this.txUsed ? (tx ?? null) : null;
    let matched = txForLog?.matchedRules ?? [];
    const would = txForLog?.wouldInterrupt ?? null;
    if (would && this.action === 'forwarded') this.action = 'detected';
    if (!complete && this.action === 'forwarded') this.reason ||= 'client_closed';
    const m = ctx.metrics;
    const routeName = this.route?.name ?? '';
    m.inflight.dec();
    this.gen.inflight--;
    m.requests.inc({ route: routeName, action: this.action, status_class: this.status ? `${Math.floor(this.status / 100)}xx` : 'none' });
    if (this.txUsed) m.engineSeconds.observe({ route: routeName }, this.clock.seconds);
    const it = this.interruption;
    if (it) {
      m.blocks.inc({ rule_id: String(it.ruleId) });
      for (const tag of new Set(matched.flatMap((r) => r.tags))) m.blocksByTag.inc({ tag });
    } else if (would) {
      m.detections.inc({ rule_id: String(would.ruleId) });
      for (const tag of new Set(matched.flatMap((r) => r.tags))) m.detectionsByTag.inc({ tag });
    }
    if (!txForLog) matched = [];
    // per-patch attribution: which virtual patch stopped (or only matched) the request
    const hits = patchHits(txForLog ? this.gen.rules.patches : null, it, matched);
    if (hits.blocked) m.patchBlocks.inc({ patch: hits.blocked });
    for (const p of hits.detected) m.patchDetections.inc({ patch: p });
    const durationMs = Number(process.hrtime.bigint() - this.startNs) / 1e6;
    const ruleIds = matched.filter((r) => r.log).map((r) => r.id);
    const req = this.req;
    if (ctx.access) {
      ctx.access.info({
        reqId: this.id,
        client: this.client?.ip ?? req.socket.remoteAddress,
        method: req.method,
        url: (req.url ?? '').slice(0, 2048),
        status: this.status,
        bytes: this.bytesOut,
        ms: Math.round(durationMs * 1000) / 1000,
        route: routeName || undefined,
        upstream: this.upstream?.name,
        action: this.action,
        reason: this.reason || undefined,
        ruleIds: ruleIds.length ? ruleIds : undefined,
        interruptedBy: it?.ruleId ?? would?.ruleId,
        patch: hits.blocked ?? undefined,
        patchesDetected: hits.detected.length ? hits.detected : undefined,
        engineMs: this.txUsed ? Math.round(this.clock.seconds * 1e6) / 1000 : undefined,
        complete,
      });
    }
    for (const r of matched) if (r.log && r.errorLogLine) ctx.log.warn({ reqId: this.id, ruleId: r.id }, r.errorLogLine);
    const audit = ctx.audit;
    const vpatch = { route: routeName, upstream: this.upstream?.name ?? null, action: this.action, reason: this.reason || null, interruption: it ?? would ?? null, engine_ms: this.txUsed ? this.clock.seconds * 1000 : 0, generation: this.gen.id };
    const engineRelevant = txForLog?.isAuditRelevant;
    const relevant = audit.mode === 'all' || (audit.mode === 'relevant' && (engineRelevant === true || audit.isRelevant({ matched, interrupted: !!it, status: this.status })));
    if (!relevant) return;
    if (txForLog?.auditLogEntry) {
      try {
        const entry = txForLog.auditLogEntry();
        const t = entry.transaction as { response?: { http_code?: number } ; vpatch?: unknown };
        if (t.response) t.response.http_code = this.status;
        t.vpatch = vpatch;
        audit.writeEntry(entry);
        return;
      } catch (err) {
        ctx.log.error({ reqId: this.id, err }, 'engine audit record failed; writing the proxy record');
      }
    }
    audit.write({
      id: this.id,
      time: this.time,
      clientIp: this.client?.ip ?? req.socket.remoteAddress ?? '',
      clientPort: req.socket.remotePort ?? 0,
      hostIp: req.socket.localAddress ?? '',
      hostPort: req.socket.localPort ?? 0,
      method: req.method ?? '',
      uri: req.url ?? '',
      httpVersion: req.httpVersion,
      requestHeaders: req.rawHeaders,
      requestBody: this.requestBody,
      status: this.status,
      responseHeaders: this.responseHeaders,
      responseBody: this.responseBody,
      engineMode: this.txUsed ? engineModeOf(this.mode) : 'Off',
      matched,
      vpatch,
    });
  }
}
