/**
 * From configuration to compiled rule sets. The sources handed to `Waf.compile`, in order:
 *
 *   1. vpatch-base.conf: engine settings (SecRuleEngine, body access and limits, response MIME
 *      types) and the body-processor / body-error rules of ModSecurity's
 *      modsecurity.conf-recommended (ids 200000-200005).
 *   2. The virtual patches: the active bundle of `rules.env` in the state database, else
 *      `rules.patches` (builtin or a directory) in each patch's default mode; none with
 *      `rules.patches: none`. They come before CRS so that, in every phase, a patch's rules
 *      run before CRS's: a request both would block is stopped (and attributed) by the patch.
 *   3. When CRS is on (a CRS directory is configured, and the bundle does not turn CRS off):
 *      its crs-setup.conf, then vpatch-crs-tuning.conf (paranoia levels and anomaly thresholds
 *      from the bundle, else the config; id 90001), then rules/*.conf in their own order.
 *   4. Extra SecLang files, then inline SecLang.
 *   5. Exclusions: SecRuleRemoveById / SecRuleRemoveByTag, global (config and bundle) plus per
 *      route.
 *
 * One Waf is compiled per distinct exclusion set; routes with the same set share it, and
 * routes in mode `off` get none.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ProxyConfig, RouteConfig, RuleExclusions } from './config.js';
import type { ProxyWaf } from './engine.js';
import { loadCatalog, type LoadedCatalog } from '../patches/loader.js';
import { BUNDLE_EXCLUSIONS_FILE } from '../patches/bundles.js';
import { defaultDbPath } from '../patches/store.js';
import { noPatches, patchStateOf, type PatchState } from './patch-state.js';
import { Waf } from '../engine/index.js';

export type RuleSource = { text: string; name: string } | { file: string };

/** What the proxy needs of the engine module: `Waf.compile`. */
export interface EngineModule {
  compile(sources: RuleSource[]): ProxyWaf;
}

/** The real engine (src/engine/index.ts). */
export const realEngine: EngineModule = {
  compile: (sources): ProxyWaf => Waf.compile(sources),
};

export async function loadEngine(): Promise<EngineModule> {
  return realEngine;
}

export class RuleSetError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuleSetError';
  }
}

export interface RuleSet {
  generation: number;
  /** Waf for a route, or null when the route's mode is `off` (no inspection). */
  wafFor(route: RouteConfig): ProxyWaf | null;
  /** Rule removals to apply to each transaction of a route (engines with per-transaction removal), or null. */
  txExclusionsFor(route: RouteConfig): { ranges: Array<[number, number]>; tags: string[] } | null;
  warnings: string[];
  /** Milliseconds the compile took. */
  compileMs: number;
  /** Human-readable list of what was loaded. */
  summary: string[];
  /** The virtual patches loaded (source, bundle, modes, rule id → patch id). */
  patches: PatchState;
  /** The CRS settings in effect. */
  crs: EffectiveCrs;
}

/** The CRS settings a rule set runs with: the active bundle's where it sets them, else the config's. */
export interface EffectiveCrs {
  enabled: boolean;
  paranoia: number;
  executingParanoia: number;
  inboundAnomalyThreshold: number;
  outboundAnomalyThreshold: number;
  /** `bundle` when the active bundle set at least one of these, else `config`. */
  from: 'config' | 'bundle';
}

/**
 * Merges the bundle's CRS settings over the config: `enabled` (CRS on/off; on needs a CRS
 * directory), `paranoia` (blocking level; the executing level is raised to it when lower),
 * `inboundAnomalyThreshold`. Throws RuleSetError when the bundle needs CRS and none is configured.
 */
export function effectiveCrs(config: ProxyConfig, bundle: LoadedCatalog['crs'] | undefined): EffectiveCrs {
  const r = config.rules;
  const b = bundle ?? {};
  if (b.enabled === true && !r.crsDir) throw new RuleSetError('the active bundle runs with CRS (built with --crs on), but no CRS directory is configured (rules.crsDir / --crs-dir)');
  const paranoia = b.paranoia ?? r.paranoia;
  const executing = Math.max(paranoia, r.executingParanoia ?? paranoia);
  const fromBundle = b.enabled !== undefined || b.paranoia !== undefined || b.inboundAnomalyThreshold !== undefined;
  return {
    enabled: b.enabled ?? !!r.crsDir,
    paranoia,
    executingParanoia: executing,
    inboundAnomalyThreshold: b.inboundAnomalyThreshold ?? r.inboundAnomalyThreshold,
    outboundAnomalyThreshold: r.outboundAnomalyThreshold,
    from: fromBundle ? 'bundle' : 'config',
  };
}

