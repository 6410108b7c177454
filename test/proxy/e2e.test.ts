/**
 * End to end with the real engine: CRS blocking and detection-only over real HTTP with the
 * audit log read back for rule ids, routing, keep-alive reuse, hot reload under load with
 * zero failed requests, a rejected reload, upstream down, graceful shutdown, admin API.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { existsSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestUpstream, request, startProxy, type TestProxy, type Received } from './helpers.js';
import { realEngine } from '../../src/proxy/ruleset.js';
import { CRS_DIR } from '../helpers/shared.js';

const HAVE_CRS = existsSync(join(CRS_DIR, 'rules', 'REQUEST-901-INITIALIZATION.conf'));

function auditLines(file: string): Array<{ transaction: { unique_id: string; response: { http_code: number }; messages?: Array<{ details: { ruleId: string } }>; vpatch: { action: string } } }> {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

describe('CRS over real HTTP', { skip: !HAVE_CRS && 'CRS not found in ../shared/crs' }, () => {
  let up: TestUpstream;
  let proxy: TestProxy;
  const dir = mkdtempSync(join(tmpdir(), 'vpatch-e2e-'));
  const audit = join(dir, 'audit.log');
  before(async () => {
    up = await new TestUpstream().start();
    proxy = await startProxy(
      {
        file: join(dir, 'vpatch.yaml'),
        text: `
upstreams: { app: "${up.url}" }
routes:
  - { pathPrefix: /detect, upstream: app, mode: detect }
  - { pathPrefix: /, upstream: app }
rules: { crsDir: "${CRS_DIR}", paranoia: 1 }
audit: { mode: relevant, path: "${audit}", parts: ABFHZ }
`,
        flags: { 'audit.mode': 'relevant' },
      },
      { engine: realEngine },
    );
  });
  after(async () => {
    await proxy.close();
    await up.stop();
  });

  const browser = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0', accept: 'text/html,application/xhtml+xml,*/*;q=0.8', 'accept-language': 'en-US,en;q=0.5', host: 'shop.example.com' };

  test('benign requests pass, SQL injection is blocked by 949110 after 942100, and the audit log says so', async () => {
    const ok = await request(`${proxy.url}/search?q=blue+shoes`, { headers: browser });
    assert.equal(ok.status, 200);
    const before = up.received.length;
    const bad = await request(`${proxy.url}/search?q=${encodeURIComponent("1' or 1=1-- ")}`, { headers: browser });
    assert.equal(bad.status, 403);
    assert.equal(up.received.length, before);
    const id = String(bad.headers['x-request-id']);
    const rec = auditLines(audit).find((l) => l.transaction.unique_id === id)!;
    assert.ok(rec, 'audit record for the blocked request');
    const ids = rec.transaction.messages!.map((m) => m.details.ruleId);
    assert.ok(ids.includes('942100') && ids.includes('949110'), ids.join(','));
    assert.equal(rec.transaction.response.http_code, 403);
  });

  test('JSON body attack is blocked in phase 2; the same JSON, benign, is forwarded byte-identical', async () => {
    const body = JSON.stringify({ user: 'alice', comment: 'nice <b>shoes</b> indeed' });
    const ok = await request(`${proxy.url}/api/comments`, { method: 'POST', headers: { ...browser, 'content-type': 'application/json' }, body });
    assert.equal(ok.status, 200);
    assert.equal((JSON.parse(ok.body) as Received).bodyLength, Buffer.byteLength(body));
    const bad = await request(`${proxy.url}/api/comments`, { method: 'POST', headers: { ...browser, 'content-type': 'application/json' }, body: JSON.stringify({ comment: '<script>alert(document.cookie)</script>' }) });
    assert.equal(bad.status, 403);
  });

  test('detection-only route forwards the attack and audits it as detected', async () => {
    const r = await request(`${proxy.url}/detect?q=${encodeURIComponent("1' or 1=1-- ")}`, { headers: browser });
    assert.equal(r.status, 200);
    const rec = auditLines(audit).find((l) => l.transaction.unique_id === r.headers['x-request-id'])!;
    assert.equal(rec.transaction.vpatch.action, 'detected');
    assert.ok(rec.transaction.messages!.some((m) => m.details.ruleId === '942100'));
  });

  test('audit log reopen (SIGHUP path) writes to a fresh file after rotation', async () => {
    renameSync(audit, audit + '.1');
    proxy.server.reopenLogs();
    const r = await request(`${proxy.url}/x?q=${encodeURIComponent('<script>alert(1)</script>')}`, { headers: browser });
    assert.equal(r.status, 403);
    assert.ok(auditLines(audit).some((l) => l.transaction.unique_id === r.headers['x-request-id']));
  });
});

