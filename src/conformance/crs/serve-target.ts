/**
 * The over-HTTP target of the CRS regression suite: a real `vpatch serve` process (one
 * worker, CRS with the CRS test configuration of `serve-setup.ts`, DetectionOnly) in front of
 * the albedo-compatible backend, both on loopback. Rule ids and error-log lines come back the
 * way go-ftw gets them from a real server, from its logs:
 *
 * - the **audit log** (a file, `--audit-log all`: one JSON record per transaction) says which
 *   transactions ran on which client connection (`client_port`), with their `unique_id` (the
 *   request id) and whether the engine saw them (`vpatch.engine_ms` > 0; a request the front
 *   end answered alone has none);
 * - the **error log** (vpatch's event log on stderr: one `warn` line per matched rule that
 *   logs, carrying `reqId` and ModSecurity's error-log line) gives the rules and the lines the
 *   `log` expectations are checked against. The audit record's messages are not enough: like
 *   ModSecurity's they leave out rules marked `noauditlog` (980170 logs on every request).
 *
 * After a stage's connection is closed, `collect` sends a **marker** request (`X-CRS-Test:
 * <uuid>`, logged by rule 999999) on a new connection and waits until the marker's audit record
 * and its error-log line have been read: both logs are written in order by one process, and the
 * stage's transactions finished before the marker arrived, so everything the stage produced is
 * in by then. No timing guesses; a stage whose transactions never finish reports a timeout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { albedoHandler } from './albedo.js';
import { crsSetupFile } from './engine-waf.js';
import { sendRaw } from './raw-client.js';
import { MARKER_HEADER, MARKER_RULE_ID, SERVE_TEST_FLAGS, serveCrsSetupConf } from './serve-setup.js';
import type { CollectedRules, StageTarget } from './runner.js';

export interface ServeTargetOptions {
  crsDir: string;
  /** Command that runs the vpatch CLI; default: this installation's `node dist/src/cli/main.js`. */
  command?: string[];
  /** Extra `vpatch serve` flags (appended last, so they win). */
  extraFlags?: string[];
  /** How long vpatch serve may take to compile and listen (ms). */
  startTimeoutMs?: number;
  /** Keep the working directory (setup file, audit log, stderr) after close. */
  keep?: boolean;
}

interface AuditInfo {
  uniqueId: string;
  inspected: boolean;
  reason: string | null;
}

interface PortEntry {
  records: AuditInfo[];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** The vpatch CLI of this installation (dist/src/cli/main.js beside this module). */
export function defaultVpatchCommand(): string[] {
  return [process.execPath, fileURLToPath(new URL('../../cli/main.js', import.meta.url))];
}

export class ServeTarget implements StageTarget {
  readonly host = '127.0.0.1';
  /** The exact `vpatch serve` command line (for reports). */
  readonly commandLine: string[];
  private readonly byPort = new Map<number, PortEntry>();
  private readonly lines = new Map<string, Array<{ id: number; line: string }>>();
  private readonly errors = new Map<string, string[]>();
  private readonly auditSeen = new Set<string>();
  private auditOffset = 0;
  private auditRest = '';
  private stderrRest = '';
  private stderrTail: string[] = [];
  private poller: NodeJS.Timeout | null = null;
  private waiters: Array<() => void> = [];
  private exited = false;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly auditPath: string,
    private readonly child: ChildProcess,
    private readonly backend: Server,
    private readonly keep: boolean,
    command: string[],
  ) {
    this.commandLine = command;
    child.stderr!.setEncoding('latin1');
    child.stderr!.on('data', (chunk: string) => this.onStderr(chunk));
    child.once('exit', () => {
      this.exited = true;
      this.wake();
    });
  }

