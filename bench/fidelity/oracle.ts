/**
 * The oracle: nginx + libnginx-mod-http-modsecurity (ModSecurity v3) with the same CRS and
 * settings as vpatch, on loopback. Everything lives in a temporary prefix owned by the
 * current user: nginx.conf, the ModSecurity rules file, pid, logs and temp paths.
 *
 * One server block runs ModSecurity and proxies to a second that answers 200 with a marker
 * header (a trivial upstream; `return` in the ModSecurity server itself would run before
 * ModSecurity's phase handlers). Each transaction's id is nginx's `$request_id`, returned to
 * the client in `X-Fid-Id`; ModSecurity writes a JSON audit record per transaction (serial
 * log), which is where the matched rule ids come from — the error log truncates long lines.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseConf, crsSetupFile, paranoiaConf, type Settings } from './settings.js';

export const NGINX_BIN = '/usr/sbin/nginx';
export const MODSEC_MODULE_CANDIDATES = ['/usr/lib/nginx/modules/ngx_http_modsecurity_module.so', '/usr/share/nginx/modules/ngx_http_modsecurity_module.so'];

export const UPSTREAM_MARKER = 'X-Fid-Upstream';
export const ID_HEADER = 'X-Fid-Id';

export interface OracleAvailability {
  ok: boolean;
  nginx?: string;
  module?: string;
  reason?: string;
}

/** Whether nginx and its ModSecurity module are installed (no side effects). */
export function oracleAvailable(): OracleAvailability {
  if (!existsSync(NGINX_BIN)) return { ok: false, reason: `${NGINX_BIN} not found (apt-get install nginx libnginx-mod-http-modsecurity)` };
  const module = MODSEC_MODULE_CANDIDATES.find((m) => existsSync(m));
  if (!module) return { ok: false, reason: `ngx_http_modsecurity_module.so not found (apt-get install libnginx-mod-http-modsecurity)` };
  return { ok: true, nginx: NGINX_BIN, module };
}

/** Installs the Debian packages when missing (as root, or through sudo when available). */
export function ensureOracleInstalled(log: (s: string) => void = () => {}): OracleAvailability {
  const a = oracleAvailable();
  if (a.ok) return a;
  log(`oracle missing: ${a.reason}; installing nginx libnginx-mod-http-modsecurity with apt-get`);
  const root = process.getuid?.() === 0;
  const cmd = root ? ['apt-get'] : ['sudo', '-n', 'apt-get'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const opts = { stdio: 'inherit' as const, env };
  let r = spawnSync(cmd[0]!, [...cmd.slice(1), 'install', '-y', 'nginx', 'libnginx-mod-http-modsecurity'], opts);
  if (r.status !== 0) {
    // The package lists may be missing on a fresh machine.
    spawnSync(cmd[0]!, [...cmd.slice(1), 'update'], opts);
    r = spawnSync(cmd[0]!, [...cmd.slice(1), 'install', '-y', 'nginx', 'libnginx-mod-http-modsecurity'], opts);
  }
  const after = oracleAvailable();
  if (!after.ok) return { ok: false, reason: `apt-get install failed (exit ${r.status}): ${after.reason}` };
  return after;
}

/** A free loopback TCP port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

export interface AuditMessage {
  ruleId: number;
  message: string;
  match: string;
  data: string;
}

export interface AuditRecord {
  uniqueId: string;
  status: number;
  messages: AuditMessage[];
}

export interface OracleOptions extends Settings {
  /** nginx worker processes (default 2). */
  workers?: number;
  /** Keep the temp prefix after stop (for debugging). */
  keep?: boolean;
}

export class NginxOracle {
  private auditOffset = 0;
  private errorOffset = 0;
  private readonly records = new Map<string, AuditRecord>();
  /** Rule ids per unique id from the error log (which also has rules marked `noauditlog`, e.g. 980170). */
  private readonly errorLogIds = new Map<string, Map<number, string>>();

  private constructor(
    readonly prefix: string,
    readonly port: number,
    readonly upstreamPort: number,
    private readonly child: ChildProcess,
    private readonly keep: boolean,
    private readonly stderr: () => string,
  ) {}

  get auditLogPath(): string {
    return join(this.prefix, 'logs', 'audit.log');
  }

