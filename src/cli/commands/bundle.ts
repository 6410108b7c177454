/**
 * `vpatch bundle build|list|show|diff|activate|rollback|history`: the exact set of enabled patches,
 * their modes, CRS settings and exclusions, content-hashed and versioned per environment, and
 * applied to a running `vpatch serve` through its admin API. See docs/patches.md.
 */
import type { Command } from 'commander';
import { adminTargetFrom, reloadServe, serveStatus, type AdminTarget } from '../../patches/admin-client.js';
import { buildBundle, bundleContent, catalogFromBundle, diffBundles, formatDiff, parseBundle, type BundleContent } from '../../patches/bundles.js';
import { currentActor, Store, type BundleRow, type CrsSettings } from '../../patches/store.js';
import { table } from '../../patches/inventory.js';
import { envName, loadSources, openStore } from './patch.js';

interface BundleOptions {
  db?: string;
  env?: string;
  json?: boolean;
  patches?: string[];
  admin?: string;
  adminToken?: string;
  note?: string;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function withStore<T>(o: { db?: string }, fn: (s: Store) => T): T {
  const s = openStore(o);
  try {
    return fn(s);
  } finally {
    s.close();
  }
}

function out(o: { json?: boolean }, data: unknown, text: string): void {
  process.stdout.write(o.json ? JSON.stringify(data, null, 2) + '\n' : text + '\n');
}

function label(b: BundleRow): string {
  return `${b.env}:v${b.version} (${b.hash.slice(0, 12)})`;
}

function resolveRef(store: Store, ref: string, env: string): BundleRow {
  const b = store.findBundle(ref, env);
  if (!b) throw new Error(`no bundle ${ref} in environment ${env} (use a version such as 3, ENV:VERSION, a hash prefix, latest or active)`);
  return b;
}

/** Compiles a bundle through the engine before it is activated: a bundle that does not load is never activated. */
async function checkCompiles(store: Store, b: BundleRow): Promise<void> {
  const { Waf } = await import('../../engine/index.js');
  const cat = catalogFromBundle(store, b);
  Waf.compile(cat.files);
}

/** Runs the bundle's patches' cases in the engine, in block mode. */
async function checkCases(store: Store, b: BundleRow): Promise<number> {
  const { runInEngine } = await import('../../patches/engine-runner.js');
  const cat = catalogFromBundle(store, b);
  const reports = runInEngine(cat.patches, Object.fromEntries(cat.patches.map((p) => [p.id, 'block' as const])));
  return reports.reduce((n, r) => n + r.failed, 0);
}

interface ApplyResult {
  applied: boolean;
  detail: string;
  status?: unknown;
}

async function applyToServe(target: AdminTarget | undefined, env: string, expectHash?: string): Promise<ApplyResult> {
  if (!target) return { applied: false, detail: `recorded only (no --admin URL): a serve with --env ${env} (VPATCH_ENV) loads it on its next reload` };
  let res;
  try {
    res = await reloadServe(target);
  } catch (err) {
    return { applied: false, detail: `admin API ${target.url} unreachable: ${(err as Error).message}` };
  }
  if (res.status !== 200) return { applied: false, detail: `admin API ${target.url} refused the reload (HTTP ${res.status}): ${JSON.stringify(res.body)}` };
  let status: unknown;
  try {
    status = (await serveStatus(target)).body;
  } catch {
    /* status is informative only */
  }
  const gen = (res.body as { generation?: unknown }).generation;
  let detail = `reloaded ${target.url}${gen !== undefined ? ` (generation ${String(gen)})` : ''}`;
  // a serve that reports its bundle (status.patches.bundle or status.bundle) is checked against what was activated
  const st = status as { patches?: { bundle?: { hash?: string } | null; env?: string }; bundle?: { hash?: string } } | undefined;
  const running = st?.patches?.bundle?.hash ?? st?.bundle?.hash;
  if (running && expectHash && running !== expectHash) return { applied: false, detail: `${detail}, but it reports bundle ${running.slice(0, 12)} instead of ${expectHash.slice(0, 12)} (is it started with --env ${env} and the same database?)`, status };
  // a serve that reports it serves no bundle did not load this one (other environment or database, or --patches none)
  if (expectHash && st?.patches && st.patches.bundle === null) return { applied: false, detail: `${detail}, but it serves no bundle${st.patches.env ? ` (its environment is ${st.patches.env})` : ''}: start it with --env ${env} and the same --db, and without --patches none`, status };
  if (running) detail += `, serving bundle ${running.slice(0, 12)}`;
  return { applied: true, detail, status };
}

async function activate(store: Store, b: BundleRow, action: 'activate' | 'rollback', o: BundleOptions & { test?: boolean }): Promise<void> {
  await checkCompiles(store, b);
  if (o.test) {
    const failed = await checkCases(store, b);
    if (failed > 0) throw new Error(`${label(b)}: ${failed} patch test cases fail; not activated (run vpatch patch test for details)`);
  }
  const env = b.env;
  const previous = store.activeActivation(env);
  const act = store.recordActivation(env, b.id, action, currentActor(), o.note ?? '');
  const result = await applyToServe(adminTargetFrom(o), env, b.hash);
  if (!result.applied && adminTargetFrom(o)) {
    // the serve kept its rule set: put the store back to what is really running
    store.setActivationApplied(act.id, `failed: ${result.detail}`);
    if (previous) store.recordActivation(env, previous.bundleId, 'rollback', currentActor(), `automatic: applying ${label(b)} failed`);
    out(o, { ok: false, bundle: { env, version: b.version, hash: b.hash }, detail: result.detail }, `${action} ${label(b)} FAILED: ${result.detail}${previous ? `\nstate restored to ${env}:v${previous.version}` : ''}`);
    process.exitCode = 1;
    return;
  }
  store.setActivationApplied(act.id, result.detail);
  out(o, { ok: true, action, bundle: { env, version: b.version, hash: b.hash }, previous: previous ? { version: previous.version, hash: previous.hash } : null, detail: result.detail, serveStatus: result.status ?? null }, `${action === 'activate' ? 'activated' : 'rolled back to'} ${label(b)}${previous ? ` (was v${previous.version})` : ''}\n${result.detail}`);
}

export function register(program: Command): void {
  const bundle = program.command('bundle').description('bundles: the exact deployed set of patches, modes, CRS settings and exclusions, per environment');
  const common = (c: Command) =>
    c
      .option('--db <path>', 'state database (default $VPATCH_DB or ~/.local/state/vpatch/vpatch.db)')
      .option('--env <name>', 'environment (default $VPATCH_ENV or "production", what vpatch serve serves by default)')
      .option('--json', 'JSON output');
  const admin = (c: Command) =>
    c
      .option('--admin <url>', 'admin API of the running vpatch serve (default $VPATCH_ADMIN_URL), e.g. http://127.0.0.1:9901')
      .option('--admin-token <token>', 'admin API token when it listens beyond loopback (default $VPATCH_ADMIN_TOKEN)')
      .option('--note <text>', 'why (kept in the history)')
      .option('--test', "run the bundle's patch test cases first and refuse to activate on failure");

  common(bundle.command('build'))
    .description("snapshot the environment's patches and modes, CRS settings and exclusions as a new bundle version")
    .option('--patches <src>', 'patch source: builtin, a directory or a file (repeatable; default builtin)', collect)
    .option('--paranoia <n>', 'CRS paranoia level recorded in the bundle', (v) => Number(v))
    .option('--crs <on|off>', 'whether CRS is part of the deployment')
    .option('--anomaly-threshold <n>', 'CRS inbound anomaly threshold', (v) => Number(v))
    .option('--exclude-rule <id>', 'exclude a rule id (repeatable)', collect)
    .option('--exclude-tag <tag>', 'exclude rules by tag (repeatable)', collect)
    .option('--include-rule <id>', 'drop a rule id from the exclusions (repeatable)', collect)
    .option('--note <text>', 'note kept with the bundle')
    .action((o: BundleOptions & { paranoia?: number; crs?: string; anomalyThreshold?: number; excludeRule?: string[]; excludeTag?: string[]; includeRule?: string[] }) => {
      const env = envName(o);
      const patches = loadSources(o);
      withStore(o, (store) => {
        store.ensureEnv(env);
        const cfg = store.envConfig(env);
        const crs: CrsSettings = { ...cfg.crs };
        if (o.paranoia !== undefined) {
          if (!(o.paranoia >= 1 && o.paranoia <= 4)) throw new Error('--paranoia must be 1-4');
          crs.paranoia = o.paranoia;
        }
        if (o.crs !== undefined) crs.enabled = o.crs === 'on';
        if (o.anomalyThreshold !== undefined) crs.inboundAnomalyThreshold = o.anomalyThreshold;
        const ids = new Set(cfg.exclusions.ruleIds);
        for (const r of o.excludeRule ?? []) {
          if (!/^\d+$/.test(r)) throw new Error(`--exclude-rule takes a rule id, not ${r}`);
          ids.add(Number(r));
        }
        for (const r of o.includeRule ?? []) ids.delete(Number(r));
        const tags = new Set([...cfg.exclusions.tags, ...(o.excludeTag ?? [])]);
        store.setEnvConfig(env, crs, { ruleIds: [...ids], tags: [...tags] }, currentActor());
        const r = buildBundle(store, env, patches, currentActor(), o.note ?? '');
        out(o, { env, version: r.row.version, hash: r.row.hash, created: r.created, patches: r.content.patches.length, crs: r.content.crs, exclusions: r.content.exclusions }, r.created ? `built ${label(r.row)}: ${r.content.patches.length} enabled patches` : `unchanged: ${label(r.row)} already holds this content`);
      });
    });

  common(bundle.command('list'))
    .description("the environment's bundles")
    .action((o: BundleOptions) => {
      const env = envName(o);
      withStore(o, (store) => {
        const active = store.activeActivation(env);
        const rows = store.bundles(env);
        out(
          o,
          rows.map((b) => ({ version: b.version, hash: b.hash, createdBy: b.createdBy, createdAt: b.createdAt, note: b.note, patches: parseBundle(b).patches.length, active: active?.bundleId === b.id })),
          rows.length === 0
            ? `no bundles in ${env} (vpatch bundle build --env ${env})`
            : table(['VERSION', 'HASH', 'PATCHES', 'CREATED', 'BY', 'ACTIVE', 'NOTE'], rows.map((b) => [`v${b.version}`, b.hash.slice(0, 12), String(parseBundle(b).patches.length), b.createdAt, b.createdBy, active?.bundleId === b.id ? '*' : '', b.note])),
        );
      });
    });

  common(bundle.command('show [ref]'))
    .description('a bundle: patches and modes, CRS settings and exclusions (ref: version, ENV:VERSION, hash prefix, latest, active)')
    .option('--seclang', 'print the SecLang the bundle loads')
    .action((ref: string | undefined, o: BundleOptions & { seclang?: boolean }) => {
      const env = envName(o);
      withStore(o, (store) => {
        const b = resolveRef(store, ref ?? 'latest', env);
        if (o.seclang) {
          process.stdout.write(catalogFromBundle(store, b).seclang);
          return;
        }
        const c = parseBundle(b);
        out(o, { env: b.env, version: b.version, hash: b.hash, createdBy: b.createdBy, createdAt: b.createdAt, note: b.note, content: c }, [
          `${label(b)} built ${b.createdAt} by ${b.createdBy}${b.note ? ` - ${b.note}` : ''}`,
          `hash ${b.hash}`,
          `crs: ${JSON.stringify(c.crs)}   exclusions: rules ${c.exclusions.ruleIds.join(',') || '-'}; tags ${c.exclusions.tags.join(',') || '-'}`,
          table(['PATCH', 'MODE', 'SHA256'], c.patches.map((p) => [p.id, p.mode, p.sha256.slice(0, 16)])),
        ].join('\n'));
      });
    });

  common(bundle.command('diff <from> [to]'))
    .description('what changes between two bundles (to: default "working", the bundle build would make now)')
    .option('--patches <src>', 'patch source for "working" (repeatable; default builtin)', collect)
    .action((from: string, to: string | undefined, o: BundleOptions) => {
      const env = envName(o);
      withStore(o, (store) => {
        const a = resolveRef(store, from, env);
        let bc: BundleContent;
        let bName: string;
        if (!to || to === 'working') {
          const patches = loadSources(o);
          const cfg = store.envConfig(env);
          bc = bundleContent(patches, store.modes(env), cfg.crs, cfg.exclusions);
          bName = `${env}:working`;
        } else {
          const b = resolveRef(store, to, env);
          bc = parseBundle(b);
          bName = label(b);
        }
        const d = diffBundles(parseBundle(a), bc);
        out(o, { from: label(a), to: bName, ...d }, formatDiff(d, label(a), bName));
      });
    });

  admin(common(bundle.command('activate [ref]')))
    .description('make a bundle (default: latest) the active one and reload the running vpatch serve')
    .action(async (ref: string | undefined, o: BundleOptions & { test?: boolean }) => {
      const env = envName(o);
      const store = openStore(o);
      try {
        await activate(store, resolveRef(store, ref ?? 'latest', env), 'activate', o);
      } finally {
        store.close();
      }
    });

  admin(common(bundle.command('rollback')))
    .description('go back to the bundle active before the current one (or --to REF), and reload the running vpatch serve')
    .option('--to <ref>', 'bundle to roll back to')
    .action(async (o: BundleOptions & { to?: string; test?: boolean }) => {
      const env = envName(o);
      const store = openStore(o);
      try {
        let target: BundleRow;
        if (o.to) target = resolveRef(store, o.to, env);
        else {
          const acts = store.activations(env);
          const current = acts[acts.length - 1];
          if (!current) throw new Error(`nothing is active in ${env}`);
          const prev = [...acts].reverse().find((a) => a.bundleId !== current.bundleId);
          if (!prev) throw new Error(`${env} has no earlier bundle to roll back to`);
          target = store.bundleById(prev.bundleId)!;
        }
        await activate(store, target, 'rollback', o);
      } finally {
        store.close();
      }
    });

  common(bundle.command('history'))
    .description('activations and rollbacks of the environment: who, when, which bundle, and what the serve answered')
    .option('--audit', 'the full audit trail (mode changes, builds, activations, retirements)')
    .action((o: BundleOptions & { audit?: boolean }) => {
      const env = envName(o);
      withStore(o, (store) => {
        if (o.audit) {
          const rows = store.auditLog(env, 500).reverse();
          out(o, rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as unknown })), table(['AT', 'ACTOR', 'ACTION', 'DETAIL'], rows.map((r) => [r.at, r.actor, r.action, r.detail])));
          return;
        }
        const acts = store.activations(env);
        out(
          o,
          acts,
          acts.length === 0
            ? `no activations in ${env}`
            : table(['AT', 'ACTION', 'BUNDLE', 'HASH', 'BY', 'APPLIED', 'NOTE'], acts.map((a, i) => [a.at, a.action, `v${a.version}${i === acts.length - 1 ? ' *' : ''}`, a.hash.slice(0, 12), a.actor, a.applied, a.note])),
        );
      });
    });
}
