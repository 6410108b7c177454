/**
 * The processes of `npm run bench`, all on loopback, each in its own directory under the
 * run's temporary directory:
 *
 * - the origin: nginx (one worker) answering every request with a small 200 (`ok\n`);
 * - the four systems under test, each one process (nginx: master + one worker) pinned with
 *   `taskset` to the same core:
 *     bare   the bare Node reverse proxy (bench/proxy/bare-proxy.ts),
 *     modsec nginx + ModSecurity v3 (libnginx-mod-http-modsecurity) + CRS at PL1 with
 *            ModSecurity's recommended base configuration,
 *     crs    vpatch serve --workers 1 --crs-dir CRS --paranoia 1 --patches none,
 *     vp     vpatch serve --workers 1 --patches builtin (virtual patches only),
 *   and, to separate the data plane's own cost from the engine's:
 *     off    vpatch serve --workers 1 --mode off --patches none (no inspection).
 *
 * Both WAFs log as they do by default in production: access log, error log with a line per
 * matched rule, and a JSON audit record per relevant transaction, all to files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileSync } from 'node:fs';
import { NGINX_BIN, modsecModule, processTree, waitForPort } from './procs.js';
import { baseConf, crsSetupFile, paranoiaConf } from '../fidelity/settings.js';

export type SystemKey = 'bare' | 'modsec' | 'crs' | 'vp' | 'off';

export interface SystemSpec {
  key: SystemKey;
  name: string;
}

export const SYSTEMS: SystemSpec[] = [
  { key: 'bare', name: 'bare Node proxy (node:http + undici)' },
  { key: 'modsec', name: 'nginx + ModSecurity v3 + CRS PL1' },
  { key: 'crs', name: 'vpatch serve + CRS PL1' },
  { key: 'vp', name: 'vpatch serve, virtual patches only' },
  { key: 'off', name: 'vpatch serve, inspection off (data plane only)' },
];

export interface Running {
  key: string;
  name: string;
  port: number;
  /** The spawned process (nginx: the master). */
  pid: number;
  /** The process and its descendants (nginx: master and worker), for CPU accounting. */
  pids(): number[];
  stop(): Promise<void>;
  /** Last lines of its stderr/error log, for failures. */
  tail(): string;
}

export interface Env {
  repo: string;
  dir: string;
  crsDir: string;
  /** CPU list for the systems under test (taskset -c). */
  core: string;
  /** CPU list for the origin (and wrk). */
  loadCore: string;
  /** vpatch's engine time budget per request (--timeout-engine). */
  engineBudget: string;
}

function tailOf(file: string, n = 15): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').split('\n').slice(-n).join('\n');
}