export function baseSecLang(config: ProxyConfig): string {
  const b = config.body;
  const engine = config.mode === 'block' ? 'On' : config.mode === 'detect' ? 'DetectionOnly' : 'Off';
  return [
    '# vpatch-base.conf: generated from the vpatch serve configuration',
    `SecRuleEngine ${engine}`,
    'SecRequestBodyAccess On',
    `SecRequestBodyLimit ${b.requestLimit}`,
    `SecRequestBodyNoFilesLimit ${b.requestNoFilesLimit}`,
    `SecRequestBodyLimitAction ${config.body.requestLimitAction === 'partial' ? 'ProcessPartial' : 'Reject'}`,
    `SecResponseBodyAccess ${b.responseInspection ? 'On' : 'Off'}`,
    `SecResponseBodyMimeType ${b.responseMimeTypes.join(' ')}`,
    `SecResponseBodyLimit ${b.responseLimit}`,
    'SecResponseBodyLimitAction ProcessPartial',
    `SecAuditEngine ${config.audit.mode === 'all' ? 'On' : config.audit.mode === 'off' ? 'Off' : 'RelevantOnly'}`,
    `SecAuditLogParts ${config.audit.parts}`,
    'SecAuditLogRelevantStatus "^(?:5|4(?!04))"',
    'SecRule REQUEST_HEADERS:Content-Type "^(?:application(?:/soap\\+|/)|text/)xml" \\',
    '    "id:200000,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=XML"',
    'SecRule REQUEST_HEADERS:Content-Type "^application/json" \\',
    '    "id:200001,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON"',
    'SecRule REQBODY_ERROR "!@eq 0" \\',
    `    "id:200002,phase:2,t:none,log,deny,status:400,msg:'Failed to parse request body.',logdata:'%{reqbody_error_msg}',severity:2"`,
    'SecRule MULTIPART_STRICT_ERROR "!@eq 0" \\',
    `    "id:200003,phase:2,t:none,log,deny,status:400,msg:'Multipart request body failed strict validation'"`,
    'SecRule MULTIPART_UNMATCHED_BOUNDARY "@eq 1" \\',
    `    "id:200004,phase:2,t:none,log,deny,msg:'Multipart parser detected a possible unmatched boundary.'"`,
    'SecRule TX:/^MSC_/ "!@streq 0" \\',
    `    "id:200005,phase:2,t:none,deny,msg:'ModSecurity internal error flagged: %{MATCHED_VAR_NAME}'"`,
    '',
  ].join('\n');
}

/** The CRS rules directory and setup file for a configured CRS directory. */
export function locateCrs(crsDir: string, crsSetup: string | null): { rulesDir: string; setup: string } {
  if (!existsSync(crsDir) || !statSync(crsDir).isDirectory()) throw new RuleSetError(`rules.crsDir: ${crsDir} is not a directory`);
  const rulesDir = existsSync(join(crsDir, 'rules')) ? join(crsDir, 'rules') : crsDir;
  if (!existsSync(join(rulesDir, 'REQUEST-901-INITIALIZATION.conf'))) throw new RuleSetError(`rules.crsDir: no CRS rules (REQUEST-901-INITIALIZATION.conf) in ${rulesDir}`);
  if (crsSetup) {
    if (!existsSync(crsSetup)) throw new RuleSetError(`rules.crsSetup: ${crsSetup} does not exist`);
    return { rulesDir, setup: crsSetup };
  }
  const roots = [...new Set([crsDir, dirname(rulesDir)])];
  const candidates = [
    ...roots.flatMap((r) => [join(r, 'crs-setup.conf'), join(r, 'crs-setup.conf.example')]),
    '/etc/modsecurity/crs/crs-setup.conf',
  ];
  const setup = candidates.find((c) => existsSync(c));
  if (!setup) throw new RuleSetError(`no crs-setup.conf found (looked for ${candidates.join(', ')}); set rules.crsSetup / --crs-setup`);
  return { rulesDir, setup };
}

