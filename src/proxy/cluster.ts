/**
 * Multi-core through node:cluster. The primary loads and validates the config, forks the
 * workers (they share nothing but the config: each loads it, compiles its own rule set and
 * owns its upstream pools), runs the admin listener (metrics aggregated over the workers),
 * fans reloads, log reopen and shutdown out to them over IPC, and replaces a worker that dies.
 *
 * In a single-process run (`--workers 1`) none of this is used: serve.ts starts a
 * ProxyServer with its own admin listener directly.
 */
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import pino from 'pino';
import type { Logger } from 'pino';
import type { ProxyConfig } from './config.js';
import { formatHostPort } from './config.js';
import { AdminServer } from './admin.js';
import type { ProxyServer, ReloadResult } from './server.js';

type ToWorker = { vpatch: 'reload'; seq: number } | { vpatch: 'reopen' } | { vpatch: 'shutdown' };
type ToPrimary = { vpatch: 'ready'; patches?: ReloadResult['patches'] } | { vpatch: 'reload-result'; seq: number; result: ReloadResult };

export interface PrimaryOptions {
  config: ProxyConfig;
  /** Re-reads the config (to validate before a reload fan-out). */
  reloadConfig: () => ProxyConfig;
  log?: Logger;
}

export async function runPrimary(opts: PrimaryOptions): Promise<void> {
  const log = opts.log ?? pino({ level: opts.config.log.level, name: 'vpatch', base: { pid: process.pid, role: 'primary' } }, pino.destination({ dest: 2, sync: false }));
  let config = opts.config;
  const n = config.workers;
  const ready = new Set<number>();
  const pending = new Map<number, { results: Map<number, ReloadResult>; done: (r: ReloadResult) => void; expected: Set<number> }>();
  let seq = 0;
  let shuttingDown = false;
  const restarts: number[] = [];
  const aggregator = new AggregatorRegistry();
  // What each worker reports it loaded (GET /status `patches`): on start and after each successful reload.
  const workerPatches = new Map<number, NonNullable<ReloadResult['patches']>>();
  const patchesStatus = (): unknown => {
    const all = [...workerPatches.values()];
    if (all.length === 0) return null;
    const key = (p: NonNullable<ReloadResult['patches']>): string => JSON.stringify(p.bundle) + p.source + p.enabled;
    if (all.every((p) => key(p) === key(all[0]!))) return all[0];
    // workers disagree (one failed a reload, or a new worker loaded a newer bundle): no single bundle to report
    return { mixed: true, workers: [...workerPatches.entries()].map(([id, p]) => ({ worker: id, ...p })) };
  };

  const fork = (): Worker => {
    const w = cluster.fork({ VPATCH_CLUSTER_WORKER: '1' });
    w.on('message', (msg: ToPrimary) => {
      if (!msg || typeof msg !== 'object') return;
      if (msg.vpatch === 'ready') {
        ready.add(w.id);
        if (msg.patches) workerPatches.set(w.id, msg.patches);
      }
      if (msg.vpatch === 'reload-result') {
        if (msg.result.ok && msg.result.patches) workerPatches.set(w.id, msg.result.patches);
        const p = pending.get(msg.seq);
        if (p) {
          p.results.set(w.id, msg.result);
          if ([...p.expected].every((id) => p.results.has(id))) finishReload(msg.seq);
        }
      }
    });
    w.on('exit', (code, signal) => {
      ready.delete(w.id);
      workerPatches.delete(w.id);
      for (const [s, p] of pending) {
        p.expected.delete(w.id);
        if ([...p.expected].every((id) => p.results.has(id))) finishReload(s);
      }
      if (shuttingDown) return;
      log.error({ worker: w.id, code, signal }, 'worker exited; starting a new one');
      const now = Date.now();
      restarts.push(now);
      while (restarts.length && restarts[0]! < now - 60_000) restarts.shift();
      // Back off when workers keep dying (e.g. the port is taken).
      setTimeout(fork, restarts.length > n * 3 ? 5000 : 100).unref();
    });
    return w;
  };

  const finishReload = (s: number): void => {
    const p = pending.get(s);
    if (!p) return;
    pending.delete(s);
    const results = [...p.results.values()];
    const failed = results.find((r) => !r.ok);
    p.done(failed ? { ...failed, ok: false } : { ok: true, generation: Math.max(0, ...results.map((r) => r.generation)), notes: results[0]?.notes ?? [], warnings: results[0]?.warnings ?? [], ...(results[0]?.patches ? { patches: results[0].patches } : {}) });
  };

  const broadcast = (msg: ToWorker): void => {
    for (const w of Object.values(cluster.workers ?? {})) w?.send(msg);
  };

  const reload = async (): Promise<ReloadResult> => {
    try {
      config = opts.reloadConfig();
    } catch (err) {
      log.error({ err: (err as Error).message }, 'reload rejected: invalid configuration');
      return { ok: false, generation: 0, error: (err as Error).message };
    }
    const s = ++seq;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    const result = await new Promise<ReloadResult>((resolve) => {
      pending.set(s, { results: new Map(), done: resolve, expected: new Set(workers.map((w) => w.id)) });
      for (const w of workers) w.send({ vpatch: 'reload', seq: s } satisfies ToWorker);
      if (workers.length === 0) finishReload(s);
      setTimeout(() => {
        if (pending.has(s)) {
          pending.delete(s);
          resolve({ ok: false, generation: 0, error: 'timed out waiting for workers to reload' });
        }
      }, 120_000).unref();
    });
    log[result.ok ? 'info' : 'error']({ result }, result.ok ? 'workers reloaded' : 'reload failed in a worker; workers keep their active rule set');
    return result;
  };

  for (let i = 0; i < n; i++) fork();
  log.info({ workers: n, listen: config.listen.map(formatHostPort) }, 'starting workers');

  let admin: AdminServer | null = null;
  if (config.admin.listen) {
    admin = new AdminServer(
      {
        metrics: async () => ({ contentType: aggregator.contentType, body: await aggregator.clusterMetrics() }),
        ready: () => !shuttingDown && ready.size === n,
        reload: () => reload() as Promise<ReloadResult & Record<string, unknown>>,
        status: () => ({ pid: process.pid, role: 'primary', workers: n, ready: ready.size, patches: patchesStatus() }),
      },
      config.admin.token,
    );
    const a = await admin.listen(config.admin.listen);
    log.info({ address: `${a.address}:${a.port}` }, 'admin listener ready');
  }

  process.on('SIGHUP', () => {
    broadcast({ vpatch: 'reopen' });
    void reload();
  });
  const shutdown = (): void => {
    if (shuttingDown) {
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
      process.exit(1);
    }
    shuttingDown = true;
    log.info('shutting down: draining workers');
    broadcast({ vpatch: 'shutdown' });
    const deadline = setTimeout(() => {
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
    }, config.timeouts.shutdown + 5000);
    deadline.unref();
    const check = setInterval(() => {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        clearInterval(check);
        void (admin?.close() ?? Promise.resolve()).then(() => {
          log.flush();
          process.exit(0);
        });
      }
    }, 50);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

/** Worker side: answers the primary's messages for a started server. */
export function attachWorker(server: ProxyServer): void {
  // Constructing one installs prom-client's IPC listener that answers the primary's metric requests.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([server.metrics.registry]);
  process.on('message', (msg: ToWorker) => {
    if (!msg || typeof msg !== 'object') return;
    if (msg.vpatch === 'reload') {
      void server.reload().then((result) => process.send?.({ vpatch: 'reload-result', seq: msg.seq, result } satisfies ToPrimary));
    } else if (msg.vpatch === 'reopen') server.reopenLogs();
    else if (msg.vpatch === 'shutdown') void server.close().then(() => process.exit(0));
  });
  // The primary handles signals; a worker ignores SIGINT from the terminal's process group.
  process.on('SIGINT', () => undefined);
  process.on('SIGHUP', () => undefined);
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
  process.send?.({ vpatch: 'ready', patches: server.status().patches as ReloadResult['patches'] } satisfies ToPrimary);
}

export const isClusterWorker = (): boolean => cluster.isWorker && process.env.VPATCH_CLUSTER_WORKER === '1';
