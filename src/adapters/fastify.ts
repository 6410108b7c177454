/**
 * Fastify (v4/v5) plugin running every request through the engine with Fastify's own hooks:
 * onRequest (phase 1), preParsing (phase 2: the body is read, inspected and handed on as a
 * new stream with the same bytes), onSend (phase 3 on status and headers, phase 4 on the
 * payload when the engine asks for the response body), onResponse (phase 5). Fastify is not
 * imported at run time; only its types are.
 *
 *   import Fastify from 'fastify';
 *   import { Waf } from 'vpatch/engine';
 *   import { vpatchFastify } from 'vpatch/adapters/fastify';
 *
 *   const waf = Waf.compile([{ file: '/usr/share/modsecurity-crs/rules/*.conf' }]);
 *   const app = Fastify();
 *   await app.register(vpatchFastify, { waf });
 *   app.post('/api', async (req) => req.body);
 *   await app.listen({ port: 3000 });
 *
 * The plugin is not encapsulated (like fastify-plugin): its hooks apply to every route.
 */
import { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Interruption, RuleEngineMode } from '../engine/api-types.js';
import type { AdapterTransaction, AdapterWaf } from './node-http.js';

export interface FastifyOptions<T extends AdapterTransaction = AdapterTransaction> {
  waf: AdapterWaf<T>;
  /** Per-request rule engine mode. */
  ruleEngine?: RuleEngineMode | ((req: FastifyRequest) => RuleEngineMode | undefined);
  /** Called after phase 5 with the transaction. */
  onTransaction?: (tx: T, info: { id: string; request: FastifyRequest; interruption: Interruption | null }) => void;
  /** Most request-body bytes buffered for inspection (default 64 MiB); more is answered 413. */
  maxBufferedRequestBody?: number;
  /** Most response-payload bytes buffered for phase 4 (default 64 MiB). */
  maxBufferedResponseBody?: number;
  /** Custom page for an interruption. */
  interruptionPage?: (interruption: Interruption, transactionId: string) => { contentType: string; body: string | Buffer };
}

interface State<T> {
  tx: T;
  id: string;
  interruption: Interruption | null;
  answered: boolean;
}

function defaultPage(i: Interruption, id: string): { contentType: string; body: string } {
  return {
    contentType: 'text/html; charset=utf-8',
    body: `<!DOCTYPE html>\n<html><head><title>${i.status}</title></head><body><h1>Request rejected</h1><p>Transaction id: <code>${id}</code></p></body></html>\n`,
  };
}

function plainIp(a: string | undefined): string {
  if (!a) return '';
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

async function readAll(stream: NodeJS.ReadableStream, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream as AsyncIterable<Buffer | string>) {
    const b = typeof c === 'string' ? Buffer.from(c) : c;
    size += b.length;
    if (size > limit) return null;
    chunks.push(b);
  }
  return Buffer.concat(chunks, size);
}

