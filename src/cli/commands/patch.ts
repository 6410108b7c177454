/**
 * `vpatch patch list|show|test|new|mode|coverage|retire|validate`: working with virtual patches.
 * See docs/patches.md.
 */
import type { Command } from 'commander';
import { existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compilePatch } from '../../patches/compiler.js';
import { PatchLoadError, PatchValidationError } from '../../patches/errors.js';
import { coverage, expiryOf, kevOf, readKevFeed, table, type KevFeed } from '../../patches/inventory.js';
import { loadPatches, loadPatchFile, patchFileName } from '../../patches/loader.js';
import { formatReports, runAgainstTarget, type PatchReport } from '../../patches/runner.js';
import { nextLocalRuleBlock, patchIdForCve, scaffoldPatch } from '../../patches/scaffold.js';
import { catalogFromBundle } from '../../patches/bundles.js';
import { currentActor, Store } from '../../patches/store.js';
import type { Patch, PatchMode } from '../../patches/types.js';

export interface CommonOptions {
  patches?: string[];
  db?: string;
  env?: string;
  json?: boolean;
}

export function envName(o: { env?: string }): string {
  return o.env ?? process.env.VPATCH_ENV ?? 'production';
}

export function openStore(o: { db?: string }): Store {
  return new Store(o.db ?? undefined);
}

