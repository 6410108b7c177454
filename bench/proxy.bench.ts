/**
 * `npm run bench`: the data plane side by side. One interleaved run measures, on the same
 * trivial origin and the same request profiles, with one worker process each pinned to the
 * same core:
 *
 *   bare    a bare Node reverse proxy (node:http + undici pool, no inspection),
 *   modsec  nginx + ModSecurity v3 + CRS v4 at paranoia level 1,
 *   crs     vpatch serve --workers 1 --crs-dir CRS --paranoia 1 --patches none,
 *   vp      vpatch serve --workers 1 --patches builtin (virtual patches only),
 *   off     vpatch serve --workers 1 --mode off --patches none (the data plane alone, to tell
 *           its cost from the engine's),
 *
 * and prints requests/s, p50 and p99 latency and CPU microseconds per request for each, and
 * the ratios against the bare proxy and against nginx + ModSecurity. Method and figures:
 * docs/BENCHMARKS.md ("Data plane: npm run bench").
 *
 *   node dist/bench/proxy.bench.js [--crs-dir DIR] [--rounds 3] [--duration 8] [--warmup 2]
 *     [--connections 16] [--core 1] [--load-core 0] [--systems bare,modsec,crs,vp,off]
 *     [--profiles get,form,json,sqli] [--engine-budget 30s] [--json FILE] [--keep]
 *   node dist/bench/proxy.bench.js --report FILE      # re-print the report of a run saved with --json
 *
 * Needs nginx, libnginx-mod-http-modsecurity, wrk and taskset; installs the missing ones with
 * `apt-get install -y`. Everything listens on 127.0.0.1 only.
 */
import http from 'node:http';
import { existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PROFILES, wrkScript, type Profile } from './proxy/profiles.js';
import { SYSTEMS, vpatchCommand, startBare, startModsec, startOrigin, startVpatch, type Env, type Running, type SystemKey } from './proxy/systems.js';
import { affinityOf, cmdOutput, cpuSeconds, ensureTools, freePorts } from './proxy/procs.js';
import { runWrk, type WrkResult } from './proxy/wrk.js';
import { repoRoot, defaultCrsDir } from './fidelity/settings.js';