export function vpatchFastify<T extends AdapterTransaction>(fastify: FastifyInstance, opts: FastifyOptions<T>, done: (err?: Error) => void): void {
  const { waf } = opts;
  const page = opts.interruptionPage ?? defaultPage;
  const states = new WeakMap<FastifyRequest, State<T>>();

  const answer = (state: State<T>, reply: FastifyReply, i: Interruption): FastifyReply => {
    state.interruption = i;
    state.answered = true;
    if (i.action === 'drop') {
      reply.hijack();
      reply.raw.socket?.destroy();
      return reply;
    }
    const p = page(i, state.id);
    reply.removeHeader('content-length');
    reply.code(i.action === 'redirect' ? (i.status >= 300 && i.status < 400 ? i.status : 302) : i.status);
    reply.header('content-type', p.contentType).header('cache-control', 'no-store');
    if (i.action === 'redirect' && i.url) reply.header('location', i.url);
    return reply.send(p.body);
  };

  fastify.addHook('onRequest', async (request, reply) => {
    const id = randomBytes(18).toString('base64url');
    const mode = typeof opts.ruleEngine === 'function' ? opts.ruleEngine(request) : opts.ruleEngine;
    const tx = waf.newTransaction(mode ? { id, ruleEngine: mode } : { id });
    const state: State<T> = { tx, id, interruption: null, answered: false };
    states.set(request, state);
    const raw = request.raw;
    const sock = raw.socket;
    tx.processConnection(plainIp(sock.remoteAddress), sock.remotePort ?? 0, plainIp(sock.localAddress), sock.localPort ?? 0);
    tx.processUri(raw.url ?? '', raw.method ?? '', `HTTP/${raw.httpVersion}`);
    const h = raw.rawHeaders;
    for (let i = 0; i + 1 < h.length; i += 2) tx.addRequestHeader(h[i]!, h[i + 1]!);
    const it = tx.processRequestHeaders();
    if (it) return answer(state, reply, it);
    const hasBody = raw.headers['transfer-encoding'] !== undefined || (raw.headers['content-length'] !== undefined && raw.headers['content-length'] !== '0');
    if (!hasBody) {
      // No preParsing body to wait for: phase 2 now.
      const it2 = tx.processRequestBody();
      if (it2) return answer(state, reply, it2);
    }
    return undefined;
  });

  fastify.addHook('preParsing', async (request, reply, payload) => {
    const state = states.get(request);
    const raw = request.raw;
    const hasBody = raw.headers['transfer-encoding'] !== undefined || (raw.headers['content-length'] !== undefined && raw.headers['content-length'] !== '0');
    if (!state || state.answered || !hasBody) return payload;
    const tx = state.tx;
    if (!tx.requestBodyAccess) {
      const it = tx.processRequestBody();
      if (it) {
        answer(state, reply, it);
        return Readable.from([]);
      }
      return payload;
    }
    const body = await readAll(payload, opts.maxBufferedRequestBody ?? 64 * 1024 * 1024);
    if (body === null) {
      answer(state, reply, { action: 'deny', status: 413, ruleId: 0, phase: 2 });
      return Readable.from([]);
    }
    const it = tx.appendRequestBody(body) ?? tx.processRequestBody();
    if (it) {
      answer(state, reply, it);
      return Readable.from([]);
    }
    const out = Readable.from(body.length ? [body] : []) as Readable & { receivedEncodedLength?: number };
    out.receivedEncodedLength = body.length;
    return out;
  });

  fastify.addHook('onSend', async (request, reply, payload) => {
    const state = states.get(request);
    if (!state || state.answered) return payload;
    const tx = state.tx;
    const headers = reply.getHeaders();
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) tx.addResponseHeader(name, String(v));
      else tx.addResponseHeader(name, String(value));
    }
    let it = tx.processResponseHeaders(reply.statusCode, `HTTP/${request.raw.httpVersion}`);
    if (!it && tx.responseBodyAccess && payload !== null && payload !== undefined) {
      let buf: Buffer | null;
      if (typeof payload === 'string') buf = Buffer.from(payload);
      else if (Buffer.isBuffer(payload)) buf = payload;
      else if (payload instanceof Readable || typeof (payload as NodeJS.ReadableStream).pipe === 'function') {
        buf = await readAll(payload as NodeJS.ReadableStream, opts.maxBufferedResponseBody ?? 64 * 1024 * 1024);
        if (buf === null) return payload; // consumed past the limit: nothing sensible left to send
        payload = buf;
      } else buf = null;
      if (buf) it = tx.appendResponseBody(buf) ?? tx.processResponseBody();
    }
    if (it) {
      state.interruption = it;
      state.answered = true;
      if (it.action === 'drop') {
        reply.raw.socket?.destroy();
        return '';
      }
      const p = page(it, state.id);
      for (const name of Object.keys(reply.getHeaders())) reply.removeHeader(name);
      reply.code(it.action === 'redirect' ? 302 : it.status);
      reply.header('content-type', p.contentType).header('cache-control', 'no-store');
      if (it.action === 'redirect' && it.url) reply.header('location', it.url);
      return p.body;
    }
    return payload;
  });

  fastify.addHook('onResponse', async (request) => {
    const state = states.get(request);
    if (!state) return;
    try {
      state.tx.processLogging();
    } finally {
      opts.onTransaction?.(state.tx, { id: state.id, request, interruption: state.interruption });
    }
  });

  done();
}

// Not encapsulated: the hooks apply to the whole instance (what fastify-plugin does).
(vpatchFastify as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')] = true;
(vpatchFastify as unknown as Record<symbol, unknown>)[Symbol.for('fastify.display-name')] = 'vpatch';

export default vpatchFastify;