  get errorLogPath(): string {
    return join(this.prefix, 'logs', 'error.log');
  }

  static async start(options: OracleOptions): Promise<NginxOracle> {
    const avail = oracleAvailable();
    if (!avail.ok) throw new Error(`ModSecurity oracle unavailable: ${avail.reason}`);
    const prefix = mkdtempSync(join(tmpdir(), 'vpatch-fidelity-nginx-'));
    for (const d of ['logs', 'tmp', 'tmp/body', 'tmp/proxy', 'tmp/fastcgi', 'tmp/uwsgi', 'tmp/scgi', 'conf']) mkdirSync(join(prefix, d), { recursive: true });
    const port = await freePort();
    let upstreamPort = await freePort();
    while (upstreamPort === port) upstreamPort = await freePort();
    const setup = crsSetupFile(options.crsDir);
    writeFileSync(join(prefix, 'conf', '00-base.conf'), baseConf());
    writeFileSync(join(prefix, 'conf', '05-paranoia.conf'), paranoiaConf(options.paranoia));
    // Oracle-only: where ModSecurity writes what it did (vpatch reads it from the transaction).
    writeFileSync(join(prefix, 'conf', '01-oracle-logging.conf'), `SecAuditEngine On
SecAuditLogFormat JSON
SecAuditLogType Serial
SecAuditLogParts ABHZ
SecAuditLog ${join(prefix, 'logs', 'audit.log')}
SecTmpDir ${join(prefix, 'tmp')}
SecDataDir ${join(prefix, 'tmp')}
`);
    writeFileSync(join(prefix, 'conf', 'modsecurity.conf'), [
      `Include ${join(prefix, 'conf', '00-base.conf')}`,
      `Include ${join(prefix, 'conf', '01-oracle-logging.conf')}`,
      `Include ${setup}`,
      `Include ${join(prefix, 'conf', '05-paranoia.conf')}`,
      `Include ${join(options.crsDir, 'rules', '*.conf')}`,
      '',
    ].join('\n'));
    writeFileSync(join(prefix, 'conf', 'nginx.conf'), `# generated by bench/fidelity/oracle.ts
load_module ${avail.module};
daemon off;
master_process on;
worker_processes ${options.workers ?? 2};
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'logs', 'error.log')} info;
events { worker_connections 1024; }
http {
  access_log ${join(prefix, 'logs', 'access.log')};
  client_body_temp_path ${join(prefix, 'tmp', 'body')};
  proxy_temp_path ${join(prefix, 'tmp', 'proxy')};
  fastcgi_temp_path ${join(prefix, 'tmp', 'fastcgi')};
  uwsgi_temp_path ${join(prefix, 'tmp', 'uwsgi')};
  scgi_temp_path ${join(prefix, 'tmp', 'scgi')};
  # Hand every header to ModSecurity, as vpatch sees them (nginx drops names with '_' by default).
  ignore_invalid_headers off;
  underscores_in_headers on;
  large_client_header_buffers 8 64k;
  client_header_buffer_size 64k;
  client_max_body_size 20m;
  client_body_buffer_size 20m;
  keepalive_timeout 5;
  server_tokens off;

  server {
    listen 127.0.0.1:${upstreamPort};
    location / {
      add_header ${UPSTREAM_MARKER} 1 always;
      return 200 "ok\\n";
    }
  }

  server {
    listen 127.0.0.1:${port} default_server;
    modsecurity on;
    modsecurity_rules_file ${join(prefix, 'conf', 'modsecurity.conf')};
    modsecurity_transaction_id "$request_id";
    add_header ${ID_HEADER} $request_id always;
    location / {
      proxy_pass http://127.0.0.1:${upstreamPort};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`);
    let err = '';
    const child = spawn(avail.nginx!, ['-p', prefix, '-c', join(prefix, 'conf', 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
    });
    // If this process dies without stop(), do not leave nginx running.
    const reap = (): void => {
      if (child.exitCode === null) child.kill('SIGTERM'); // fast shutdown: the master stops its workers
    };
    process.once('exit', reap);
    child.once('exit', () => process.removeListener('exit', reap));
    const oracle = new NginxOracle(prefix, port, upstreamPort, child, options.keep ?? false, () => err);
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) break;
      if ((await canConnect(port)) && (await canConnect(upstreamPort))) return oracle;
      await new Promise((r) => setTimeout(r, 200));
    }
    const log = existsSync(join(prefix, 'logs', 'error.log')) ? readFileSync(join(prefix, 'logs', 'error.log'), 'utf8').split('\n').filter((l) => /emerg|alert|crit|error/.test(l)).slice(-5).join('\n') : '';
    await oracle.stop();
    throw new Error(`nginx did not start (exit ${child.exitCode}): ${err.trim()}\n${log}`);
  }

  /** Reads audit records and error-log lines written since the last call. */
  collect(): void {
    this.collectErrorLog();
    const path = this.auditLogPath;
    if (!existsSync(path)) return;
    const size = statSync(path).size;
    if (size <= this.auditOffset) return;
    const buf = readFileSync(path).subarray(this.auditOffset, size);
    const lastNl = buf.lastIndexOf(0x0a);
    if (lastNl < 0) return;
    this.auditOffset += lastNl + 1;
    for (const line of buf.subarray(0, lastNl).toString('latin1').split('\n')) {
      if (!line.trim()) continue;
      let rec: { transaction?: { unique_id?: string; response?: { http_code?: number }; messages?: Array<{ message?: string; details?: { ruleId?: string; match?: string; data?: string } }> } };
      try {
        rec = JSON.parse(line) as typeof rec;
      } catch {
        continue;
      }
      const t = rec.transaction;
      if (!t?.unique_id) continue;
      this.records.set(t.unique_id, {
        uniqueId: t.unique_id,
        status: t.response?.http_code ?? 0,
        messages: (t.messages ?? []).map((m) => ({ ruleId: Number(m.details?.ruleId ?? 0), message: m.message ?? '', match: m.details?.match ?? '', data: m.details?.data ?? '' })),
      });
    }
  }

  private collectErrorLog(): void {
    const path = this.errorLogPath;
    if (!existsSync(path)) return;
    const size = statSync(path).size;
    if (size <= this.errorOffset) return;
    const buf = readFileSync(path).subarray(this.errorOffset, size);
    const lastNl = buf.lastIndexOf(0x0a);
    if (lastNl < 0) return;
    this.errorOffset += lastNl + 1;
    for (const line of buf.subarray(0, lastNl).toString('latin1').split('\n')) {
      if (!line.includes('ModSecurity: ')) continue;
      // nginx cuts error-log lines at 2 KB: a line without its unique_id cannot be attributed
      // (its rule is in the audit log unless the rule says noauditlog).
      const uid = /\[unique_id "([^"]+)"\]/.exec(line)?.[1];
      const id = /\[line "\d+"\] \[id "(\d+)"\]/.exec(line)?.[1];
      if (!uid || !id) continue;
      const m = this.errorLogIds.get(uid) ?? new Map<number, string>();
      this.errorLogIds.set(uid, m);
      const data = /\[data "((?:[^"\\]|\\.)*)"\]/.exec(line)?.[1] ?? '';
      const msg = /\[msg "((?:[^"\\]|\\.)*)"\]/.exec(line)?.[1] ?? '';
      if (!m.has(Number(id))) m.set(Number(id), data || msg);
    }
  }

  /** The transaction's audit record, with messages the error log has and the audit log lacks (noauditlog) added. */
  record(uniqueId: string): AuditRecord | undefined {
    const rec = this.records.get(uniqueId);
    if (!rec) return undefined;
    const extra = this.errorLogIds.get(uniqueId);
    if (!extra) return rec;
    const have = new Set(rec.messages.map((m) => m.ruleId));
    const messages = rec.messages.slice();
    for (const [ruleId, data] of extra) if (!have.has(ruleId)) messages.push({ ruleId, message: '(error log only)', match: '', data });
    return { ...rec, messages };
  }

  /** Waits until every id has an audit record (they are written in nginx's log phase, after the response). */
  async waitFor(ids: string[], timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.collect();
      if (ids.every((id) => this.records.has(id)) || Date.now() > deadline) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.pid !== undefined) {
      const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
      this.child.kill('SIGQUIT');
      const t = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    if (!this.keep) rmSync(this.prefix, { recursive: true, force: true });
  }

  stderrText(): string {
    return this.stderr();
  }
}