export function crsTuningSecLang(config: ProxyConfig, crs: EffectiveCrs = effectiveCrs(config, undefined)): string {
  return [
    `# vpatch-crs-tuning.conf: paranoia levels and anomaly thresholds from the ${crs.from === 'bundle' ? 'active bundle and the ' : ''}vpatch configuration`,
    'SecAction "id:90001,phase:1,pass,t:none,nolog,' +
      `setvar:tx.blocking_paranoia_level=${crs.paranoia},setvar:tx.paranoia_level=${crs.paranoia},` +
      `setvar:tx.detection_paranoia_level=${crs.executingParanoia},setvar:tx.executing_paranoia_level=${crs.executingParanoia},` +
      `setvar:tx.inbound_anomaly_score_threshold=${crs.inboundAnomalyThreshold},setvar:tx.outbound_anomaly_score_threshold=${crs.outboundAnomalyThreshold}"`,
    '',
  ].join('\n');
}

export function exclusionsSecLang(ex: RuleExclusions): string {
  const lines: string[] = [];
  if (ex.ids.length) lines.push(`SecRuleRemoveById ${ex.ids.join(' ')}`);
  for (const t of ex.tags) lines.push(`SecRuleRemoveByTag "${t}"`);
  return lines.join('\n') + (lines.length ? '\n' : '');
}

/** Sources for the shared part (everything but exclusions), and what was loaded. */
export function ruleSources(config: ProxyConfig): { sources: RuleSource[]; summary: string[]; patches: PatchState; crs: EffectiveCrs; exclusions: RuleExclusions } {
  const sources: RuleSource[] = [{ text: baseSecLang(config), name: 'vpatch-base.conf' }];
  const summary: string[] = ['vpatch-base.conf'];
  const r = config.rules;
  let catalog: LoadedCatalog | undefined;
  let patches = noPatches(r.env);
  const bundleExclusions: RuleExclusions = { ids: [], tags: [] };
  if (r.patches !== 'none') {
    const db = r.stateDb ?? defaultDbPath();
    try {
      catalog = loadCatalog(r.patches, { env: r.env, db });
    } catch (err) {
      throw new RuleSetError(`rules.patches (${r.patches}, environment ${r.env}, state ${db}): ${(err as Error).message}`, { cause: err });
    }
    // The bundle's exclusions go last, with the others, so they also remove CRS rules.
    sources.push(...catalog.files.filter((f) => f.name !== BUNDLE_EXCLUSIONS_FILE));
    if (catalog.exclusions) {
      bundleExclusions.ids.push(...catalog.exclusions.ruleIds.map(String));
      bundleExclusions.tags.push(...catalog.exclusions.tags);
    }
    patches = patchStateOf(catalog, r.env, r.patches);
    const b = catalog.bundle;
    summary.push(b
      ? `patches: bundle ${b.env}:v${b.version} (${b.hash.slice(0, 12)}), ${catalog.enabled.length} enabled`
      : `patches ${r.patches} (no active bundle in environment ${r.env}): ${catalog.enabled.length} enabled of ${catalog.patches.length}`);
  }
  const crs = effectiveCrs(config, catalog?.crs);
  if (crs.enabled) {
    const { rulesDir, setup } = locateCrs(r.crsDir!, r.crsSetup);
    sources.push({ file: setup }, { text: crsTuningSecLang(config, crs), name: 'vpatch-crs-tuning.conf' }, { file: join(rulesDir, '*.conf') });
    summary.push(`CRS ${rulesDir} (setup ${setup}, paranoia ${crs.paranoia}, inbound threshold ${crs.inboundAnomalyThreshold}${crs.from === 'bundle' ? ', from the bundle' : ''})`);
  } else if (r.crsDir) {
    summary.push(`CRS off: the active bundle was built with --crs off (${r.crsDir} not loaded)`);
  }
  for (const f of r.files) {
    sources.push({ file: f });
    summary.push(f);
  }
  if (r.inline.trim()) {
    sources.push({ text: r.inline, name: 'inline' });
    summary.push('inline rules');
  }
  if (bundleExclusions.ids.length || bundleExclusions.tags.length) summary.push(`bundle exclusions: rules ${bundleExclusions.ids.join(',') || '-'}; tags ${bundleExclusions.tags.join(',') || '-'}`);
  return { sources, summary, patches, crs, exclusions: bundleExclusions };
}

function mergeExclusions(a: RuleExclusions, b: RuleExclusions): RuleExclusions {
  return { ids: [...new Set([...a.ids, ...b.ids])], tags: [...new Set([...a.tags, ...b.tags])] };
}

/**
 * Runs a few synthetic transactions through a fresh rule set so the first real requests do
 * not pay for lazy initialisation and JIT warm-up against the engine time budget.
 */
