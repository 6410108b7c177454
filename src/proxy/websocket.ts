/**
 * WebSocket pass-through. The upgrade request goes through the same front-end checks,
 * routing and engine phases 1-2 (it has no body) as any request, and phase 3 sees the
 * upstream's answer. On 101 the two sockets are joined; frames are not inspected. Only
 * `Upgrade: websocket` on GET is accepted: other upgrades (h2c in particular, a known
 * smuggling vector through proxies) are refused with 400.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { checkRequest, endSocket, originForm } from './frontend.js';
import { headerValue, stripHopByHop } from './headers.js';
import { renderPage, rawResponse } from './block-page.js';
import { resolveClient, appendForwardingHeaders } from './forwarded.js';
import { EngineClock, EngineFailure } from './engine.js';
import { patchHits } from './patch-state.js';
import type { Interruption, ProxyTransaction } from './engine.js';
import { engineModeOf, requestIdFor } from './exchange.js';
import type { ProxyContext } from './exchange.js';

const MAX_RESPONSE_HEAD = 64 * 1024;

export function handleUpgrade(ctx: ProxyContext, req: IncomingMessage, socket: Duplex, head: Buffer, scheme: 'http' | 'https'): void {
  const gen = ctx.current();
  const config = gen.config;
  const id = requestIdFor(req, config);
  const m = ctx.metrics;
  const sock = req.socket;
  socket.on('error', () => socket.destroy());
  const answer = (status: number, result: string): void => {
    m.websockets.inc({ result });
    endSocket(socket, rawResponse(renderPage(status, id, req.headers.accept, config.requestId.header)));
    ctx.access?.info({ reqId: id, client: sock.remoteAddress, method: req.method, url: (req.url ?? '').slice(0, 2048), status, action: result, websocket: true });
  };
  const rejection = checkRequest(req, config.limits);
  if (rejection) {
    m.rejected.inc({ reason: rejection.reason });
    return answer(rejection.status, 'rejected');
  }
  const upgrade = (req.headers.upgrade ?? '').trim().toLowerCase();
  if (upgrade !== 'websocket' || req.method !== 'GET') {
    m.rejected.inc({ reason: 'upgrade_unsupported' });
    return answer(400, 'rejected');
  }
  const route = gen.router.match(req.headers.host, req.url ?? '/');
  if (!route) return answer(404, 'rejected');
  const upstream = gen.upstreams.get(route.upstream);
  if (!upstream) return answer(502, 'error');
  const raw = req.rawHeaders;
  const client = resolveClient(sock.remoteAddress ?? '', scheme, gen.trusted, headerValue(raw, 'x-forwarded-for'), headerValue(raw, 'forwarded'), headerValue(raw, 'x-forwarded-proto'));
  const mode = route.mode ?? config.mode;
  const waf = gen.rules.wafFor(route);
  const clock = new EngineClock(config.timeouts.engine);
  let tx: ProxyTransaction | null = null;

  const failed = (err: unknown): boolean => {
    const f = err instanceof EngineFailure ? err : new EngineFailure('error', 'websocket', err);
    m.engineFailures.inc({ kind: f.kind, policy: config.failurePolicy });
    ctx.log.error({ reqId: id, err: f.cause ?? f, phase: f.phase }, f.message);
    tx = null;
    if (config.failurePolicy === 'open') return true;
    answer(503, 'error');
    return false;
  };
  const blocked = (it: Interruption): void => {
    m.blocks.inc({ rule_id: String(it.ruleId) });
    const hits = patchHits(gen.rules.patches, it, (tx as ProxyTransaction | null)?.matchedRules ?? []);
    if (hits.blocked) m.patchBlocks.inc({ patch: hits.blocked });
    for (const p of hits.detected) m.patchDetections.inc({ patch: p });
    if (it.action === 'drop') {
      socket.destroy();
      m.websockets.inc({ result: 'blocked' });
      return;
    }
    answer(it.status || 403, 'blocked');
  };

  if (waf && mode !== 'off') {
    let it: Interruption | null = null;
    try {
      it = clock.run('request_headers', () => {
        const t = waf.newTransaction({ id, ruleEngine: engineModeOf(mode) });
        tx = t;
        t.processConnection(client.ip, sock.remotePort ?? 0, sock.localAddress ?? '', sock.localPort ?? 0);
        t.processUri(req.url ?? '/', req.method ?? 'GET', `HTTP/${req.httpVersion}`);
        for (let i = 0; i < raw.length; i += 2) t.addRequestHeader(raw[i]!, raw[i + 1]!);
        return t.processRequestHeaders() ?? t.processRequestBody();
      });
    } catch (err) {
      if (!failed(err)) return;
    }
    if (it) {
      logTx();
      return blocked(it);
    }
    // patches that matched without blocking (detect mode, or a detection-only route)
    for (const p of patchHits(gen.rules.patches, null, (tx as ProxyTransaction | null)?.matchedRules ?? []).detected) m.patchDetections.inc({ patch: p });
  }
  function logTx(): void {
    const t = tx as ProxyTransaction | null;
    if (!t) return;
    try {
      clock.run('logging', () => t.processLogging());
    } catch {
      /* counted below */
    }
  }

  const headers = stripHopByHop(raw, new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded', config.requestId.header]));
  if (!config.preserveHost) {
    for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() === 'host') headers[i + 1] = upstream.host;
  }
  headers.push('Connection', 'Upgrade', 'Upgrade', 'websocket');
  appendForwardingHeaders(headers, client, { xff: headerValue(raw, 'x-forwarded-for'), forwarded: headerValue(raw, 'forwarded'), host: req.headers.host }, config.forwarded);
  headers.push(config.requestId.header, id);
  let text = `GET ${originForm(req.url ?? '/')} HTTP/1.1\r\n`;
  for (let i = 0; i < headers.length; i += 2) text += `${headers[i]}: ${headers[i + 1]}\r\n`;
  text += '\r\n';

  const url = new URL(upstream.origin);
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const up: net.Socket =
    url.protocol === 'https:'
      ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, rejectUnauthorized: true })
      : net.connect({ host, port });
  const connectTimer = setTimeout(() => up.destroy(Object.assign(new Error('connect timeout'), { code: 'UND_ERR_CONNECT_TIMEOUT' })), config.timeouts.upstreamConnect);
  let responded = false;
  up.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
    clearTimeout(connectTimer);
    up.write(text, 'latin1');
    if (head.length) up.write(head);
  });
  up.on('error', (err: NodeJS.ErrnoException) => {
    clearTimeout(connectTimer);
    if (!responded) {
      responded = true;
      m.upstreamErrors.inc({ upstream: upstream.name, reason: err.code === 'UND_ERR_CONNECT_TIMEOUT' ? 'connect_timeout' : 'connection_refused' });
      logTx();
      answer(err.code === 'UND_ERR_CONNECT_TIMEOUT' ? 504 : 502, 'error');
    } else socket.destroy();
  });
  socket.on('close', () => up.destroy());

  let buf = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    buf = Buffer.concat([buf, chunk]);
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) {
      if (buf.length > MAX_RESPONSE_HEAD) up.destroy(new Error('upstream response head too large'));
      return;
    }
    up.off('data', onData);
    up.pause();
    responded = true;
    const headText = buf.subarray(0, end).toString('latin1');
    const rest = buf.subarray(end + 4);
    const lines = headText.split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
    const respHeaders: string[] = [];
    for (const line of lines.slice(1)) {
      const c = line.indexOf(':');
      if (c > 0) respHeaders.push(line.slice(0, c), line.slice(c + 1).trim());
    }
    const t = tx as ProxyTransaction | null;
    if (t) {
      let it: Interruption | null = null;
      try {
        it = clock.run('response_headers', () => {
          for (let i = 0; i < respHeaders.length; i += 2) t.addResponseHeader(respHeaders[i]!, respHeaders[i + 1]!);
          return t.processResponseHeaders(status, 'HTTP/1.1');
        });
      } catch (err) {
        if (!failed(err)) return void up.destroy();
      }
      if (it) {
        up.destroy();
        logTx();
        return blocked(it);
      }
    }
    logTx();
    if (status !== 101) {
      // Not upgraded: relay this one response and close, so nothing more on the client
      // connection can bypass the HTTP parser.
      m.websockets.inc({ result: 'refused_by_upstream' });
      const kept = stripHopByHop(respHeaders);
      let out = `${lines[0]}\r\n`;
      for (let i = 0; i < kept.length; i += 2) out += `${kept[i]}: ${kept[i + 1]}\r\n`;
      const cl = headerValue(respHeaders, 'content-length');
      out += 'Connection: close\r\n\r\n';
      socket.write(out, 'latin1');
      let remaining = cl !== undefined ? Number(cl) : Infinity;
      const relay = (b: Buffer): void => {
        const part = b.subarray(0, Math.min(b.length, remaining));
        remaining -= part.length;
        if (part.length) socket.write(part);
        if (remaining <= 0) {
          up.destroy();
          socket.end();
        }
      };
      if (rest.length) relay(rest);
      if (remaining > 0) {
        up.on('data', relay);
        up.on('end', () => socket.end());
        up.resume();
      }
      ctx.access?.info({ reqId: id, client: client.ip, method: req.method, url: (req.url ?? '').slice(0, 2048), status, action: 'forwarded', websocket: true });
      return;
    }
    m.websockets.inc({ result: 'upgraded' });
    ctx.access?.info({ reqId: id, client: client.ip, method: req.method, url: (req.url ?? '').slice(0, 2048), status, action: 'forwarded', websocket: true });
    socket.write(buf.subarray(0, end + 4));
    if (rest.length) socket.write(rest);
    up.setNoDelay(true);
    if ('setNoDelay' in socket) (socket as net.Socket).setNoDelay(true);
    up.pipe(socket);
    socket.pipe(up);
    up.on('close', () => socket.destroy());
    up.resume();
  };
  up.on('data', onData);
}
