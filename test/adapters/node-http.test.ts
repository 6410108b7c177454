import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { wrapHandler, getTransaction, type AdapterTransaction, type AdapterWaf, type WrapOptions } from '../../src/adapters/node-http.js';
import type { Interruption, MatchedRule, TransactionOptions } from '../../src/engine/api-types.js';
import { sendRaw } from '../../src/conformance/crs/raw-client.js';

/** A scripted stand-in for the engine: records what it is given, interrupts when told to. */
class FakeTx implements AdapterTransaction {
  calls: string[] = [];
  uri = '';
  method = '';
  version = '';
  connection: unknown[] = [];
  requestHeaders: Array<[string, string]> = [];
  requestBody = Buffer.alloc(0);
  responseHeaders: Array<[string, string]> = [];
  responseStatus = 0;
  responseBody = Buffer.alloc(0);
  matchedRules: MatchedRule[] = [];
  requestBodyAccess: boolean;
  constructor(readonly options: TransactionOptions, private readonly script: Script) {
    this.requestBodyAccess = script.requestBodyAccess ?? true;
  }
  /** Like the engine: decided by the response Content-Type once the headers are known. */
  get responseBodyAccess(): boolean {
    if (this.script.responseBodyAccess === false) return false;
    if (!this.script.responseMimeTypes) return true;
    const ct = this.responseHeaders.find(([k]) => k.toLowerCase() === 'content-type')?.[1].split(';')[0]!.trim() ?? '';
    return this.script.responseMimeTypes.includes(ct);
  }
  private decide(phase: number): Interruption | null {
    this.calls.push(`phase${phase}`);
    return this.script.interruptAt?.(phase, this) ?? null;
  }
  processConnection(...args: unknown[]): void { this.connection = args; this.calls.push('connection'); }
  processUri(uri: string, method: string, version: string): void { this.uri = uri; this.method = method; this.version = version; this.calls.push('uri'); }
  addRequestHeader(name: string, value: string): void { this.requestHeaders.push([name, value]); }
  processRequestHeaders(): Interruption | null { return this.decide(1); }
  appendRequestBody(chunk: Buffer): Interruption | null { this.requestBody = Buffer.concat([this.requestBody, chunk]); return null; }
  processRequestBody(): Interruption | null { return this.decide(2); }
  addResponseHeader(name: string, value: string): void { this.responseHeaders.push([name, value]); }
  processResponseHeaders(status: number): Interruption | null { this.responseStatus = status; return this.decide(3); }
  appendResponseBody(chunk: Buffer): Interruption | null { this.responseBody = Buffer.concat([this.responseBody, chunk]); return null; }
  processResponseBody(): Interruption | null { return this.decide(4); }
  processLogging(): void { this.calls.push('phase5'); }
}

interface Script {
  requestBodyAccess?: boolean;
  responseBodyAccess?: boolean;
  responseMimeTypes?: string[];
  interruptAt?: (phase: number, tx: FakeTx) => Interruption | null;
}

class FakeWaf implements AdapterWaf<FakeTx> {
  txs: FakeTx[] = [];
  constructor(private readonly script: Script = {}) {}
  newTransaction(options?: TransactionOptions): FakeTx {
    const tx = new FakeTx(options ?? {}, this.script);
    this.txs.push(tx);
    return tx;
  }
}

const deny = (status = 403): Interruption => ({ action: 'deny', status, ruleId: 1, phase: 0 });