export function warmUp(waf: ProxyWaf): void {
  const requests: Array<[string, string, Array<[string, string]>, string]> = [
    ['GET', '/vpatch-warmup?q=hello&id=1', [['Host', 'localhost'], ['User-Agent', 'Mozilla/5.0 vpatch-warmup'], ['Accept', 'text/html']], ''],
    ['POST', '/vpatch-warmup', [['Host', 'localhost'], ['User-Agent', 'Mozilla/5.0 vpatch-warmup'], ['Content-Type', 'application/x-www-form-urlencoded'], ['Content-Length', '17']], 'a=1&b=two&c=three'],
    ['POST', '/vpatch-warmup', [['Host', 'localhost'], ['User-Agent', 'Mozilla/5.0 vpatch-warmup'], ['Content-Type', 'application/json'], ['Content-Length', '22']], '{"a":1,"b":["x","y"]}'],
  ];
  for (let round = 0; round < 3; round++) {
    for (const [method, uri, headers, body] of requests) {
      try {
        const tx = waf.newTransaction({ id: `vpatch-warmup-${round}` });
        tx.processConnection('127.0.0.1', 1, '127.0.0.1', 2);
        tx.processUri(uri, method, 'HTTP/1.1');
        for (const [k, v] of headers) tx.addRequestHeader(k, v);
        if (!tx.processRequestHeaders()) {
          if (body && tx.requestBodyAccess) tx.appendRequestBody(Buffer.from(body));
          tx.processRequestBody();
        }
        tx.processLogging();
      } catch {
        /* a warm-up failure is not a compile failure; real requests will report it */
      }
    }
  }
}

function toRanges(ids: string[]): Array<[number, number]> {
  return ids.map((s) => {
    const [a, b] = s.split('-').map(Number);
    return [a!, b ?? a!];
  });
}

/**
 * Compiles every Waf the config needs. With an engine whose transactions support rule
 * removal, one Waf is compiled (global exclusions in SecLang) and per-route exclusions are
 * applied to each transaction; otherwise one Waf per distinct exclusion set.
 * Throws RuleSetError (or the engine's SecLangError) on failure.
 */
export function compileRuleSet(config: ProxyConfig, engine: EngineModule, generation: number): RuleSet {
  const start = performance.now();
  const { sources, summary, patches, crs, exclusions: bundleEx } = ruleSources(config);
  const global = mergeExclusions(config.rules.exclusions, bundleEx);
  const globalEx = exclusionsSecLang(global);
  const withGlobal = globalEx ? [...sources, { text: globalEx, name: 'vpatch-exclusions.conf' }] : sources;
  const active = config.routes.filter((r) => (r.mode ?? config.mode) !== 'off');
  const warnings: string[] = [];
  const collect = (w: ProxyWaf): void => {
    for (const x of w.warnings) if (!warnings.includes(x)) warnings.push(x);
  };
  const byName = new Map<string, ProxyWaf | null>();
  const txEx = new Map<string, { ranges: Array<[number, number]>; tags: string[] } | null>();
  let count = 0;
  if (active.length > 0) {
    const base = engine.compile(withGlobal);
    count++;
    collect(base);
    warmUp(base);
    const probe = base.newTransaction({ id: 'vpatch-probe' });
    const perTx = typeof probe.removeRuleRanges === 'function' && typeof probe.removeRulesByTag === 'function';
    const groups = new Map<string, ProxyWaf>();
    for (const route of active) {
      const ex = route.exclusions;
      if (ex.ids.length === 0 && ex.tags.length === 0) {
        byName.set(route.name, base);
        txEx.set(route.name, null);
      } else if (perTx) {
        byName.set(route.name, base);
        txEx.set(route.name, { ranges: toRanges(ex.ids), tags: ex.tags });
      } else {
        const merged = mergeExclusions(global, ex);
        const key = JSON.stringify([merged.ids.slice().sort(), merged.tags.slice().sort()]);
        let waf = groups.get(key);
        if (!waf) {
          waf = engine.compile([...sources, { text: exclusionsSecLang(merged), name: 'vpatch-exclusions.conf' }]);
          warmUp(waf);
          count++;
          collect(waf);
          groups.set(key, waf);
        }
        byName.set(route.name, waf);
        txEx.set(route.name, null);
      }
    }
  }
  return {
    generation,
    wafFor: (route) => byName.get(route.name) ?? null,
    txExclusionsFor: (route) => txEx.get(route.name) ?? null,
    warnings,
    compileMs: performance.now() - start,
    summary: [...summary, `${count} compiled rule set(s) for ${config.routes.length} route(s)`],
    patches,
    crs,
  };
}
