/**
 * `vpatch serve` as a process: starts from flags alone, streams a 50 MB upload with bounded
 * memory (peak RSS read from /proc), rejects smuggling over the wire, reloads on SIGHUP,
 * runs cluster workers, reports config errors with exit code 2, and drains on SIGTERM.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from '../helpers/shared.js';
import { TestUpstream, rawRequest, request } from './helpers.js';

const BIN = resolve(REPO_ROOT, 'bin/vpatch.js');
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function serve(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; port: number; admin: number; stderr: () => string }> {
  const port = await freePort();
  const admin = await freePort();
  const child = spawn(process.execPath, [BIN, 'serve', '--listen', `127.0.0.1:${port}`, '--admin-listen', `127.0.0.1:${admin}`, '--access-log', 'false', '--audit-log', 'off', '--log-level', 'info', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.resume();
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vpatch serve exited ${child.exitCode}: ${err}`);
    try {
      const r = await request(`http://127.0.0.1:${admin}/readyz`);
      if (r.status === 200) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`not ready: ${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, port, admin, stderr: () => err };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code))));
}

function peakRssKb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

test('a bad flag value exits 2 with a precise message', async () => {
  const child = spawn(process.execPath, [BIN, 'serve', '--upstream', 'http://127.0.0.1:1', '--paranoia', '9'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  assert.equal(await exited(child), 2);
  assert.match(err, /--paranoia: must be between 1 and 4, got 9/);
});

test('50 MB upload streams through with bounded buffering; smuggling is rejected on the wire', async () => {
  // The upstream does not read the upload until released: with streaming and backpressure the
  // client can only get a bounded amount ahead of it; a proxy that buffered bodies would take all 50 MB.
  let release: () => void = () => undefined;
  const released = new Promise<void>((r) => (release = r));
  const upstream = http.createServer((req, res) => {
    const go = (): void => {
      const hash = createHash('sha256');
      let n = 0;
      req.on('data', (c: Buffer) => {
        hash.update(c);
        n += c.length;
      });
      req.on('end', () => res.end(JSON.stringify({ bodyLength: n, bodySha256: hash.digest('hex') })));
      req.resume();
    };
    if (req.url === '/upload') {
      req.pause();
      void released.then(go);
    } else go();
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  const upUrl = `http://127.0.0.1:${(upstream.address() as net.AddressInfo).port}`;
  const s = await serve(['--upstream', upUrl, '--workers', '1', '--patches', 'none', '--request-body-limit', '1MB', '--request-body-no-files-limit', '1MB', '--request-body-limit-action', 'partial']);
  try {
    const size = 50 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'z');
    const hash = createHash('sha256');
    let sent = 0;
    const res = new Promise<{ status: number; body: string }>((resolveP, reject) => {
      const req = http.request({ host: '127.0.0.1', port: s.port, path: '/upload', method: 'PUT', headers: { 'content-type': 'application/octet-stream', 'content-length': size } }, (r) => {
        let b = '';
        r.on('data', (d) => (b += d));
        r.on('end', () => resolveP({ status: r.statusCode!, body: b }));
      });
      req.on('error', reject);
      const pump = (): void => {
        while (sent < size) {
          hash.update(chunk);
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    // Wait until the client is stalled by backpressure (no progress for a while).
    let last = -1;
    while (sent !== last) {
      last = sent;
      await new Promise((r) => setTimeout(r, 400));
    }
    const aheadMb = sent / 1024 / 1024;
    assert.ok(aheadMb < 24, `the client got ${aheadMb.toFixed(1)} MB ahead of an upstream that reads nothing`);
    release();
    const done = await res;
    assert.equal(done.status, 200, done.body);
    const got = JSON.parse(done.body) as { bodyLength: number; bodySha256: string };
    assert.equal(got.bodyLength, size);
    assert.equal(got.bodySha256, hash.digest('hex'));
    if (existsSync(`/proc/${s.child.pid}/status`)) {
      const peakMb = peakRssKb(s.child.pid!) / 1024;
      assert.ok(peakMb < 400, `peak RSS ${peakMb.toFixed(0)} MB`);
    }

    for (const raw of [
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\nX: 1\r\n\r\n',
    ]) {
      const r = await rawRequest(s.port, raw);
      assert.equal(r.status, 400, raw);
    }

    // SIGHUP reloads; SIGTERM drains and exits 0.
    s.child.kill('SIGHUP');
    const deadline = Date.now() + 10_000;
    while (!/"reloaded"/.test(s.stderr()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.match(s.stderr(), /"generation":2/);
    s.child.kill('SIGTERM');
    assert.equal(await exited(s.child), 0);
  } finally {
    upstream.closeAllConnections();
    await new Promise<void>((r) => upstream.close(() => r()));
  }
});

test('cluster workers serve, metrics are aggregated, reload fans out', async () => {
  const up = await new TestUpstream().start();
  const s = await serve(['--upstream', up.url, '--workers', '2', '--patches', 'none']);
  try {
    for (let i = 0; i < 6; i++) assert.equal((await request(`http://127.0.0.1:${s.port}/c${i}`)).status, 200);
    const m = await request(`http://127.0.0.1:${s.admin}/metrics`);
    assert.match(m.body, /vpatch_requests_total\{route="default",action="forwarded",status_class="2xx"\} 6/);
    const r = await request(`http://127.0.0.1:${s.admin}/reload`, { method: 'POST' });
    assert.equal(r.status, 200);
    assert.equal((JSON.parse(r.body) as { ok: boolean }).ok, true);
    s.child.kill('SIGTERM');
    assert.equal(await exited(s.child), 0);
  } finally {
    await up.stop();
  }
});