const args = process.argv.slice(2);
function flag(name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
const num = (name: string, dflt: number): number => {
  const v = flag(name);
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}: expected a positive number, got ${v}`);
  return n;
};

const log = (s: string): void => void process.stderr.write(`[bench] ${s}\n`);

interface Measurement {
  round: number;
  system: SystemKey;
  profile: string;
  rps: number;
  p50Us: number;
  p99Us: number;
  cpuUsPerReq: number;
  requests: number;
  non2xx: number;
  socketErrors: number;
}

interface Check {
  system: SystemKey;
  profile: string;
  status: number;
  expected: number | null;
  ok: boolean;
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function send(port: number, p: Profile): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of p.headers) headers[k] = v;
    if (p.body) headers['Content-Length'] = String(p.body.length);
    const req = http.request({ host: '127.0.0.1', port, method: p.method, path: p.path, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolvePromise(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.setTimeout(60_000, () => req.destroy(new Error('timeout')));
    req.end(p.body ?? undefined);
  });
}

/** What each system must answer: WAFs with CRS block the attack, nothing blocks benign traffic. */
function expectedStatus(system: SystemKey, p: Profile): number | null {
  if (!p.attack) return 200;
  if (system === 'modsec' || system === 'crs') return 403;
  if (system === 'bare' || system === 'off') return 200;
  return null; // virtual patches only: no CVE in the profile, either answer is reported
}

const fmt = (n: number, d = 0): string => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '–');
const ms = (us: number): string => (Number.isFinite(us) ? (us >= 100_000 ? fmt(us / 1000, 0) : us >= 10_000 ? fmt(us / 1000, 1) : fmt(us / 1000, 2)) : '–');
const ratio = (x: number): string => (Number.isFinite(x) ? (x >= 10 ? `${fmt(x, 1)}x` : x >= 0.1 ? `${x.toFixed(2)}x` : `${x.toPrecision(2)}x`) : '–');

type Machine = Record<string, unknown> & {
  cpus: number;
  cpuModel: string;
  loadBefore: string;
  loadAfter: string;
  node: string;
  nginx: string;
  libmodsecurity: string;
  wrk: string;
  crs: string;
  core: string;
  loadCore: string;
  rounds: number;
  duration: number;
  warmup: number;
  connections: number;
  engineBudget?: string;
  systems?: string[];
  profiles?: string[];
};

interface RunData {
  machine: Machine;
  checks: Check[];
  measurements: Measurement[];
}

async function main(): Promise<void> {
  const reportFile = flag('--report');
  if (reportFile) {
    // Re-print the report of a run saved with --json.
    printReport(JSON.parse(readFileSync(reportFile, 'utf8')) as RunData);
    return;
  }
  const repo = repoRoot();
  const crsDir = resolve(flag('--crs-dir') ?? defaultCrsDir());
  const rounds = num('--rounds', 3);
  const duration = num('--duration', 8);
  const warmup = num('--warmup', 2);
  const connections = num('--connections', 16);
  const core = flag('--core') ?? (cpus().length > 1 ? '1' : '0');
  const loadCore = flag('--load-core') ?? '0';
  // vpatch's default engine budget (250 ms) answers 503 when inspection takes longer; the
  // benchmark measures the inspection instead (the start-of-run check reports any 503).
  const engineBudget = flag('--engine-budget') ?? '30s';
  const systemKeys = (flag('--systems') ?? 'bare,modsec,crs,vp,off').split(',') as SystemKey[];
  const profileKeys = (flag('--profiles') ?? PROFILES.map((p) => p.key).join(',')).split(',');
  const profiles = PROFILES.filter((p) => profileKeys.includes(p.key));
  for (const k of systemKeys) if (!SYSTEMS.some((s) => s.key === k)) throw new Error(`--systems: unknown system ${k} (bare, modsec, crs, vp, off)`);
  if (!existsSync(join(crsDir, 'rules', 'REQUEST-901-INITIALIZATION.conf'))) throw new Error(`${crsDir}: not a CRS directory (give --crs-dir or VPATCH_CRS_DIR)`);
  if (!existsSync(join(repo, 'dist', 'bench', 'proxy', 'bare-proxy.js'))) throw new Error('dist/ is not built: run npm run build');

  ensureTools(log);

  const dir = mkdtempSync(join(tmpdir(), 'vpatch-bench-'));
  const env: Env = { repo, dir, crsDir, core, loadCore, engineBudget };
  const scripts = new Map<string, string>();
  for (const p of profiles) {
    const f = join(dir, `${p.key}.lua`);
    writeFileSync(f, wrkScript(p));
    scripts.set(p.key, f);
  }
  const crsVersion = (() => {
    for (const f of readdirSync(join(crsDir, 'rules')).filter((n) => n.endsWith('.conf')).sort()) {
      const m = /SecComponentSignature\s+"OWASP_CRS\/([^"]+)"/.exec(readFileSync(join(crsDir, 'rules', f), 'utf8'));
      if (m) return m[1]!;
    }
    return 'unknown';
  })();
  const machine: Machine = {
    date: new Date().toISOString(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? '?',
    loadBefore: loadavg().map((x) => x.toFixed(1)).join(' '),
    loadAfter: '',
    node: process.version,
    nginx: cmdOutput('nginx', ['-v']).replace(/^nginx version:\s*/, ''),
    libmodsecurity: cmdOutput('dpkg-query', ['-W', '-f', '${Version}', 'libmodsecurity3']) || '?',
    wrk: cmdOutput('wrk', ['-v']).split('\n')[0]!.trim(),
    crs: crsVersion,
    core,
    loadCore,
    rounds,
    duration,
    warmup,
    connections,
    engineBudget,
    systems: systemKeys,
    profiles: profiles.map((p) => p.key),
  };
  log(`temp dir ${dir}; systems on CPU ${core}, origin and wrk on CPU ${loadCore}; load average ${machine.loadBefore}`);

  const running: Running[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(running.map((r) => r.stop().catch(() => undefined)));
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));

  const measurements: Measurement[] = [];
  const checks: Check[] = [];
  try {
    const [originPort, barePort, modsecPort, crsPort, vpPort, crsAdmin, vpAdmin, offPort, offAdmin] = await freePorts(9);
    running.push(await startOrigin(env, originPort!));
    const systems = new Map<SystemKey, Running>();
    for (const key of systemKeys) {
      log(`starting ${key}`);
      const t0 = Date.now();
      let r: Running;
      if (key === 'bare') r = await startBare(env, barePort!, originPort!);
      else if (key === 'modsec') r = await startModsec(env, modsecPort!, originPort!);
      else if (key === 'crs') r = await startVpatch(env, 'crs', crsPort!, originPort!, crsAdmin!);
      else if (key === 'vp') r = await startVpatch(env, 'vp', vpPort!, originPort!, vpAdmin!);
      else r = await startVpatch(env, 'off', offPort!, originPort!, offAdmin!);
      running.push(r);
      systems.set(key, r);
      const pinned = r.pids().map((p) => `${p}:${affinityOf(p)}`).join(' ');
      log(`${key} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (pid:cpus ${pinned})`);
    }

    // ---- Start-of-run check: the attack is blocked by both WAFs, nothing benign is.
    for (const [key, sys] of systems) {
      for (const p of profiles) {
        let status = 0;
        try {
          status = await send(sys.port, p);
        } catch (e) {
          log(`${key} ${p.key}: ${(e as Error).message}`);
        }
        const expected = expectedStatus(key, p);
        const ok = expected === null || status === expected;
        checks.push({ system: key, profile: p.key, status, expected, ok });
        if (!ok) log(`CHECK FAILED: ${key} answered ${status} to "${p.name}", expected ${expected}`);
      }
    }
    const failedChecks = checks.filter((c) => !c.ok);
    log(failedChecks.length === 0 ? 'check: the attack is blocked (403) by both WAFs, benign profiles pass (200) everywhere' : `check: ${failedChecks.length} unexpected answer(s); figures for those cells are marked`);

    // ---- Interleaved rounds: for each profile, every system in turn (order rotates per round).
    const total = rounds * profiles.length * systems.size;
    let n = 0;
    for (let round = 1; round <= rounds; round++) {
      for (const [pi, p] of profiles.entries()) {
        const keys = [...systems.keys()];
        const shift = (round - 1 + pi) % keys.length;
        const order = [...keys.slice(shift), ...keys.slice(0, shift)];
        for (const key of order) {
          const sys = systems.get(key)!;
          n++;
          const script = scripts.get(p.key)!;
          await runWrk({ port: sys.port, script, seconds: warmup, connections, core: loadCore });
          const pids = sys.pids();
          const cpu0 = cpuSeconds(pids);
          const w: WrkResult = await runWrk({ port: sys.port, script, seconds: duration, connections, core: loadCore });
          const cpu1 = cpuSeconds(pids);
          const m: Measurement = {
            round,
            system: key,
            profile: p.key,
            rps: w.requests / (w.durationUs / 1e6),
            p50Us: w.p50Us,
            p99Us: w.p99Us,
            cpuUsPerReq: w.requests > 0 ? ((cpu1 - cpu0) * 1e6) / w.requests : NaN,
            requests: w.requests,
            non2xx: w.status,
            socketErrors: w.connect + w.read + w.write + w.timeout,
          };
          measurements.push(m);
          log(`[${n}/${total}] round ${round} ${p.key.padEnd(4)} ${key.padEnd(6)} ${fmt(m.rps).padStart(7)} req/s  p50 ${ms(m.p50Us)} ms  p99 ${ms(m.p99Us)} ms  ${fmt(m.cpuUsPerReq)} µs CPU/req  non-2xx ${m.non2xx}  errors ${m.socketErrors}`);
        }
      }
    }
  } finally {
    await stopAll();
    machine.loadAfter = loadavg().map((x) => x.toFixed(1)).join(' ');
    if (args.includes('--keep')) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }

  const data: RunData = { machine, checks, measurements };
  const jsonFile = flag('--json');
  if (jsonFile) writeFileSync(jsonFile, JSON.stringify(data, null, 2) + '\n');
  printReport(data);
  if (checks.some((c) => !c.ok)) process.exitCode = 1;
}

function printReport(data: RunData): void {
  const { machine, checks, measurements } = data;
  const { rounds, core, loadCore, connections, warmup, duration } = machine;
  const engineBudget = machine.engineBudget ?? '30s';
  const systemKeys = (machine.systems ?? SYSTEMS.map((s) => s.key).filter((k) => measurements.some((m) => m.system === k))) as SystemKey[];
  const profiles = PROFILES.filter((p) => (machine.profiles ?? PROFILES.map((q) => q.key)).includes(p.key));
  const sysName = new Map(SYSTEMS.map((s) => [s.key, s.name] as const));
  const cell = (system: SystemKey, profile: string): Measurement[] => measurements.filter((m) => m.system === system && m.profile === profile);
  const med = (system: SystemKey, profile: string, f: (m: Measurement) => number): number => median(cell(system, profile).map(f));
  /** Median over rounds of the per-round ratio a/b (interleaving makes same-round figures comparable). */
  const roundRatio = (a: SystemKey, b: SystemKey, profile: string, f: (m: Measurement) => number): number => {
    const rs: number[] = [];
    for (let r = 1; r <= rounds; r++) {
      const x = measurements.find((m) => m.round === r && m.system === a && m.profile === profile);
      const y = measurements.find((m) => m.round === r && m.system === b && m.profile === profile);
      if (x && y && f(y) > 0) rs.push(f(x) / f(y));
    }
    return median(rs);
  };
  const has = (k: SystemKey): boolean => systemKeys.includes(k);
  const checkOf = (system: SystemKey, profile: string): Check | undefined => checks.find((c) => c.system === system && c.profile === profile);

  const out: string[] = [];
  out.push(`Machine: ${machine.cpus} vCPU ${machine.cpuModel}; load average ${machine.loadBefore} before, ${machine.loadAfter} after. Node ${machine.node}, nginx ${machine.nginx}, libmodsecurity ${machine.libmodsecurity}, ${machine.wrk.replace(/\s*\[.*$/, '')}, CRS ${machine.crs}.`);
  out.push(`vpatch: ${(['crs', 'vp', 'off'] as const).filter((k) => systemKeys.includes(k)).map((k) => `\`${vpatchCommand(k, engineBudget)}\``).join(', ')}.`);
  out.push(`Systems pinned to CPU ${core}; origin (nginx) and wrk (1 thread, ${connections} connections) on CPU ${loadCore}. ${rounds} interleaved rounds; per round, profile and system: ${warmup} s warm-up, ${duration} s measured. Medians over rounds.`);
  out.push('');
  out.push('Start-of-run check (status of one request per profile):');
  out.push('');
  out.push(`| system | ${profiles.map((p) => p.key).join(' | ')} |`);
  out.push(`|---|${profiles.map(() => '---').join('|')}|`);
  for (const k of systemKeys) out.push(`| ${sysName.get(k)} | ${profiles.map((p) => { const c = checkOf(k, p.key); return c ? `${c.status}${c.ok ? '' : ` (expected ${c.expected}) ✗`}` : '–'; }).join(' | ')} |`);
  out.push('');
  out.push('| profile | system | req/s | p50 ms | p99 ms | CPU µs/req | non-2xx | socket errors |');
  out.push('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const p of profiles) {
    for (const k of systemKeys) {
      const c = cell(k, p.key);
      if (c.length === 0) continue;
      const bad = checkOf(k, p.key)?.ok === false ? ' ✗' : '';
      const non2xx = c.reduce((a, m) => a + m.non2xx, 0);
      const reqs = c.reduce((a, m) => a + m.requests, 0);
      const errs = c.reduce((a, m) => a + m.socketErrors, 0);
      out.push(`| ${p.name} | ${sysName.get(k)}${bad} | ${fmt(med(k, p.key, (m) => m.rps))} | ${ms(med(k, p.key, (m) => m.p50Us))} | ${ms(med(k, p.key, (m) => m.p99Us))} | ${fmt(med(k, p.key, (m) => m.cpuUsPerReq))} | ${non2xx === 0 ? '0' : non2xx === reqs ? 'all' : fmt(non2xx)} | ${errs} |`);
    }
  }
  out.push('');
  out.push('Ratios (median over rounds of the same-round ratio; req/s ratio > 1 = faster; p99 ratio < 1 = lower latency; "by CPU per req" = the inverse ratio of CPU time per request, the throughput ratio on a core nothing else uses):');
  out.push('');
  const cols: Array<[string, (p: Profile) => string]> = [];
  if (has('crs') && has('bare')) {
    cols.push(['vpatch+CRS / bare, req/s', (p) => ratio(roundRatio('crs', 'bare', p.key, (m) => m.rps))]);
    cols.push(['vpatch+CRS / bare, p99', (p) => ratio(roundRatio('crs', 'bare', p.key, (m) => m.p99Us))]);
  }
  if (has('crs') && has('bare')) cols.push(['vpatch+CRS / bare, by CPU per req', (p) => ratio(roundRatio('bare', 'crs', p.key, (m) => m.cpuUsPerReq))]);
  if (has('vp') && has('bare')) {
    cols.push(['vpatch patches / bare, req/s', (p) => ratio(roundRatio('vp', 'bare', p.key, (m) => m.rps))]);
    cols.push(['vpatch patches / bare, by CPU per req', (p) => ratio(roundRatio('bare', 'vp', p.key, (m) => m.cpuUsPerReq))]);
  }
  if (has('off') && has('bare')) cols.push(['vpatch inspection off / bare, by CPU per req', (p) => ratio(roundRatio('bare', 'off', p.key, (m) => m.cpuUsPerReq))]);
  if (has('modsec') && has('bare')) cols.push(['nginx+ModSec / bare, req/s', (p) => ratio(roundRatio('modsec', 'bare', p.key, (m) => m.rps))]);
  if (has('crs') && has('modsec')) {
    cols.push(['vpatch+CRS / nginx+ModSec, req/s', (p) => ratio(roundRatio('crs', 'modsec', p.key, (m) => m.rps))]);
    cols.push(['nginx+ModSec / vpatch+CRS, CPU per req', (p) => ratio(roundRatio('modsec', 'crs', p.key, (m) => m.cpuUsPerReq))]);
  }
  if (has('vp') && has('modsec')) cols.push(['vpatch patches / nginx+ModSec, req/s', (p) => ratio(roundRatio('vp', 'modsec', p.key, (m) => m.rps))]);
  out.push(`| profile | ${cols.map((c) => c[0]).join(' | ')} |`);
  out.push(`|---|${cols.map(() => '---:').join('|')}|`);
  for (const p of profiles) out.push(`| ${p.name} | ${cols.map((c) => c[1](p)).join(' | ')} |`);
  out.push('');

  const targets: string[] = [];
  if (has('crs') && has('bare')) {
    for (const p of profiles.filter((q) => !q.attack)) {
      const r = roundRatio('crs', 'bare', p.key, (m) => m.rps);
      const l = roundRatio('crs', 'bare', p.key, (m) => m.p99Us);
      targets.push(`${r >= 0.5 && l <= 2 ? 'MET ' : 'MISSED'} vpatch+CRS on ${p.name}: ${ratio(r)} of the bare proxy's req/s (target ≥ 0.5x), p99 ${ratio(l)} (target ≤ 2x)`);
    }
  }
  if (has('vp') && has('bare')) {
    for (const p of profiles) {
      const r = roundRatio('vp', 'bare', p.key, (m) => m.rps);
      targets.push(`${r >= 0.85 ? 'MET ' : 'MISSED'} vpatch patches only on ${p.name}: ${ratio(r)} of the bare proxy's req/s (target ≥ 0.85x)`);
    }
  }
  if (targets.length) {
    out.push('Targets (issue 3, item 8):');
    out.push('');
    for (const t of targets) out.push(`- ${t}`);
    out.push('');
  }
  process.stdout.write(out.join('\n') + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