async function launch(env: Env, key: string, name: string, port: number, core: string, cmd: string, args: string[], logFile: string, errFile: string, readyMs: number, cwd?: string): Promise<Running> {
  const out = openSync(logFile, 'a');
  const err = openSync(errFile, 'a');
  const child: ChildProcess = spawn('taskset', ['-c', core, cmd, ...args], { stdio: ['ignore', out, err], cwd: cwd ?? env.dir, env: { ...process.env, NODE_ENV: 'production' } });
  closeSync(out);
  closeSync(err);
  const pid = child.pid!;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const running: Running = {
    key,
    name,
    port,
    pid,
    pids: () => processTree(pid),
    tail: () => tailOf(errFile),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(cmd === NGINX_BIN ? 'SIGQUIT' : 'SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
  try {
    await waitForPort(port, readyMs, () => child.exitCode === null && child.signalCode === null);
  } catch (e) {
    await running.stop();
    throw new Error(`${name} did not start: ${(e as Error).message}\n${tailOf(errFile)}`);
  }
  return running;
}

function nginxDirs(prefix: string): void {
  for (const d of ['logs', 'tmp/body', 'tmp/proxy', 'tmp/fastcgi', 'tmp/uwsgi', 'tmp/scgi', 'conf', 'modsec']) mkdirSync(join(prefix, d), { recursive: true });
}

function nginxCommon(prefix: string): string {
  return `daemon off;
master_process on;
worker_processes 1;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'logs', 'error.log')} warn;
events { worker_connections 4096; }
`;
}

function httpTemps(prefix: string): string {
  return `  client_body_temp_path ${join(prefix, 'tmp', 'body')};
  proxy_temp_path ${join(prefix, 'tmp', 'proxy')};
  fastcgi_temp_path ${join(prefix, 'tmp', 'fastcgi')};
  uwsgi_temp_path ${join(prefix, 'tmp', 'uwsgi')};
  scgi_temp_path ${join(prefix, 'tmp', 'scgi')};
  server_tokens off;
  keepalive_timeout 65;
  keepalive_requests 10000000;
`;
}

/** The trivial origin: nginx answering 200 `ok\n` to everything (bodies are read and discarded). */
export async function startOrigin(env: Env, port: number): Promise<Running> {
  const prefix = join(env.dir, 'origin');
  nginxDirs(prefix);
  writeFileSync(join(prefix, 'conf', 'nginx.conf'), `# bench origin
${nginxCommon(prefix)}
http {
${httpTemps(prefix)}
  access_log off;
  default_type text/plain;
  server {
    listen 127.0.0.1:${port} default_server;
    location / { return 200 "ok\\n"; }
  }
}
`);
  return launch(env, 'origin', 'origin (nginx return 200)', port, env.loadCore, NGINX_BIN, ['-p', prefix, '-c', join(prefix, 'conf', 'nginx.conf')], join(prefix, 'logs', 'stdout.log'), join(prefix, 'logs', 'error.log'), 30_000);
}

export async function startBare(env: Env, port: number, originPort: number): Promise<Running> {
  const dir = join(env.dir, 'bare');
  mkdirSync(dir, { recursive: true });
  const script = resolve(env.repo, 'dist', 'bench', 'proxy', 'bare-proxy.js');
  return launch(env, 'bare', SYSTEMS[0]!.name, port, env.core, process.execPath, [script, '--listen', `127.0.0.1:${port}`, '--upstream', `http://127.0.0.1:${originPort}`], join(dir, 'stdout.log'), join(dir, 'stderr.log'), 30_000);
}

/**
 * nginx + ModSecurity v3: ModSecurity's recommended request-body settings and rules
 * 200000-200003 (bench/fidelity/settings.ts, shared with the fidelity check), CRS's
 * crs-setup.conf.example, blocking paranoia level 1, rules/*.conf; audit log RelevantOnly in
 * JSON to a file, like vpatch serve's default.
 */
export async function startModsec(env: Env, port: number, originPort: number): Promise<Running> {
  const prefix = join(env.dir, 'modsec');
  nginxDirs(prefix);
  const module = modsecModule();
  if (!module) throw new Error('ngx_http_modsecurity_module.so not found');
  writeFileSync(join(prefix, 'conf', 'modsec-base.conf'), baseConf());
  writeFileSync(join(prefix, 'conf', 'modsec-logging.conf'), `# audit log as vpatch serve writes it by default (relevant transactions, JSON)
SecAuditEngine RelevantOnly
SecAuditLogRelevantStatus "^(?:5|4(?!04))"
SecAuditLogParts ABFHZ
SecAuditLogType Serial
SecAuditLogFormat JSON
SecAuditLog ${join(prefix, 'logs', 'modsec_audit.log')}
SecTmpDir ${join(prefix, 'modsec')}
SecDataDir ${join(prefix, 'modsec')}
SecArgumentSeparator &
SecCookieFormat 0
SecStatusEngine Off
`);
  writeFileSync(join(prefix, 'conf', 'modsec-paranoia.conf'), paranoiaConf(1));
  writeFileSync(join(prefix, 'conf', 'modsecurity.conf'), [
    `Include ${join(prefix, 'conf', 'modsec-base.conf')}`,
    `Include ${join(prefix, 'conf', 'modsec-logging.conf')}`,
    `Include ${crsSetupFile(env.crsDir)}`,
    `Include ${join(prefix, 'conf', 'modsec-paranoia.conf')}`,
    `Include ${join(env.crsDir, 'rules', '*.conf')}`,
    '',
  ].join('\n'));
  writeFileSync(join(prefix, 'conf', 'nginx.conf'), `# bench: nginx + ModSecurity v3 + CRS
load_module ${module};
${nginxCommon(prefix)}
http {
${httpTemps(prefix)}
  access_log ${join(prefix, 'logs', 'access.log')};
  client_max_body_size 13m;
  client_body_buffer_size 128k;
  upstream origin {
    server 127.0.0.1:${originPort};
    keepalive 128;
    keepalive_requests 10000000;
  }
  server {
    listen 127.0.0.1:${port} default_server;
    modsecurity on;
    modsecurity_rules_file ${join(prefix, 'conf', 'modsecurity.conf')};
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $remote_addr;
    }
  }
}
`);
  // Loading CRS into libmodsecurity takes a few seconds.
  return launch(env, 'modsec', SYSTEMS[1]!.name, port, env.core, NGINX_BIN, ['-p', prefix, '-c', join(prefix, 'conf', 'nginx.conf')], join(prefix, 'logs', 'stdout.log'), join(prefix, 'logs', 'error.log'), 120_000);
}

/** vpatch serve, one process (`--workers 1`), logs to files in its directory. */
export async function startVpatch(env: Env, key: 'crs' | 'vp' | 'off', port: number, originPort: number, adminPort: number): Promise<Running> {
  const dir = join(env.dir, key);
  mkdirSync(dir, { recursive: true });
  const bin = resolve(env.repo, 'bin', 'vpatch.js');
  const rules = key === 'crs' ? ['--crs-dir', env.crsDir, '--paranoia', '1', '--patches', 'none'] : key === 'vp' ? ['--patches', 'builtin'] : ['--mode', 'off', '--patches', 'none'];
  const args = [bin, 'serve', '--workers', '1', ...rules, '--upstream', `http://127.0.0.1:${originPort}`, '--listen', `127.0.0.1:${port}`, '--admin-listen', `127.0.0.1:${adminPort}`, '--audit-log-path', join(dir, 'audit.log'), '--timeout-engine', env.engineBudget];
  const spec = SYSTEMS.find((s) => s.key === key)!;
  return launch(env, key, spec.name, port, env.core, process.execPath, args, join(dir, 'access.log'), join(dir, 'error.log'), 120_000);
}

export function vpatchCommand(key: 'crs' | 'vp' | 'off', engineBudget: string): string {
  const rules = key === 'crs' ? '--crs-dir CRS --paranoia 1 --patches none' : key === 'vp' ? '--patches builtin' : '--mode off --patches none';
  return `vpatch serve --workers 1 ${rules} --upstream ORIGIN --audit-log-path FILE --timeout-engine ${engineBudget}`;
}
