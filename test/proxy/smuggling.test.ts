/**
 * Request-smuggling and parser-discrepancy defences, each over a raw socket: the request
 * must be answered 400 (414 for an over-long target) with the connection closed, and
 * neither the engine nor the upstream may have seen anything.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FakeEngine, TestUpstream, rawRequest, startProxy, type TestProxy } from './helpers.js';

let upstream: TestUpstream;
let proxy: TestProxy;
let engine: FakeEngine;

before(async () => {
  upstream = await new TestUpstream().start();
  engine = new FakeEngine();
  proxy = await startProxy({ flags: { upstream: upstream.url, 'limits.maxHeaderSize': '4KB', 'limits.maxHeaders': '20', 'limits.maxUriLength': '1KB' } }, { engine });
});
after(async () => {
  await proxy.close();
  await upstream.stop();
});

const H = 'Host: app.test\r\n';
const CASES: Array<[string, string, number?]> = [
  ['Content-Length with Transfer-Encoding (CL.TE)', `POST / HTTP/1.1\r\n${H}Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG`],
  ['Transfer-Encoding with Content-Length (TE.CL)', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n`],
  ['duplicate Content-Length, same value', `POST / HTTP/1.1\r\n${H}Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello`],
  ['duplicate Content-Length, different values', `POST / HTTP/1.1\r\n${H}Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!`],
  ['Content-Length list', `POST / HTTP/1.1\r\n${H}Content-Length: 5, 5\r\n\r\nhello`],
  ['Content-Length with sign', `POST / HTTP/1.1\r\n${H}Content-Length: +5\r\n\r\nhello`],
  ['Content-Length not a number', `POST / HTTP/1.1\r\n${H}Content-Length: 0x5\r\n\r\nhello`],
  ['Transfer-Encoding: xchunked', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n`],
  ['Transfer-Encoding: identity, chunked', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n`],
  ['Transfer-Encoding: chunked, identity', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`],
  ['two Transfer-Encoding fields', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`],
  ['space before colon in Transfer-Encoding', `POST / HTTP/1.1\r\n${H}Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n`],
  ['vertical tab before chunked', `POST / HTTP/1.1\r\n${H}Transfer-Encoding:\x0bchunked\r\n\r\n0\r\n\r\n`],
  ['Transfer-Encoding on HTTP/1.0', `POST / HTTP/1.0\r\n${H}Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n`],
  ['chunk size with 0x prefix', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n`],
  ['chunk size with trailing space', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n`],
  ['chunk size overflow', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nfffffffffffffffff1\r\nhello\r\n0\r\n\r\n`],
  ['chunk data longer than its size', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX\r\n0\r\n\r\n`],
  ['bare LF line ends', `GET / HTTP/1.1\n${H.replace('\r\n', '\n')}\n`],
  ['bare LF inside the head', `GET / HTTP/1.1\r\n${H}X-A: 1\nX-B: 2\r\n\r\n`],
  ['bare CR inside the head', `GET / HTTP/1.1\r\n${H}X-A: 1\rX-B: 2\r\n\r\n`],
  ['bare CR in a header value', `GET / HTTP/1.1\r\n${H}X-A: a\rb\r\n\r\n`],
  ['obs-fold continuation line', `GET / HTTP/1.1\r\n${H}X-A: a\r\n b\r\n\r\n`],
  ['obs-fold of Transfer-Encoding', `POST / HTTP/1.1\r\n${H}Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n`],
  ['NUL in a header value', `GET / HTTP/1.1\r\n${H}X-A: a\x00b\r\n\r\n`],
  ['NUL in the request target', `GET /a\x00b HTTP/1.1\r\n${H}\r\n`],
  ['control character in a header value', `GET / HTTP/1.1\r\n${H}X-A: a\x01b\r\n\r\n`],
  ['header line starting with whitespace', `GET / HTTP/1.1\r\n${H} X-A: 1\r\n\r\n`],
  ['over-long header', `GET / HTTP/1.1\r\n${H}X-A: ${'a'.repeat(5000)}\r\n\r\n`],
  ['too many header fields', `GET / HTTP/1.1\r\n${H}${Array.from({ length: 25 }, (_, i) => `X-${i}: v\r\n`).join('')}\r\n`],
  ['over-long request target', `GET /${'a'.repeat(2000)} HTTP/1.1\r\n${H}\r\n`, 414],
  ['missing Host on HTTP/1.1', `GET / HTTP/1.1\r\n\r\n`],
  ['two Host fields', `GET / HTTP/1.1\r\n${H}Host: other.test\r\n\r\n`],
  ['malformed Host', `GET / HTTP/1.1\r\nHost: a b@c\r\n\r\n`],
  ['two Content-Type fields', `POST / HTTP/1.1\r\n${H}Content-Type: application/json\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}`],
  ['absolute-form target for another host', `GET http://internal.test/admin HTTP/1.1\r\n${H}\r\n`],
  ['fragment in the request target', `GET /a#b HTTP/1.1\r\n${H}\r\n`],
  ['HTTP/0.9 request', `GET /\r\n\r\n`],
  ['HTTP/2.0 request line over HTTP/1', `GET / HTTP/2.0\r\n${H}\r\n`],
  ['space in the request target', `GET /a b HTTP/1.1\r\n${H}\r\n`],
  ['h2c upgrade', `GET / HTTP/1.1\r\n${H}Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n`],
];

for (const [name, data, status = 400] of CASES) {
  test(`rejects ${name} with ${status}, before engine and upstream`, async () => {
    const upBefore = upstream.received.length;
    const txBefore = engine.transactions.length;
    const res = await rawRequest(proxy.port, data);
    assert.equal(res.status, status, res.raw.slice(0, 200));
    assert.equal(res.closed, true, 'connection must be closed');
    assert.match(res.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
    assert.doesNotMatch(res.raw, /vpatch|node|express|HPE_/i, 'the page names no product and no parser error');
    assert.equal(upstream.received.length, upBefore, 'nothing reached the upstream');
    assert.equal(engine.transactions.length, txBefore, 'nothing reached the engine');
  });
}

test('a smuggled second request after a rejected one is never parsed', async () => {
  const upBefore = upstream.received.length;
  const res = await rawRequest(proxy.port, `POST / HTTP/1.1\r\n${H}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /attack HTTP/1.1\r\n${H}\r\n`);
  assert.equal(res.status, 400);
  assert.equal((res.raw.match(/HTTP\/1\.1 /g) ?? []).length, 1, 'exactly one response');
  assert.equal(upstream.received.length, upBefore);
});

test('well-formed chunked and Content-Length requests pass, and the upstream gets exactly the inspected bytes', async () => {
  const res = await rawRequest(proxy.port, `POST /ok HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\n\r\n`, { waitClose: false });
  assert.equal(res.status, 200, res.raw);
  const got = JSON.parse(res.body) as { bodyLength: number; rawHeaders: string[] };
  assert.equal(got.bodyLength, 11);
  const tx = engine.transactions.at(-1)!;
  assert.equal(tx.body.toString(), 'hello world');
  // Re-framed with a Content-Length of the inspected body; Transfer-Encoding is not forwarded.
  const names = got.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
  assert.ok(!names.includes('transfer-encoding'));
  assert.equal(got.rawHeaders[got.rawHeaders.findIndex((n) => n.toLowerCase() === 'content-length') + 1], '11');
  const res2 = await rawRequest(proxy.port, `POST /ok HTTP/1.1\r\n${H}Content-Length: 5\r\n\r\nhello`, { waitClose: false });
  assert.equal(res2.status, 200);
  // Tabs and spaces around a value are optional whitespace, not an attack.
  const res3 = await rawRequest(proxy.port, `GET /ok HTTP/1.1\r\n${H}X-A: \t v \t\r\nTransfer-Encoding: CHUNKED\r\n\r\n0\r\n\r\n`, { waitClose: false });
  assert.equal(res3.status, 200, res3.raw);
});