/** Loads the patch sources (default: the built-in catalog); reports invalid files with file, field and reason. */
export function loadSources(o: { patches?: string[] }): Patch[] {
  const sources = o.patches && o.patches.length > 0 ? o.patches : ['builtin'];
  return loadPatches(sources);
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The effective modes in an environment: the active bundle's when there is one, else working overrides over defaults. */
export function effectiveModes(store: Store, env: string, patches: Patch[]): { modes: Record<string, PatchMode>; from: string } {
  const act = store.activeActivation(env);
  if (act) {
    const content = JSON.parse(store.bundleById(act.bundleId)!.content) as { patches: Array<{ id: string; mode: PatchMode }> };
    const modes: Record<string, PatchMode> = Object.fromEntries(patches.map((p) => [p.id, 'off' as PatchMode]));
    for (const bp of content.patches) modes[bp.id] = bp.mode;
    return { modes, from: `active bundle ${env}:v${act.version} (${act.hash.slice(0, 12)})` };
  }
  const overrides = store.modes(env);
  return { modes: Object.fromEntries(patches.map((p) => [p.id, overrides[p.id] ?? p.mode])), from: `working modes of ${env} (no active bundle)` };
}

function feedFrom(o: { kevFeed?: string }): KevFeed | undefined {
  const path = o.kevFeed ?? process.env.VPATCH_KEV_FEED;
  return path ? readKevFeed(path) : undefined;
}

function print(o: { json?: boolean }, data: unknown, text: () => string): void {
  process.stdout.write(o.json ? JSON.stringify(data, null, 2) + '\n' : text() + '\n');
}

function withStore<T>(o: { db?: string }, fn: (s: Store) => T): T {
  const s = openStore(o);
  try {
    return fn(s);
  } finally {
    s.close();
  }
}

function findPatch(patches: Patch[], id: string): Patch {
  const want = id.toUpperCase();
  const p = patches.find((x) => x.id === want) ?? patches.find((x) => x.cves.includes(want));
  if (!p) throw new Error(`no patch ${id} (ids look like VP-2021-44228; a CVE id works too)`);
  return p;
}

export function register(program: Command): void {
  const patch = program.command('patch').description('virtual patches: list, show, test, new, mode, coverage, retire, validate');
  const sourceOpt = (c: Command) =>
    c
      .option('--patches <src>', 'patch source: builtin, a directory or a file (repeatable; default builtin)', collect)
      .option('--db <path>', 'state database (default $VPATCH_DB or ~/.local/state/vpatch/vpatch.db)')
      .option('--env <name>', 'environment (default $VPATCH_ENV or "production", what vpatch serve serves by default)')
      .option('--json', 'JSON output');

  sourceOpt(patch.command('list'))
    .description('list patches with their mode in the environment, KEV flag and expiry')
    .option('--expired', 'only expired patches')
    .option('--kev-feed <file>', 'CISA KEV catalog JSON to take KEV flags from')
    .action((o: CommonOptions & { expired?: boolean; kevFeed?: string }) => {
      const patches = loadSources(o);
      const env = envName(o);
      const feed = feedFrom(o);
      withStore(o, (store) => {
        const { modes, from } = effectiveModes(store, env, patches);
        const retired = store.retirements(env);
        const now = new Date();
        let rows = patches.map((p) => {
          const e = expiryOf(p, now, retired[p.id]);
          return { id: p.id, mode: modes[p.id]!, cves: p.cves, kev: kevOf(p, feed).kev, severity: p.severity, expired: e.expired, expiredReason: e.reason ?? null, title: p.title };
        });
        if (o.expired) rows = rows.filter((r) => r.expired);
        const expiredCount = rows.filter((r) => r.expired).length;
        print(o, { env, modesFrom: from, patches: rows }, () =>
          [
            `environment ${env}: ${from}`,
            table(
              ['ID', 'MODE', 'KEV', 'SEVERITY', 'EXPIRED', 'CVE', 'TITLE'],
              rows.map((r) => [r.id, r.mode, r.kev ? 'yes' : 'no', r.severity, r.expired ? 'EXPIRED' : '', r.cves.join(','), r.title.length > 70 ? r.title.slice(0, 67) + '...' : r.title]),
            ),
            `${rows.length} patches, ${rows.filter((r) => r.mode !== 'off').length} enabled, ${expiredCount} expired`,
            ...rows.filter((r) => r.expired).map((r) => `expired: ${r.id}: ${r.expiredReason}`),
          ].join('\n'),
        );
      });
    });

  sourceOpt(patch.command('show <id>'))
    .description('show a patch: metadata, rules, tests, and the SecLang it compiles to')
    .option('--mode <mode>', 'compile in this mode (block|detect) instead of the patch default')
    .action((id: string, o: CommonOptions & { mode?: PatchMode }) => {
      const p = findPatch(loadSources(o), id);
      const mode = o.mode ?? (p.mode === 'off' ? 'block' : p.mode);
      const seclang = compilePatch(p, mode);
      const { text: _text, ...meta } = p;
      print(o, { ...meta, seclang }, () =>
        [
          `${p.id}  ${p.title}`,
          `CVEs: ${p.cves.join(', ')}   CWE: ${p.cwe.join(', ') || '-'}   KEV: ${p.kev ? 'yes' : 'no'}   severity: ${p.severity}${p.cvss ? ` (CVSS ${p.cvss.score})` : ''}`,
          `default mode: ${p.mode}   classes: ${p.classes.join(', ') || '-'}`,
          `scope: hosts ${p.scope.hosts.join(',') || '*'}; paths ${p.scope.paths.join(',') || '*'}; methods ${p.scope.methods.join(',') || '*'}`,
          `expires: ${p.expires.date ?? '-'}; retire when: ${p.expires.retireWhen}`,
          ...p.affected.map((a) => `affected: ${a.product} ${a.versions.join(', ')} (fixed: ${a.fixed.join(', ') || '-'})${a.purl ? ` ${a.purl}` : ''}${a.cpe ? ` ${a.cpe}` : ''}`),
          ...p.references.map((r) => `reference: ${r}`),
          `tests: ${p.tests.block.length} block, ${p.tests.pass.length} pass   source: ${p.source}   sha256: ${p.sha256.slice(0, 16)}`,
          '',
          (p.description ?? '').trim(),
          '',
          `SecLang (mode ${mode}):`,
          seclang,
        ].join('\n'),
      );
    });

  sourceOpt(patch.command('test [ids...]'))
    .description("run enabled patches' block and pass cases through the engine, or against a live ingress point; exits 1 on any failure")
    .option('--target <url>', 'send the cases to a running ingress point (e.g. http://127.0.0.1:8080) instead of the engine')
    .option('--block-status <list>', 'statuses that mean blocked, with --target, e.g. 403,400 (default 403)', (v) => v.split(',').map((x) => Number(x.trim())))
    .option('--all', 'include patches whose mode is off')
    .option('-v, --verbose', 'list every case, not only failures')
    .action(async (ids: string[], o: CommonOptions & { target?: string; blockStatus?: number[]; all?: boolean; verbose?: boolean }) => {
      const patches = loadSources(o);
      const env = envName(o);
      let selected: Patch[];
      let note: string;
      if (ids.length > 0) {
        selected = ids.map((id) => findPatch(patches, id));
        note = `${selected.length} selected patches`;
      } else if (o.all) {
        selected = patches;
        note = 'all patches';
      } else {
        const { modes, from } = withStore(o, (store) => effectiveModes(store, env, patches));
        selected = patches.filter((p) => modes[p.id] !== 'off');
        note = `enabled patches (${from})`;
      }
      let reports: PatchReport[];
      if (o.target) {
        reports = await runAgainstTarget(selected, o.target, { ...(o.blockStatus ? { blockStatus: o.blockStatus } : {}) });
      } else {
        const { runInEngine } = await import('../../patches/engine-runner.js');
        reports = runInEngine(selected, Object.fromEntries(selected.map((p) => [p.id, 'block' as PatchMode])));
      }
      const failed = reports.reduce((n, r) => n + r.failed, 0);
      print(o, { target: o.target ?? 'engine', scope: note, failed, reports }, () => `testing ${note} against ${o.target ?? 'the engine'}\n${formatReports(reports, o.verbose)}`);
      if (failed > 0) process.exitCode = 1;
    });

  patch
    .command('new <id-or-cve>')
    .description('write a new patch file to start from (valid, in detect mode, rule ids from the local range)')
    .option('--title <text>', 'title', 'TODO title of the vulnerability')
    .option('--cve <id>', 'CVE id (default: derived from the patch id)')
    .option('--dir <dir>', 'directory to write into', '.')
    .option('--patches <src>', 'other patch sources whose rule ids to avoid (repeatable; default builtin)', collect)
    .option('--force', 'overwrite an existing file')
    .action((idOrCve: string, o: { title: string; cve?: string; dir: string; patches?: string[]; force?: boolean }) => {
      const isCve = /^CVE-/i.test(idOrCve);
      const cve = (o.cve ?? (isCve ? idOrCve : idOrCve.replace(/^VP-(\d{4})-(\d{4,7}).*$/i, 'CVE-$1-$2'))).toUpperCase();
      const id = isCve ? patchIdForCve(cve) : idOrCve.toUpperCase();
      const dir = resolve(o.dir);
      const known = [...loadSources(o), ...(existsSync(dir) && dir !== resolve('src/patches/catalog') ? safeLoadDir(dir) : [])];
      const file = join(dir, patchFileName(id));
      if (existsSync(file) && !o.force) throw new Error(`${file} exists (use --force to overwrite)`);
      const text = scaffoldPatch({ id, cve, title: o.title, ruleId: nextLocalRuleBlock(known), today: new Date().toISOString().slice(0, 10) });
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, text);
      loadPatchFile(file); // the scaffold must itself be valid
      process.stdout.write(`wrote ${file}\nedit it, then: vpatch patch test ${id} --patches ${o.dir}\n`);
    });

  patch
    .command('mode <id> <mode>')
    .description('set a patch mode (off|detect|block) in an environment; takes effect in the next bundle')
    .option('--patches <src>', 'patch source (repeatable; default builtin)', collect)
    .option('--db <path>', 'state database')
    .option('--env <name>', 'environment (default $VPATCH_ENV or "production", what vpatch serve serves by default)')
    .action((id: string, mode: string, o: CommonOptions) => {
      if (!['off', 'detect', 'block'].includes(mode)) throw new Error(`mode must be off, detect or block, not ${mode}`);
      const p = findPatch(loadSources(o), id);
      const env = envName(o);
      withStore(o, (store) => {
        const before = store.setMode(env, p.id, mode as PatchMode, currentActor());
        process.stdout.write(`${env}: ${p.id} ${before ?? p.mode + ' (default)'} -> ${mode}\nrun \`vpatch bundle build --env ${env}\` and \`vpatch bundle activate --env ${env}\` to deploy it\n`);
      });
    });

  patch
    .command('coverage')
    .description('per patch: CVEs, KEV flag, severity, exploit classes and test counts (table or JSON)')
    .option('--patches <src>', 'patch source (repeatable; default builtin)', collect)
    .option('--kev-feed <file>', 'CISA KEV catalog JSON to take KEV flags and dates from')
    .option('--json', 'JSON output')
    .action((o: CommonOptions & { kevFeed?: string }) => {
      const feed = feedFrom(o);
      const rows = coverage(loadSources(o), feed);
      const totals = {
        patches: rows.length,
        cves: new Set(rows.flatMap((r) => r.cves)).size,
        kev: rows.filter((r) => r.kev).length,
        blockCases: rows.reduce((n, r) => n + r.blockCases, 0),
        passCases: rows.reduce((n, r) => n + r.passCases, 0),
        classes: [...new Set(rows.flatMap((r) => r.classes))].sort(),
        ...(feed ? { kevCatalogVersion: feed.catalogVersion } : {}),
      };
      print(o, { totals, patches: rows }, () =>
        [
          table(
            ['ID', 'CVE', 'KEV', 'SEVERITY', 'CVSS', 'CLASSES', 'BLOCK', 'PASS'],
            rows.map((r) => [r.id, r.cves.join(','), r.kev ? (r.kevDateAdded ? `yes ${r.kevDateAdded}` : 'yes') : 'no', r.severity, r.cvss !== undefined ? r.cvss.toFixed(1) : '-', r.classes.join(','), String(r.blockCases), String(r.passCases)]),
          ),
          `${totals.patches} patches, ${totals.cves} CVEs, ${totals.kev} in KEV${feed ? ` (catalog ${feed.catalogVersion})` : ''}, ${totals.blockCases} block cases, ${totals.passCases} pass cases, ${totals.classes.length} exploit classes`,
        ].join('\n'),
      );
    });

  patch
    .command('retire <id>')
    .description('record that the fixed version is deployed in an environment (the patch is then reported as expired)')
    .option('--patches <src>', 'patch source (repeatable; default builtin)', collect)
    .option('--db <path>', 'state database')
    .option('--env <name>', 'environment (default $VPATCH_ENV or "production", what vpatch serve serves by default)')
    .option('--note <text>', 'e.g. "log4j-core 2.17.1 on all app servers"', '')
    .action((id: string, o: CommonOptions & { note: string }) => {
      const p = findPatch(loadSources(o), id);
      const env = envName(o);
      withStore(o, (store) => store.retire(env, p.id, currentActor(), o.note));
      process.stdout.write(`${env}: ${p.id} marked as retired (fixed version deployed); set its mode to off with \`vpatch patch mode ${p.id} off --env ${env}\` when ready\n`);
    });

  patch
    .command('validate <paths...>')
    .description('check patch files or directories; prints file, field and reason for each problem')
    .action((paths: string[]) => {
      try {
        const patches = loadPatches(paths);
        process.stdout.write(`${patches.length} patches valid\n`);
      } catch (err) {
        if (err instanceof PatchLoadError) {
          for (const e of err.errors) process.stderr.write(`${e.message}\n`);
          process.exitCode = 1;
          return;
        }
        if (err instanceof PatchValidationError) {
          process.stderr.write(`${err.message}\n`);
          process.exitCode = 1;
          return;
        }
        throw err;
      }
    });

  sourceOpt(patch.command('seclang'))
    .description("print the SecLang of an environment's active bundle (or of the sources in their default modes)")
    .action((o: CommonOptions) => {
      const env = envName(o);
      const text = withStore(o, (store) => {
        const act = store.activeActivation(env);
        if (act) return catalogFromBundle(store, store.bundleById(act.bundleId)!).seclang;
        const patches = loadSources(o);
        return patches.map((p) => compilePatch(p)).join('\n');
      });
      process.stdout.write(text);
    });
}

function safeLoadDir(dir: string): Patch[] {
  try {
    return loadPatches([dir]);
  } catch {
    return [];
  }
}
