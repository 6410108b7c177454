/**
 * Process plumbing for `npm run bench`: tool installation with apt-get, free loopback ports,
 * waiting for a listener, and CPU time of a process tree from /proc.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { connect, createServer } from 'node:net';

export const NGINX_BIN = '/usr/sbin/nginx';
export const MODSEC_MODULES = ['/usr/lib/nginx/modules/ngx_http_modsecurity_module.so', '/usr/share/nginx/modules/ngx_http_modsecurity_module.so'];

export function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p ? p : null;
}

export function modsecModule(): string | null {
  return MODSEC_MODULES.find((m) => existsSync(m)) ?? null;
}

interface Missing {
  packages: string[];
  what: string[];
}

function missingTools(): Missing {
  const m: Missing = { packages: [], what: [] };
  if (!existsSync(NGINX_BIN)) {
    m.packages.push('nginx');
    m.what.push(NGINX_BIN);
  }
  if (!modsecModule()) {
    m.packages.push('libnginx-mod-http-modsecurity');
    m.what.push('ngx_http_modsecurity_module.so');
  }
  if (!which('wrk')) {
    m.packages.push('wrk');
    m.what.push('wrk');
  }
  if (!which('taskset')) {
    m.packages.push('util-linux');
    m.what.push('taskset');
  }
  return m;
}

/**
 * Installs nginx, the ModSecurity v3 nginx module, wrk and taskset with `apt-get install -y`
 * when missing (as root, or through `sudo -n`). Throws when they are still missing after.
 */
export function ensureTools(log: (s: string) => void): void {
  const before = missingTools();
  if (before.packages.length === 0) return;
  log(`missing: ${before.what.join(', ')}; installing ${before.packages.join(' ')} with apt-get`);
  const root = process.getuid?.() === 0;
  const cmd = root ? ['apt-get'] : ['sudo', '-n', 'apt-get'];
  const opts = { stdio: 'inherit' as const, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  let r = spawnSync(cmd[0]!, [...cmd.slice(1), 'install', '-y', ...before.packages], opts);
  if (r.status !== 0) {
    // Package lists may be missing on a fresh machine.
    spawnSync(cmd[0]!, [...cmd.slice(1), 'update'], opts);
    r = spawnSync(cmd[0]!, [...cmd.slice(1), 'install', '-y', ...before.packages], opts);
  }
  const after = missingTools();
  if (after.packages.length > 0) throw new Error(`apt-get install ${before.packages.join(' ')} failed (exit ${r.status}); still missing: ${after.what.join(', ')}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Distinct free loopback ports. */
export async function freePorts(n: number): Promise<number[]> {
  const out = new Set<number>();
  while (out.size < n) out.add(await freePort());
  return [...out];
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

export async function waitForPort(port: number, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`process exited before listening on ${port}`);
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listening on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

let clkTck = 0;
function ticksPerSecond(): number {
  if (clkTck === 0) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    clkTck = Number(r.stdout.trim()) || 100;
  }
  return clkTck;
}

/** Fields of /proc/PID/stat after the command name (state is index 0, ppid 1, utime 11, stime 12). */
function statFields(pid: number): string[] | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return s.slice(s.lastIndexOf(')') + 2).trim().split(' ');
  } catch {
    return null;
  }
}

/** `root` and all its descendants. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (!f) continue;
    const ppid = Number(f[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

/** User + system CPU seconds of the given processes (utime + stime from /proc/PID/stat). */
export function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const f = statFields(pid);
    if (f) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / ticksPerSecond();
}

/** Which CPUs a process may run on (`taskset -p`), e.g. "1". */
export function affinityOf(pid: number): string {
  const r = spawnSync('taskset', ['-cp', String(pid)], { encoding: 'utf8' });
  return /:\s*(\S+)\s*$/.exec(r.stdout.trim())?.[1] ?? '?';
}

export function cmdOutput(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
}
