/**
 * Differential check against the reference: the catalog's SecLang loaded into libmodsecurity v3
 * (Debian's nginx + libnginx-mod-http-modsecurity, on loopback) must load, and give the same
 * verdict as vpatch's engine on every patch case. Skipped when nginx or the module is not installed.
 * Requests nginx itself rejects before ModSecurity runs (400) are front-end differences, not verdicts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinCatalog, loadCatalog } from '../../src/patches/loader.js';
import { compileForTest, evaluate } from '../../src/patches/engine-runner.js';
import { buildRequest } from '../../src/patches/requests.js';
import { sendRaw } from '../../src/patches/runner.js';

const MODULE_CONF = '/etc/nginx/modules-enabled/50-mod-http-modsecurity.conf';
const available = existsSync('/usr/sbin/nginx') && existsSync(MODULE_CONF);

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

test('the catalog loads in libmodsecurity v3 and its verdicts match the engine on every case', { skip: !available && 'nginx with the ModSecurity module is not installed' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vpatch-modsec-'));
  for (const d of ['logs', 'body', 'proxy', 'fcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, d));
  const upstream = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok\n'));
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  t.after(() => upstream.close());
  const upPort = (upstream.address() as AddressInfo).port;
  const port = await freePort();
  writeFileSync(join(dir, 'catalog.conf'), loadCatalog('builtin', { env: '' }).seclang);
  writeFileSync(
    join(dir, 'main.conf'),
    ['SecRuleEngine On', 'SecRequestBodyAccess On', 'SecRequestBodyLimit 13107200', 'SecRequestBodyNoFilesLimit 1048576', 'SecAuditEngine Off', `Include ${join(dir, 'catalog.conf')}`, ''].join('\n'),
  );
  writeFileSync(
    join(dir, 'nginx.conf'),
    `include /etc/nginx/modules-enabled/*.conf;
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  ignore_invalid_headers off;
  underscores_in_headers on;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  client_max_body_size 10m;
  server {
    listen 127.0.0.1:${port};
    modsecurity on;
    modsecurity_rules_file ${dir}/main.conf;
    location / { proxy_pass http://127.0.0.1:${upPort}; }
  }
}
`,
  );
  const check = spawnSync('/usr/sbin/nginx', ['-t', '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' });
  assert.equal(check.status, 0, `libmodsecurity refused the catalog:\n${check.stderr}`);
  const nginx = spawn('/usr/sbin/nginx', ['-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
  // SIGTERM: the master stops its worker too (SIGKILL would orphan it)
  t.after(() => new Promise<void>((r) => {
    if (nginx.exitCode !== null) return r();
    nginx.once('exit', () => r());
    nginx.kill('SIGTERM');
  }));
  const target = new URL(`http://127.0.0.1:${port}`);
  for (let i = 0; i < 100; i++) {
    if ((await sendRaw(target, buildRequest({ uri: '/ready' }), 1000)).status === 200) break;
    await new Promise((r) => setTimeout(r, 50));
  }

  const patches = builtinCatalog();
  const waf = compileForTest(patches);
  const mismatches: string[] = [];
  let compared = 0;
  for (const p of patches) {
    for (const [kind, cases] of [['block', p.tests.block], ['pass', p.tests.pass]] as const) {
      for (const [i, c] of cases.entries()) {
        const req = buildRequest(c);
        const ours = evaluate(waf, req).interrupted;
        const res = await sendRaw(target, buildRequest(c, target.host));
        if (res.status === 400 || res.status === 0) continue; // rejected by nginx before ModSecurity
        compared++;
        const theirs = res.status === 403;
        if (ours !== theirs) mismatches.push(`${p.id} ${kind}[${i}]: vpatch ${ours ? 'blocks' : 'passes'}, ModSecurity v3 answers ${res.status}`);
      }
    }
  }
  assert.deepEqual(mismatches, []);
  assert.ok(compared > 400, `only ${compared} cases compared`);
  const errors = readFileSync(join(dir, 'logs', 'error.log'), 'utf8').split('\n').filter((l) => /\[(?:emerg|crit)\]/.test(l));
  assert.deepEqual(errors, []);
});