describe('reload, routing and shutdown with the real engine', () => {
  let a: TestUpstream;
  let b: TestUpstream;
  before(async () => {
    a = await new TestUpstream((req, res) => {
      if (req.url?.startsWith('/slow')) {
        setTimeout(() => res.end('slow done'), 300);
        return true;
      }
      return false;
    }).start();
    b = await new TestUpstream().start();
  });
  after(async () => {
    await a.stop();
    await b.stop();
  });

  const rulesFor = (word: string): string => `SecRuleEngine On\nSecRule ARGS "@contains ${word}" "id:5001,phase:2,deny,status:403,log,msg:'${word}'"\n`;

  test('routes by host and path prefix to different upstreams', async () => {
    const p = await startProxy({ file: 'r.yaml', text: `upstreams: { a: "${a.url}", b: "${b.url}" }\nroutes:\n  - { hosts: [api.example.com], pathPrefix: /v2, upstream: b }\n  - { pathPrefix: /, upstream: a }\nrules: { inline: ${JSON.stringify(rulesFor('evil'))} }\n` }, { engine: realEngine });
    try {
      const nb = b.received.length;
      const na = a.received.length;
      assert.equal((await request(`${p.url}/v2/x`, { headers: { host: 'api.example.com' } })).status, 200);
      assert.equal((await request(`${p.url}/v2x`, { headers: { host: 'api.example.com' } })).status, 200);
      assert.equal((await request(`${p.url}/v2/x`, { headers: { host: 'www.example.com' } })).status, 200);
      assert.equal(b.received.length - nb, 1);
      assert.equal(a.received.length - na, 2);
      assert.equal((await request(`${p.url}/v2/x?q=evil`, { headers: { host: 'api.example.com' } })).status, 403);
    } finally {
      await p.close();
    }
  });

  test('hot reload under load: zero failed requests; a rule set that fails to compile is rejected and the old one stays', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpatch-reload-'));
    const file = join(dir, 'vpatch.yaml');
    const write = (word: string): void => writeFileSync(file, `upstream: "${a.url}"\nrules:\n  inline: ${JSON.stringify(rulesFor(word))}\n`);
    write('alpha');
    const p = await startProxy({ file }, { engine: realEngine });
    try {
      assert.equal((await request(`${p.url}/?q=alpha`)).status, 403);
      const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
      let stop = false;
      let ok = 0;
      const failures: string[] = [];
      const worker = async (): Promise<void> => {
        while (!stop) {
          try {
            const r = await request(`${p.url}/load?q=benign`, { agent });
            if (r.status === 200) ok++;
            else failures.push(`status ${r.status}`);
          } catch (err) {
            failures.push((err as Error).message);
          }
        }
      };
      const workers = Array.from({ length: 8 }, worker);
      const words = ['beta', 'gamma', 'delta', 'epsilon', 'zeta'];
      for (const w of words) {
        write(w);
        const res = await p.server.reload();
        assert.equal(res.ok, true, res.error);
        await new Promise((r) => setTimeout(r, 30));
      }
      // A broken rule set is rejected with the error; the last good one stays active.
      writeFileSync(file, `upstream: "${a.url}"\nrules:\n  inline: "SecRule ARGS \\"@nosuchoperator x\\" \\"id:1,phase:2,deny\\""\n`);
      const bad = await p.server.reload();
      assert.equal(bad.ok, false);
      assert.match(bad.error ?? '', /nosuchoperator|operator/i);
      stop = true;
      await Promise.all(workers);
      agent.destroy();
      assert.deepEqual(failures, []);
      assert.ok(ok >= words.length, `requests served during reloads: ${ok}`);
      assert.equal((await request(`${p.url}/?q=zeta`)).status, 403, 'the last good rules are active');
      assert.equal((await request(`${p.url}/?q=alpha`)).status, 200, 'the first rules are gone');
      assert.equal(p.server.generation.id, 1 + words.length);
    } finally {
      await p.close();
    }
  });

  test('graceful shutdown lets an in-flight request finish, then refuses new connections', async () => {
    const p = await startProxy({ flags: { upstream: a.url } }, { engine: realEngine });
    const inflight = request(`${p.url}/slow`);
    await new Promise((r) => setTimeout(r, 100));
    const closing = p.server.close();
    assert.equal(p.server.ready, false);
    const r = await inflight;
    assert.equal(r.status, 200);
    assert.equal(r.body, 'slow done');
    await closing;
    await assert.rejects(request(`${p.url}/after`), /ECONNREFUSED/);
  });

  test('admin API: health, readiness, metrics and reload behind a token', async () => {
    const token = 't'.repeat(24);
    const p = await startProxy({ flags: { upstream: a.url, 'admin.listen': '127.0.0.1:0', 'admin.token': token } }, { engine: realEngine, admin: true });
    try {
      const admin = `http://127.0.0.1:${p.server.adminAddress!.port}`;
      assert.equal((await request(`${admin}/healthz`)).status, 200);
      assert.equal((await request(`${admin}/readyz`)).status, 200);
      assert.equal((await request(`${admin}/metrics`)).status, 401);
      await request(`${p.url}/count-me`);
      const m = await request(`${admin}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(m.status, 200);
      assert.match(m.body, /vpatch_requests_total\{route="default",action="forwarded",status_class="2xx"\} 1/);
      assert.match(m.body, /vpatch_upstream_duration_seconds_count\{upstream="upstream1"\} 1/);
      const rl = await request(`${admin}/reload`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      assert.equal(rl.status, 200);
      assert.equal((JSON.parse(rl.body) as { generation: number }).generation, 2);
    } finally {
      await p.close();
    }
  });
});
