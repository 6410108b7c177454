/**
 * Test doubles and tools for the proxy tests: a scriptable fake engine (the real one is
 * exercised in the e2e tests), a loopback upstream that reports what it received, a raw
 * socket client, and a helper starting a proxy with quiet loggers.
 */
import http from 'node:http';
import net from 'node:net';
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { AddressInfo } from 'node:net';
import type { Interruption, MatchedRule, TransactionOptions } from '../../src/engine/api-types.js';
import type { ProxyTransaction, ProxyWaf } from '../../src/proxy/engine.js';
import type { EngineModule, RuleSource } from '../../src/proxy/ruleset.js';
import { loadConfig, type LoadOptions, type ProxyConfig } from '../../src/proxy/config.js';
import { ProxyServer, type StartOptions } from '../../src/proxy/server.js';
import { ProxyMetrics } from '../../src/proxy/metrics.js';

// ---------------------------------------------------------------------------------------------
// Fake engine

export interface FakeTxRecord {
  id: string;
  clientIp: string;
  uri: string;
  method: string;
  headers: Array<[string, string]>;
  body: Buffer;
  responseStatus: number | null;
  responseHeaders: Array<[string, string]>;
  responseBody: Buffer;
  logged: boolean;
}

function rule(id: number, msg: string, tags: string[]): MatchedRule {
  return { id, phase: 2, msg, logdata: '', severity: 2, tags, rev: '', ver: '', matchedVarName: 'ARGS', matchedVar: 'x', log: true, disruptive: true, errorLogLine: `ModSecurity: Access denied with code 403. Matched "fake" [id "${id}"] [msg "${msg}"]` };
}

/**
 * Rules of the fake engine (any phase): URI containing `attack` → deny 1001 (phase 1);
 * `dropme` → drop; `redirectme` → redirect; request body containing `evilbody` → deny 1002;
 * response header `x-leak` → deny 1003; response body containing `SECRET` → deny 1004 when
 * the response body is inspected; `engine-crash` in the URI throws; `engine-slow` spins 60 ms.
 * Inline text `FAKE-NO-BODY` turns request body access off; `FAKE-RESPONSE-BODY` turns response
 * body access on; `SYNTAX ERROR` makes compile throw; `SecRuleRemoveById 1001` removes rule 1001.
 */