  static async start(options: ServeTargetOptions): Promise<ServeTarget> {
    const dir = mkdtempSync(join(tmpdir(), 'vpatch-crs-serve-'));
    const setupSource = crsSetupFile(options.crsDir);
    const setupPath = join(dir, 'crs-setup-test.conf');
    writeFileSync(setupPath, serveCrsSetupConf(readFileSync(setupSource, 'utf8'), setupSource));
    const auditPath = join(dir, 'audit.log');
    writeFileSync(auditPath, '');

    const backend = createHttpServer({ requireHostHeader: false }, albedoHandler);
    await new Promise<void>((resolve, reject) => {
      backend.once('error', reject);
      backend.listen(0, '127.0.0.1', () => resolve());
    });
    const backendPort = (backend.address() as AddressInfo).port;
    const port = await freePort();
    const base = options.command ?? defaultVpatchCommand();
    const command = [
      ...base,
      'serve',
      '--listen', `127.0.0.1:${port}`,
      '--upstream', `http://127.0.0.1:${backendPort}`,
      '--crs-dir', options.crsDir,
      '--crs-setup', setupPath,
      '--audit-log-path', auditPath,
      ...SERVE_TEST_FLAGS,
      ...(options.extraFlags ?? []),
    ];
    const env = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith('VPATCH_')) delete env[k];
    const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env });
    const target = new ServeTarget(port, dir, auditPath, child, backend, options.keep ?? false, command);
    const deadline = Date.now() + (options.startTimeoutMs ?? 180_000);
    for (;;) {
      if (target.exited) {
        await target.close();
        throw new Error(`vpatch serve exited before listening: ${target.stderrTail.join('\n')}`);
      }
      if (await canConnect(port)) break;
      if (Date.now() > deadline) {
        await target.close();
        throw new Error(`vpatch serve did not listen on 127.0.0.1:${port} within ${options.startTimeoutMs ?? 180_000} ms: ${target.stderrTail.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return target;
  }

  // ------------------------------------------------------------------------- log readers

  private onStderr(chunk: string): void {
    const text = this.stderrRest + chunk;
    const parts = text.split('\n');
    this.stderrRest = parts.pop()!;
    let woke = false;
    for (const raw of parts) {
      if (!raw) continue;
      let rec: { level?: number; reqId?: string; ruleId?: number; msg?: string; err?: { message?: string } };
      try {
        rec = JSON.parse(Buffer.from(raw, 'latin1').toString('utf8')) as typeof rec;
      } catch {
        this.remember(raw);
        continue;
      }
      if (typeof rec.reqId === 'string' && typeof rec.ruleId === 'number' && typeof rec.msg === 'string') {
        const list = this.lines.get(rec.reqId) ?? [];
        list.push({ id: rec.ruleId, line: rec.msg });
        this.lines.set(rec.reqId, list);
        if (rec.ruleId === MARKER_RULE_ID) woke = true;
      } else if (typeof rec.reqId === 'string' && (rec.level ?? 0) >= 50) {
        const list = this.errors.get(rec.reqId) ?? [];
        list.push(`${rec.msg ?? 'error'}${rec.err?.message ? `: ${rec.err.message}` : ''}`);
        this.errors.set(rec.reqId, list);
      } else if ((rec.level ?? 0) >= 50) {
        this.remember(raw);
      }
    }
    if (woke) this.wake();
  }

  private remember(line: string): void {
    this.stderrTail.push(line.slice(0, 2000));
    if (this.stderrTail.length > 20) this.stderrTail.shift();
  }

  /** Reads the audit records appended since the last call. */
  private readAudit(): void {
    let size: number;
    try {
      size = statSync(this.auditPath).size;
    } catch {
      return;
    }
    if (size <= this.auditOffset) return;
    const fd = openSync(this.auditPath, 'r');
    const buf = Buffer.alloc(size - this.auditOffset);
    try {
      readSync(fd, buf, 0, buf.length, this.auditOffset);
    } finally {
      closeSync(fd);
    }
    this.auditOffset = size;
    const text = this.auditRest + buf.toString('utf8');
    const parts = text.split('\n');
    this.auditRest = parts.pop()!;
    for (const raw of parts) {
      if (!raw.trim()) continue;
      let rec: { transaction?: { unique_id?: string; client_port?: number; vpatch?: { engine_ms?: number; reason?: string | null } } };
      try {
        rec = JSON.parse(raw) as typeof rec;
      } catch {
        continue;
      }
      const t = rec.transaction;
      if (!t || typeof t.unique_id !== 'string') continue;
      const port = Number(t.client_port ?? 0);
      const entry = this.byPort.get(port) ?? { records: [] };
      entry.records.push({ uniqueId: t.unique_id, inspected: (t.vpatch?.engine_ms ?? 0) > 0, reason: t.vpatch?.reason ?? null });
      this.byPort.set(port, entry);
      this.auditSeen.add(t.unique_id);
    }
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves when `done()` holds (re-checked on every log line read), false on timeout or exit. */
  private waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const deadline = Date.now() + timeoutMs;
      const check = (): void => {
        this.readAudit();
        if (done()) return resolve(true);
        if (this.exited || Date.now() > deadline) return resolve(false);
        this.waiters.push(check);
        if (!this.poller) {
          this.poller = setInterval(() => {
            if (this.waiters.length === 0) {
              clearInterval(this.poller!);
              this.poller = null;
              return;
            }
            this.wake();
          }, 20);
        }
      };
      check();
    });
  }

  // ------------------------------------------------------------------------- StageTarget

  onConnect(clientPort: number): void {
    // A fresh connection: anything still filed under this port belongs to an older one.
    this.byPort.delete(clientPort);
  }

  async collect(clientPort: number, timeoutMs: number): Promise<CollectedRules | null> {
    const marker = randomUUID();
    let markerPort = 0;
    const req = Buffer.from(`GET /vpatch-crs-marker HTTP/1.1\r\nHost: localhost\r\n${MARKER_HEADER}: ${marker}\r\nConnection: close\r\n\r\n`, 'latin1');
    const ex = await sendRaw(req, { host: this.host, port: this.port, timeoutMs, method: 'GET', onConnect: (p) => (markerPort = p) });
    const reqId = ex.response?.headers.find(([k]) => k.toLowerCase() === 'x-request-id')?.[1];
    if (!reqId) {
      if (markerPort) this.byPort.delete(markerPort);
      return null;
    }
    const ok = await this.waitUntil(() => this.auditSeen.has(reqId) && (this.lines.get(reqId) ?? []).some((l) => l.id === MARKER_RULE_ID), timeoutMs);
    this.byPort.delete(markerPort);
    this.lines.delete(reqId);
    this.auditSeen.delete(reqId);
    if (!ok) return null;
    const entry = this.byPort.get(clientPort);
    this.byPort.delete(clientPort);
    const out: CollectedRules = { rules: [], errors: [], transactions: 0 };
    for (const r of entry?.records ?? []) {
      this.auditSeen.delete(r.uniqueId);
      if (r.inspected) out.transactions++;
      for (const l of this.lines.get(r.uniqueId) ?? []) out.rules.push({ id: l.id, log: true, errorLogLine: l.line });
      this.lines.delete(r.uniqueId);
      const errs = this.errors.get(r.uniqueId);
      this.errors.delete(r.uniqueId);
      if (errs) out.errors.push(...errs);
      else if (r.reason && r.reason.startsWith('engine_')) out.errors.push(r.reason);
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
    this.wake();
    if (!this.exited && this.child.exitCode === null) {
      const gone = new Promise<void>((r) => this.child.once('exit', () => r()));
      this.child.kill('SIGTERM');
      const t = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(t);
    }
    this.backend.closeAllConnections();
    await new Promise<void>((r) => this.backend.close(() => r()));
    if (!this.keep && existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
  }
}