async function withServer(
  waf: FakeWaf,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  run: (port: number, done: Promise<Array<{ tx: FakeTx; id: string }>>, waitFor: (n: number) => Promise<void>) => Promise<void>,
  options: WrapOptions<FakeTx> = {},
): Promise<void> {
  const finished: Array<{ tx: FakeTx; id: string }> = [];
  let notify: () => void = () => {};
  const done = new Promise<Array<{ tx: FakeTx; id: string }>>((resolve) => {
    notify = () => resolve(finished);
  });
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const waitFor = (n: number): Promise<void> => new Promise((resolve) => {
    waiters.push({ n, resolve });
    check();
  });
  const check = (): void => {
    for (const w of waiters) if (finished.length >= w.n) w.resolve();
  };
  const server: Server = createServer(
    wrapHandler(waf, handler, {
      ...options,
      onTransaction: (tx, info) => {
        finished.push({ tx, id: info.id });
        notify();
        check();
      },
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await run((server.address() as AddressInfo).port, done, waitFor);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

function send(port: number, text: string | Buffer) {
  return sendRaw(typeof text === 'string' ? Buffer.from(text, 'latin1') : text, { host: '127.0.0.1', port, timeoutMs: 3000 });
}

const echo = (req: IncomingMessage, res: ServerResponse): void => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    res.setHeader('Content-Type', 'text/plain');
    res.end(Buffer.concat([Buffer.from('echo:'), ...chunks]));
  });
};

test('a request passes through: raw URL, ordered byte-string headers, body for engine and handler, phases 1-5 in order', async () => {
  const waf = new FakeWaf();
  await withServer(waf, echo, async (port, done) => {
    const body = 'a=1&b=\xff';
    const ex = await send(port, `POST /p%41th/../x?q=<1> HTTP/1.1\r\nHost: h\r\nX-B: \xe9\r\nx-a: 1\r\nX-B: 2\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    assert.equal(ex.error, null);
    assert.equal(ex.response!.status, 200);
    assert.equal(ex.response!.body.toString('latin1'), `echo:${body}`);
    const [{ tx, id }] = await done;
    assert.equal(tx!.uri, '/p%41th/../x?q=<1>');
    assert.equal(tx!.method, 'POST');
    assert.equal(tx!.version, 'HTTP/1.1');
    assert.equal(tx!.connection[0], '127.0.0.1');
    assert.equal(tx!.connection[1], ex.localPort);
    assert.equal(tx!.connection[3], port);
    assert.deepEqual(tx!.requestHeaders.slice(0, 4), [['Host', 'h'], ['X-B', '\xe9'], ['x-a', '1'], ['X-B', '2']]);
    assert.equal(tx!.requestBody.toString('latin1'), body);
    assert.deepEqual(tx!.calls, ['connection', 'uri', 'phase1', 'phase2', 'phase3', 'phase4', 'phase5']);
    assert.equal(tx!.responseStatus, 200);
    assert.equal(tx!.responseBody.toString('latin1'), `echo:${body}`);
    assert.ok(tx!.responseHeaders.some(([k, v]) => k === 'Content-Type' && v === 'text/plain'));
    assert.equal(tx!.options.id, id);
    assert.ok(id.length >= 16);
  });
});

test('an interruption in phase 1 answers with its status and a page carrying the transaction id; the handler is not called', async () => {
  const waf = new FakeWaf({ interruptAt: (p) => (p === 1 ? deny(403) : null) });
  let called = false;
  await withServer(waf, (_req, res) => { called = true; res.end('no'); }, async (port, done) => {
    const ex = await send(port, 'GET /attack HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
    assert.equal(ex.response!.status, 403);
    const [{ tx, id }] = await done;
    assert.ok(ex.response!.body.toString().includes(id));
    assert.equal(called, false);
    assert.deepEqual(tx!.calls, ['connection', 'uri', 'phase1', 'phase5']);
  });
});

test('an interruption in phase 2 sees the body; custom status and page', async () => {
  const waf = new FakeWaf({ interruptAt: (p, tx) => (p === 2 && tx.requestBody.includes('evil') ? deny(406) : null) });
  await withServer(waf, echo, async (port) => {
    const ok = await send(port, 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nConnection: close\r\n\r\nfine');
    assert.equal(ok.response!.status, 200);
    const bad = await send(port, 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nConnection: close\r\n\r\nevil');
    assert.equal(bad.response!.status, 406);
    assert.equal(bad.response!.body.toString(), 'blocked 406');
  }, { interruptionPage: (i) => ({ contentType: 'text/plain', body: `blocked ${i.status}` }) });
});

test('phase 3 and phase 4 interruptions replace the handler response before anything is sent', async () => {
  const waf = new FakeWaf({
    interruptAt: (p, tx) => {
      if (p === 3 && tx.responseHeaders.some(([k]) => k.toLowerCase() === 'x-leak')) return deny(502);
      if (p === 4 && tx.responseBody.includes('SQL syntax')) return deny(403);
      return null;
    },
  });
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.url === '/header') res.writeHead(200, { 'X-Leak': 'yes' });
    res.write('You have an error in your ');
    res.end('SQL syntax' + (req.url === '/ok' ? '' : ''));
  };
  await withServer(waf, handler, async (port) => {
    const h = await send(port, 'GET /header HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
    assert.equal(h.response!.status, 502);
    assert.ok(!h.response!.raw.toString().includes('X-Leak'));
    const b = await send(port, 'GET /body HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
    assert.equal(b.response!.status, 403);
    assert.ok(!b.response!.body.toString().includes('SQL syntax'));
  });
});

test('without body access the request body streams to the handler and the response streams to the client', async () => {
  const waf = new FakeWaf({ requestBodyAccess: false, responseBodyAccess: false });
  await withServer(waf, echo, async (port, done) => {
    const ex = await send(port, 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc');
    assert.equal(ex.response!.body.toString(), 'echo:abc');
    const [{ tx }] = await done;
    assert.equal(tx!.requestBody.length, 0);
    assert.equal(tx!.responseBody.length, 0);
    assert.deepEqual(tx!.calls.slice(2), ['phase1', 'phase2', 'phase3', 'phase4', 'phase5']);
  });
});

test('drop closes the connection without a response', async () => {
  const waf = new FakeWaf({ interruptAt: (p) => (p === 1 ? { action: 'drop', status: 403, ruleId: 2, phase: 1 } : null) });
  await withServer(waf, echo, async (port, done) => {
    const ex = await send(port, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n');
    assert.equal(ex.response, null);
    assert.ok(ex.error);
    const [{ tx }] = await done;
    assert.ok(tx!.calls.includes('phase5'));
  });
});

test('redirect answers with Location', async () => {
  const waf = new FakeWaf({ interruptAt: (p) => (p === 1 ? { action: 'redirect', status: 302, ruleId: 3, phase: 1, url: 'https://example.org/' } : null) });
  await withServer(waf, echo, async (port) => {
    const ex = await send(port, 'GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
    assert.equal(ex.response!.status, 302);
    assert.ok(ex.response!.headers.some(([k, v]) => k.toLowerCase() === 'location' && v === 'https://example.org/'));
  });
});

test('the handler can reach the transaction through getTransaction(req), also on the replayed request', async () => {
  const waf = new FakeWaf();
  let seen: string | undefined;
  await withServer(waf, (req, res) => {
    seen = getTransaction<FakeTx>(req)?.id;
    res.end();
  }, async (port, done) => {
    await send(port, 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx');
    const [{ id }] = await done;
    assert.equal(seen, id);
  }, { transactionId: () => 'fixed-id-1' });
  assert.equal(seen, 'fixed-id-1');
});

test('the response body is held for phase 4 only when the engine wants it once it has seen the headers (MIME type)', async () => {
  const waf = new FakeWaf({ responseMimeTypes: ['text/plain'] });
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    res.setHeader('Content-Type', req.url === '/text' ? 'text/plain; charset=utf-8' : 'image/png');
    res.write('part1-');
    res.end('part2');
  };
  await withServer(waf, handler, async (port, _done, waitFor) => {
    const text = await send(port, 'GET /text HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
    const image = await send(port, 'GET /image HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
    assert.equal(text.response!.body.toString(), 'part1-part2');
    assert.equal(image.response!.body.toString(), 'part1-part2');
    await waitFor(2);
    const byUri = new Map(waf.txs.map((tx) => [tx.uri, tx]));
    assert.equal(byUri.get('/text')!.responseBody.toString(), 'part1-part2');
    assert.equal(byUri.get('/image')!.responseBody.length, 0);
    assert.deepEqual(byUri.get('/image')!.calls.slice(2), ['phase1', 'phase2', 'phase3', 'phase4', 'phase5']);
  });
});