export class FakeTx implements ProxyTransaction {
  interruption: Interruption | null = null;
  wouldInterrupt: Interruption | null = null;
  matchedRules: MatchedRule[] = [];
  readonly rec: FakeTxRecord;
  constructor(private readonly waf: FakeWaf, private readonly opts: TransactionOptions) {
    this.rec = { id: opts.id ?? 'x', clientIp: '', uri: '', method: '', headers: [], body: Buffer.alloc(0), responseStatus: null, responseHeaders: [], responseBody: Buffer.alloc(0), logged: false };
    waf.transactions.push(this.rec);
  }
  get requestBodyAccess(): boolean {
    return this.waf.requestBodyAccess;
  }
  get responseBodyAccess(): boolean {
    return this.waf.responseBodyAccess;
  }
  private fire(i: Interruption, r: MatchedRule): Interruption | null {
    this.matchedRules.push(r);
    if ((this.opts.ruleEngine ?? 'On') === 'DetectionOnly') {
      this.wouldInterrupt = i;
      return null;
    }
    this.interruption = i;
    return i;
  }
  processConnection(clientIp: string): void {
    this.rec.clientIp = clientIp;
  }
  processUri(uri: string, method: string): void {
    this.rec.uri = uri;
    this.rec.method = method;
  }
  addRequestHeader(name: string, value: string): void {
    this.rec.headers.push([name, value]);
  }
  processRequestHeaders(): Interruption | null {
    const u = this.rec.uri;
    if (u.includes('engine-crash')) throw new Error('boom');
    if (u.includes('engine-slow')) {
      const end = Date.now() + 60;
      while (Date.now() < end) {
        /* spin */
      }
    }
    if (u.includes('dropme')) return this.fire({ action: 'drop', status: 403, ruleId: 1005, phase: 1 }, rule(1005, 'drop', ['t-drop']));
    if (u.includes('redirectme')) return this.fire({ action: 'redirect', status: 302, ruleId: 1006, phase: 1, url: 'https://example.com/denied' }, rule(1006, 'redirect', []));
    if (u.includes('attack') && !this.waf.removed.has(1001)) return this.fire({ action: 'deny', status: 403, ruleId: 1001, phase: 1 }, rule(1001, 'Attack in URI', ['attack-test', 'paranoia-level/1']));
    if (u.includes('teapot')) return this.fire({ action: 'deny', status: 418, ruleId: 1007, phase: 1 }, rule(1007, 'teapot', []));
    return null;
  }
  appendRequestBody(chunk: Buffer): Interruption | null {
    this.rec.body = Buffer.concat([this.rec.body, chunk]);
    return null;
  }
  processRequestBody(): Interruption | null {
    if (this.rec.body.includes('evilbody')) return this.fire({ action: 'deny', status: 403, ruleId: 1002, phase: 2 }, rule(1002, 'Evil body', ['attack-body']));
    return null;
  }
  addResponseHeader(name: string, value: string): void {
    this.rec.responseHeaders.push([name, value]);
  }
  processResponseHeaders(status: number): Interruption | null {
    this.rec.responseStatus = status;
    if (this.rec.responseHeaders.some(([n]) => n.toLowerCase() === 'x-leak')) return this.fire({ action: 'deny', status: 403, ruleId: 1003, phase: 3 }, rule(1003, 'Leak', ['leak']));
    return null;
  }
  appendResponseBody(chunk: Buffer): Interruption | null {
    this.rec.responseBody = Buffer.concat([this.rec.responseBody, chunk]);
    return null;
  }
  processResponseBody(): Interruption | null {
    if (this.rec.responseBody.includes('SECRET')) return this.fire({ action: 'deny', status: 403, ruleId: 1004, phase: 4 }, rule(1004, 'Secret', ['leak']));
    return null;
  }
  processLogging(): void {
    this.rec.logged = true;
  }
}

export class FakeWaf implements ProxyWaf {
  readonly warnings: string[] = [];
  readonly transactions: FakeTxRecord[] = [];
  requestBodyAccess = true;
  responseBodyAccess = false;
  removed = new Set<number>();
  constructor(readonly sources: RuleSource[]) {
    const text = sources.map((s) => ('text' in s ? s.text : '')).join('\n');
    if (text.includes('SYNTAX ERROR')) throw new Error('inline:1: SecRule: syntax error');
    if (text.includes('FAKE-NO-BODY')) this.requestBodyAccess = false;
    if (text.includes('FAKE-RESPONSE-BODY')) this.responseBodyAccess = true;
    for (const m of text.matchAll(/SecRuleRemoveById ([\d -]+)/g)) for (const id of m[1]!.trim().split(/\s+/)) this.removed.add(Number(id));
  }
  newTransaction(options: TransactionOptions = {}): ProxyTransaction {
    return new FakeTx(this, options);
  }
}

export class FakeEngine implements EngineModule {
  readonly compiled: FakeWaf[] = [];
  compile(sources: RuleSource[]): ProxyWaf {
    const w = new FakeWaf(sources);
    this.compiled.push(w);
    return w;
  }
  get transactions(): FakeTxRecord[] {
    return this.compiled.flatMap((w) => w.transactions);
  }
}

// ---------------------------------------------------------------------------------------------
// Upstream

export interface Received {
  method: string;
  url: string;
  httpVersion: string;
  rawHeaders: string[];
  bodyLength: number;
  bodySha256: string;
  remotePort: number;
}

