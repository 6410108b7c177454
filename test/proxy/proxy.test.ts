/**
 * Data-plane behaviour with the fake engine: forwarding, headers, client address, routing,
 * blocking pages, detection-only, failure policy, gateway errors, bodies, response
 * inspection, keep-alive, WebSocket, TLS.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { FakeEngine, TestUpstream, rawRequest, request, startProxy, type TestProxy, type Received } from './helpers.js';

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test/proxy/fixtures');

function header(rec: Received, name: string): string | undefined {
  const i = rec.rawHeaders.findIndex((n, j) => j % 2 === 0 && n.toLowerCase() === name);
  return i >= 0 ? rec.rawHeaders[i + 1] : undefined;
}

describe('forwarding', () => {
  let up: TestUpstream;
  let proxy: TestProxy;
  let engine: FakeEngine;
  before(async () => {
    up = await new TestUpstream((req, res) => {
      if (req.url === '/hop') {
        res.writeHead(200, { connection: 'keep-alive, x-secret-hop', 'x-secret-hop': 'no', 'keep-alive': 'timeout=9', 'x-kept': 'yes', 'set-cookie': ['a=1', 'b=2'] });
        res.end('ok');
        return true;
      }
      return false;
    }).start();
    engine = new FakeEngine();
    proxy = await startProxy({ flags: { upstream: up.url, trustedProxies: ['10.0.0.0/8', '127.0.0.1'] } }, { engine });
  });
  after(async () => {
    await proxy.close();
    await up.stop();
  });

  test('forwards the request target and headers as received, minus hop-by-hop, plus forwarding headers', async () => {
    const res = await rawRequest(
      proxy.port,
      'GET /p/%2e%2e/a?x=1&y=%27 HTTP/1.1\r\nHost: App.Test:8080\r\nX-Mixed-Case: V1\r\nX-Mixed-Case: V2\r\nConnection: keep-alive, X-Drop-Me\r\nX-Drop-Me: 1\r\nKeep-Alive: timeout=1\r\nTE: trailers\r\nProxy-Connection: keep-alive\r\nX-Request-Id: spoofed\r\n\r\n',
      { waitClose: false },
    );
    assert.equal(res.status, 200);
    const got = JSON.parse(res.body) as Received;
    assert.equal(got.url, '/p/%2e%2e/a?x=1&y=%27', 'target unchanged');
    assert.equal(header(got, 'host'), 'App.Test:8080');
    assert.deepEqual(got.rawHeaders.filter((_, i, a) => i % 2 === 1 && a[i - 1] === 'X-Mixed-Case'), ['V1', 'V2'], 'order, case and repeats kept');
    for (const h of ['x-drop-me', 'keep-alive', 'te', 'proxy-connection']) assert.equal(header(got, h), undefined, h);
    assert.equal(header(got, 'x-forwarded-proto'), 'http');
    assert.equal(header(got, 'x-forwarded-host'), 'App.Test:8080');
    const id = header(got, 'x-request-id')!;
    assert.notEqual(id, 'spoofed');
    assert.equal(res.headers['x-request-id'], id, 'the client gets the same request id');
    const tx = engine.transactions.find((t) => t.id === id)!;
    assert.equal(tx.uri, '/p/%2e%2e/a?x=1&y=%27', 'the engine saw the same target');
    assert.deepEqual(tx.headers.slice(0, 3), [['Host', 'App.Test:8080'], ['X-Mixed-Case', 'V1'], ['X-Mixed-Case', 'V2']]);
    assert.equal(tx.logged, true, 'phase 5 ran');
  });

  test('response hop-by-hop headers are removed, repeated Set-Cookie kept', async () => {
    const res = await request(`${proxy.url}/hop`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-secret-hop'], undefined);
    assert.equal(res.headers['x-kept'], 'yes');
    assert.deepEqual(res.headers['set-cookie'], ['a=1', 'b=2']);
    assert.notEqual(res.headers['keep-alive'], 'timeout=9');
  });

  test('X-Forwarded-For from an untrusted peer is replaced; from a trusted one, walked to the first untrusted hop', async () => {
    // The test client is 127.0.0.1, which is trusted here.
    const a = await request(`${proxy.url}/xff`, { headers: { 'x-forwarded-for': '198.51.100.7, 10.1.2.3', 'x-forwarded-proto': 'https' } });
    const got = JSON.parse(a.body) as Received;
    assert.equal(header(got, 'x-forwarded-for'), '198.51.100.7, 10.1.2.3, 127.0.0.1');
    assert.equal(header(got, 'x-forwarded-proto'), 'https');
    const tx = engine.transactions.find((t) => t.id === header(got, 'x-request-id'))!;
    assert.equal(tx.clientIp, '198.51.100.7', 'REMOTE_ADDR is the first untrusted hop from the right');
  });

  test('keep-alive on both sides: many requests over one client connection reuse pooled upstream connections', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const before = up.connections;
    const ports = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const r = await request(`${proxy.url}/ka${i}`, { agent });
      assert.equal(r.status, 200);
      ports.add((JSON.parse(r.body) as Received).remotePort);
    }
    agent.destroy();
    assert.ok(up.connections - before <= 1, `upstream connections opened: ${up.connections - before}`);
    assert.equal(ports.size, 1, 'one upstream connection served all 20 sequential requests');
  });

  test('bodies: buffered and inspected, then forwarded byte-identical; blocked when the body matches', async () => {
    const body = Buffer.from('a=1&b=' + 'x'.repeat(70000));
    const r = await request(`${proxy.url}/form`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    assert.equal(r.status, 200);
    const got = JSON.parse(r.body) as Received;
    assert.equal(got.bodyLength, body.length);
    assert.equal(engine.transactions.find((t) => t.id === header(got, 'x-request-id'))!.body.length, body.length);
    const before = up.received.length;
    const b = await request(`${proxy.url}/form`, { method: 'POST', body: 'q=evilbody', headers: { accept: 'application/json' } });
    assert.equal(b.status, 403);
    assert.equal(up.received.length, before, 'a blocked body is never forwarded');
  });
});

describe('blocking and detection', () => {
  let up: TestUpstream;
  let proxy: TestProxy;
  before(async () => {
    up = await new TestUpstream((req, res) => {
      if (req.url === '/leak') {
        res.writeHead(200, { 'x-leak': '1' });
        res.end('x');
        return true;
      }
      return false;
    }).start();
    proxy = await startProxy({
      file: 'vpatch.yaml',
      text: `
upstreams: { app: "${up.url}" }
routes:
  - { pathPrefix: /detect, upstream: app, mode: detect }
  - { pathPrefix: /off, upstream: app, mode: off }
  - { pathPrefix: /excluded, upstream: app, exclusions: { ids: [1001] } }
  - { pathPrefix: /, upstream: app }
`,
    });
  });
  after(async () => {
    await proxy.close();
    await up.stop();
  });

  test('a blocked request gets 403 with an HTML page carrying the request id and nothing else of use', async () => {
    const before = up.received.length;
    const r = await request(`${proxy.url}/attack?x=1`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    assert.equal(r.status, 403);
    assert.match(String(r.headers['content-type']), /^text\/html/);
    const id = String(r.headers['x-request-id']);
    assert.ok(r.body.includes(id));
    assert.doesNotMatch(r.body, /1001|Attack in URI|vpatch|modsecurity|attack-test|node/i);
    assert.equal(r.headers['server'], undefined);
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.equal(up.received.length, before);
    const line = proxy.access.lines.find((l) => l.reqId === id)!;
    assert.equal(line.action, 'blocked');
    assert.equal(line.interruptedBy, 1001);
  });

  test('JSON page when the client prefers JSON; the rule status is used', async () => {
    const r = await request(`${proxy.url}/attack`, { headers: { accept: 'application/json' } });
    assert.equal(r.status, 403);
    const j = JSON.parse(r.body) as Record<string, unknown>;
    assert.deepEqual(Object.keys(j).sort(), ['error', 'message', 'requestId', 'status']);
    assert.equal(j.requestId, r.headers['x-request-id']);
    const t = await request(`${proxy.url}/teapot`, { headers: { accept: 'application/json' } });
    assert.equal(t.status, 418);
  });

  test('drop closes the connection; redirect answers with Location', async () => {
    const d = await rawRequest(proxy.port, 'GET /dropme HTTP/1.1\r\nHost: a\r\n\r\n');
    assert.equal(d.status, 0);
    assert.equal(d.closed, true);
    const r = await request(`${proxy.url}/redirectme`);
    assert.equal(r.status, 302);
    assert.equal(r.headers.location, 'https://example.com/denied');
  });

  test('detection-only route forwards and logs what would have been blocked', async () => {
    const before = up.received.length;
    const r = await request(`${proxy.url}/detect/attack`);
    assert.equal(r.status, 200);
    assert.equal(up.received.length, before + 1);
    const line = proxy.access.lines.find((l) => l.reqId === r.headers['x-request-id'])!;
    assert.equal(line.action, 'detected');
    assert.equal(line.interruptedBy, 1001);
    const metrics = await proxy.server.metrics.registry.getSingleMetricAsString('vpatch_detection_only_hits_total');
    assert.match(metrics, /rule_id="1001"\} 1/);
  });

  test('mode off skips the engine; per-route exclusions remove rules', async () => {
    assert.equal((await request(`${proxy.url}/off/attack`)).status, 200);
    assert.equal((await request(`${proxy.url}/excluded/attack`)).status, 200);
    assert.equal((await request(`${proxy.url}/excluded/../attack`)).status, 403, 'dot segments cannot escape into an excluded route');
  });

  test('response headers are inspected (phase 3)', async () => {
    const r = await request(`${proxy.url}/leak`);
    assert.equal(r.status, 403);
  });

  test('metrics count blocks by rule id and by tag', async () => {
    const text = await proxy.server.metrics.registry.metrics();
    assert.match(text, /vpatch_blocks_total\{rule_id="1001"\} [1-9]/);
    assert.match(text, /vpatch_blocks_by_tag_total\{tag="attack-test"\} [1-9]/);
    assert.match(text, /vpatch_engine_duration_seconds_count\{route="route3"\} [1-9]/);
  });
});

describe('failure policy and gateway errors', () => {
  let up: TestUpstream;
  before(async () => {
    up = await new TestUpstream((req, res) => {
      if (req.url === '/slow') {
        setTimeout(() => res.end('late'), 2000).unref();
        return true;
      }
      if (req.url === '/reset') {
        req.socket.destroy();
        return true;
      }
      return false;
    }).start();
  });
  after(async () => {
    await up.stop();
  });

  test('fail-closed: an engine error or overrun answers 503 and is counted', async () => {
    const p = await startProxy({ flags: { upstream: up.url, 'timeouts.engine': '20ms' } });
    try {
      const before = up.received.length;
      const a = await request(`${p.url}/engine-crash`);
      assert.equal(a.status, 503);
      const b = await request(`${p.url}/engine-slow`);
      assert.equal(b.status, 503);
      assert.equal(up.received.length, before);
      const m = await p.server.metrics.registry.getSingleMetricAsString('vpatch_engine_failures_total');
      assert.match(m, /kind="error",policy="closed"\} 1/);
      assert.match(m, /kind="timeout",policy="closed"\} 1/);
      assert.ok(p.log.lines.some((l) => l.reqId === a.headers['x-request-id'] && l.level === 50));
    } finally {
      await p.close();
    }
  });

  test('fail-open: the request is forwarded uninspected, logged and counted', async () => {
    const p = await startProxy({ flags: { upstream: up.url, failurePolicy: 'open', 'timeouts.engine': '20ms' } });
    try {
      assert.equal((await request(`${p.url}/engine-crash/attack`)).status, 200);
      assert.equal((await request(`${p.url}/engine-slow`)).status, 200);
      const m = await p.server.metrics.registry.getSingleMetricAsString('vpatch_engine_failures_total');
      assert.match(m, /kind="error",policy="open"\} 1/);
    } finally {
      await p.close();
    }
  });

  test('upstream down → 502, slow upstream → 504, reset → 502; each with a request id', async () => {
    const dead = await new TestUpstream().start();
    await dead.stop();
    const p = await startProxy({ file: 'x.yaml', text: `upstreams: { dead: "${dead.url}", app: "${up.url}" }\nroutes:\n  - { pathPrefix: /dead, upstream: dead }\n  - { pathPrefix: /, upstream: app }\ntimeouts: { upstreamHeaders: 300ms }\n` });
    try {
      const a = await request(`${p.url}/dead/x`, { headers: { accept: 'application/json' } });
      assert.equal(a.status, 502);
      assert.equal((JSON.parse(a.body) as { requestId: string }).requestId, a.headers['x-request-id']);
      assert.doesNotMatch(a.body, /ECONNREFUSED|127\.0\.0\.1/);
      const b = await request(`${p.url}/slow`);
      assert.equal(b.status, 504);
      const c = await request(`${p.url}/reset`);
      assert.equal(c.status, 502);
      const m = await p.server.metrics.registry.getSingleMetricAsString('vpatch_upstream_errors_total');
      assert.match(m, /upstream="dead",reason="connection_refused"\} 1/);
      assert.match(m, /reason="headers_timeout"\} 1/);
    } finally {
      await p.close();
    }
  });
});

describe('bodies and limits', () => {
  let up: TestUpstream;
  before(async () => {
    up = await new TestUpstream((req, res, body) => {
      if (req.url === '/secret') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('here is the SECRET value');
        return true;
      }
      if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(Buffer.alloc(300_000, 'a'));
        return true;
      }
      void body;
      return false;
    }).start();
  });
  after(async () => {
    await up.stop();
  });

  test('over the limit: 413 with reject; with partial the head is inspected and the whole body forwarded', async () => {
    const p = await startProxy({ flags: { upstream: up.url, 'body.requestLimit': '1KB', 'body.requestNoFilesLimit': '1KB' } });
    try {
      const r = await request(`${p.url}/u`, { method: 'POST', body: Buffer.alloc(5000, 'b') });
      assert.equal(r.status, 413);
      const chunked = await rawRequest(p.port, `POST /u HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n${'c'.repeat(4096)}\r\n0\r\n\r\n`);
      assert.equal(chunked.status, 413);
    } finally {
      await p.close();
    }
    const engine = new FakeEngine();
    const q = await startProxy({ flags: { upstream: up.url, 'body.requestLimit': '1KB', 'body.requestNoFilesLimit': '1KB', 'body.requestLimitAction': 'partial' } }, { engine });
    try {
      const body = Buffer.alloc(5000, 'b');
      const r = await request(`${q.url}/u`, { method: 'POST', body });
      assert.equal(r.status, 200);
      const got = JSON.parse(r.body) as Received;
      assert.equal(got.bodyLength, 5000);
      assert.equal(engine.transactions.at(-1)!.body.length, 1024, 'only the first requestLimit bytes were inspected');
      const evil = await request(`${q.url}/u`, { method: 'POST', body: Buffer.concat([Buffer.from('evilbody'), Buffer.alloc(5000)]) });
      assert.equal(evil.status, 403);
    } finally {
      await q.close();
    }
  });

  test('response bodies are inspected when the engine asks (phase 4), partially beyond the limit', async () => {
    const engine = new FakeEngine();
    const p = await startProxy({ flags: { upstream: up.url, 'body.responseLimit': '100KB' }, file: 'r.yaml', text: 'rules:\n  inline: "# FAKE-RESPONSE-BODY"\n' }, { engine });
    try {
      const r = await request(`${p.url}/secret`);
      assert.equal(r.status, 403);
      const big = await request(`${p.url}/big`);
      assert.equal(big.status, 200);
      assert.equal(big.body.length, 300_000, 'the whole body arrives');
      assert.equal(engine.transactions.at(-1)!.responseBody.length, 100 * 1024);
    } finally {
      await p.close();
    }
  });
});

describe('WebSocket and TLS', () => {
  let up: TestUpstream;
  before(async () => {
    up = await new TestUpstream().start();
    up.server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket) => {
      if (req.url === '/ws-refuse') {
        socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno');
        return;
      }
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Saw-Id: ${req.headers['x-request-id']}\r\n\r\n`);
      socket.on('data', (d) => socket.write(Buffer.concat([Buffer.from('echo:'), d])));
    });
  });
  after(async () => {
    await up.stop();
  });

  function wsConnect(port: number, path: string): Promise<{ head: string; socket: net.Socket }> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.write(`GET ${path} HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
      });
      let buf = '';
      const onData = (d: Buffer): void => {
        buf += d.toString('latin1');
        const end = buf.indexOf('\r\n\r\n');
        if (end >= 0) {
          s.off('data', onData);
          resolve({ head: buf.slice(0, end), socket: s });
        }
      };
      s.on('data', onData);
      s.on('error', reject);
      s.on('close', () => resolve({ head: buf, socket: s }));
    });
  }

  test('WebSocket upgrade passes through and frames flow both ways; attacks in the handshake are blocked', async () => {
    const p = await startProxy({ flags: { upstream: up.url } });
    try {
      const { head, socket } = await wsConnect(p.port, '/chat');
      assert.match(head, /^HTTP\/1\.1 101/);
      assert.match(head, /X-Saw-Id: [0-9a-f-]{36}/);
      const echoed = await new Promise<string>((resolve) => {
        socket.once('data', (d) => resolve(d.toString()));
        socket.write('hello');
      });
      assert.equal(echoed, 'echo:hello');
      socket.destroy();
      const blocked = await wsConnect(p.port, '/chat?attack');
      assert.match(blocked.head, /^HTTP\/1\.1 403/);
      const refused = await wsConnect(p.port, '/ws-refuse');
      assert.match(refused.head, /^HTTP\/1\.1 403/);
      assert.match(refused.head, /Connection: close/i);
    } finally {
      await p.close();
    }
  });

  test('TLS termination with certificate and key files', async () => {
    const p = await startProxy({ flags: { upstream: up.url, 'tls.cert': resolve(FIXTURES, 'cert.pem'), 'tls.key': resolve(FIXTURES, 'key.pem') } });
    try {
      const body = await new Promise<{ status: number; body: string }>((resolveP, reject) => {
        const req = https.request({ host: '127.0.0.1', port: p.port, path: '/tls', ca: readFileSync(resolve(FIXTURES, 'cert.pem')), servername: 'localhost' }, (res) => {
          let b = '';
          res.on('data', (d) => (b += d));
          res.on('end', () => resolveP({ status: res.statusCode!, body: b }));
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(body.status, 200);
      const got = JSON.parse(body.body) as Received;
      assert.equal(header(got, 'x-forwarded-proto'), 'https');
    } finally {
      await p.close();
    }
  });
});