export class TestUpstream {
  readonly server: http.Server;
  readonly received: Received[] = [];
  connections = 0;
  port = 0;
  private readonly sockets = new Set<net.Socket>();
  constructor(handler?: (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => boolean | void) {
    this.server = http.createServer((req, res) => {
      const hash = createHash('sha256');
      let n = 0;
      const keep: Buffer[] = [];
      req.on('data', (c: Buffer) => {
        hash.update(c);
        n += c.length;
        if (n <= 1024 * 1024) keep.push(c);
      });
      req.on('end', () => {
        const rec: Received = { method: req.method!, url: req.url!, httpVersion: req.httpVersion, rawHeaders: req.rawHeaders, bodyLength: n, bodySha256: hash.digest('hex'), remotePort: req.socket.remotePort! };
        this.received.push(rec);
        if (handler && handler(req, res, Buffer.concat(keep)) === true) return;
        const body = JSON.stringify(rec);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-upstream': 'yes', 'keep-alive': 'timeout=30' });
        res.end(body);
      });
    });
    this.server.keepAliveTimeout = 30_000;
    this.server.on('connection', (socket: net.Socket) => {
      this.connections++;
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }
  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

// ---------------------------------------------------------------------------------------------
// Proxy

export interface Captured {
  lines: Array<Record<string, unknown>>;
  stream: Writable;
}

export function capture(): Captured {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, stream };
}

export interface TestProxy {
  server: ProxyServer;
  engine: EngineModule;
  url: string;
  port: number;
  access: Captured;
  log: Captured;
  config: ProxyConfig;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1:0 with the fake engine (unless one is given), admin off, audit off unless asked. */
export async function startProxy(load: LoadOptions, opts: Partial<StartOptions> & { engine?: EngineModule } = {}): Promise<TestProxy> {
  const flags = { listen: '127.0.0.1:0', 'admin.listen': 'off', 'audit.mode': 'off', 'rules.patches': 'none', ...(load.flags ?? {}) };
  const reload = (): ProxyConfig => loadConfig({ ...load, flags });
  const config = reload();
  const access = capture();
  const log = capture();
  const engine = opts.engine ?? new FakeEngine();
  const server = await ProxyServer.start({
    config,
    engine,
    reloadConfig: reload,
    loggers: { log: pino({ level: 'info' }, log.stream), access: pino({ level: 'info' }, access.stream) },
    metrics: new ProxyMetrics(),
    auditSync: true,
    ...opts,
  });
  const port = server.addresses[0]!.port;
  return { server, engine, url: `http://127.0.0.1:${port}`, port, access, log, config, close: () => server.close() };
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP client

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  raw: string;
  /** True when the server closed the connection. */
  closed: boolean;
}

/** Sends raw bytes and reads until the server closes or a complete response (by Content-Length) arrived and `waitClose` is false. */
export function rawRequest(port: number, data: string | Buffer, opts: { waitClose?: boolean; timeoutMs?: number } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      const raw = buf.toString('latin1');
      const end = raw.indexOf('\r\n\r\n');
      const head = end >= 0 ? raw.slice(0, end) : raw;
      const lines = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines.slice(1)) {
        const c = l.indexOf(':');
        if (c > 0) headers[l.slice(0, c).toLowerCase()] = l.slice(c + 1).trim();
      }
      resolve({ status: Number(/^HTTP\/1\.\d (\d+)/.exec(lines[0] ?? '')?.[1] ?? 0), headers, body: end >= 0 ? raw.slice(end + 4) : '', raw, closed });
    };
    const timer = setTimeout(() => finish(false), opts.timeoutMs ?? 3000);
    s.on('connect', () => s.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data));
    s.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      if (opts.waitClose !== false) return;
      const raw = buf.toString('latin1');
      const end = raw.indexOf('\r\n\r\n');
      const m = /\r\ncontent-length:\s*(\d+)/i.exec(raw.slice(0, end));
      if (end >= 0 && m && buf.length >= end + 4 + Number(m[1])) finish(false);
    });
    s.on('end', () => finish(true));
    s.on('close', () => finish(true));
    s.on('error', (e) => (done ? undefined : reject(e)));
  });
}

/** A request through Node's http client (keep-alive off unless an agent is given). */
export function request(
  url: string,
  opts: { method?: string; headers?: Record<string, string | string[]>; body?: string | Buffer; agent?: http.Agent | false } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string; rawHeaders: string[] }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: opts.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), rawHeaders: res.rawHeaders }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}
