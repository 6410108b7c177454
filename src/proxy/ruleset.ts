/**
 * From configuration to compiled rule sets. The sources handed to `Waf.compile`, in order:
 *
 *   1. vpatch-base.conf: engine settings (SecRuleEngine, body access and limits, response MIME
 *      types) and the body-processor / body-error rules of ModSecurity's
 *      modsecurity.conf-recommended (ids 200000-200005).
 *   2. When a CRS directory is configured: its crs-setup.conf, then vpatch-crs-tuning.conf
 *      (paranoia levels and anomaly thresholds from the config, id 90001), then rules/*.conf.
 *   3. The virtual-patch catalog (`rules.patches`: builtin, none or a directory).
 *   4. Extra SecLang files, then inline SecLang.
 *   5. Exclusions: SecRuleRemoveById / SecRuleRemoveByTag, global plus per route.
 *
 * One Waf is compiled per distinct exclusion set; routes with the same set share it, and
 * routes in mode `off` get none.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ProxyConfig, RouteConfig, RuleExclusions } from './config.js';
import type { ProxyWaf } from './engine.js';
import { loadCatalog } from '../patches/loader.js';

export type RuleSource = { text: string; name: string } | { file: string };

/** What the proxy needs of the engine module: `Waf.compile`. */
export interface EngineModule {
  compile(sources: RuleSource[]): ProxyWaf;
}

let engineModule: EngineModule | null = null;

/** The real engine, loaded on first use (src/engine/index.ts). */
export async function loadEngine(): Promise<EngineModule> {
  if (engineModule) return engineModule;
  const spec = '../engine/index.js';
  const mod = (await import(spec)) as { Waf: { compile(sources: RuleSource[]): ProxyWaf } };
  engineModule = { compile: (sources) => mod.Waf.compile(sources) };
  return engineModule;
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
  warnings: string[];
  /** Milliseconds the compile took. */
  compileMs: number;
  /** Human-readable list of what was loaded. */
  summary: string[];
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

export function crsTuningSecLang(config: ProxyConfig): string {
  const r = config.rules;
  const exec = r.executingParanoia ?? r.paranoia;
  return [
    '# vpatch-crs-tuning.conf: paranoia levels and anomaly thresholds from the vpatch configuration',
    'SecAction "id:90001,phase:1,pass,t:none,nolog,' +
      `setvar:tx.blocking_paranoia_level=${r.paranoia},setvar:tx.paranoia_level=${r.paranoia},` +
      `setvar:tx.detection_paranoia_level=${exec},setvar:tx.executing_paranoia_level=${exec},` +
      `setvar:tx.inbound_anomaly_score_threshold=${r.inboundAnomalyThreshold},setvar:tx.outbound_anomaly_score_threshold=${r.outboundAnomalyThreshold}"`,
    '',
  ].join('\n');
}

export function exclusionsSecLang(ex: RuleExclusions): string {
  const lines: string[] = [];
  if (ex.ids.length) lines.push(`SecRuleRemoveById ${ex.ids.join(' ')}`);
  for (const t of ex.tags) lines.push(`SecRuleRemoveByTag "${t}"`);
  return lines.join('\n') + (lines.length ? '\n' : '');
}

/** Sources for the shared part (everything but exclusions). */
export function ruleSources(config: ProxyConfig): { sources: RuleSource[]; summary: string[] } {
  const sources: RuleSource[] = [{ text: baseSecLang(config), name: 'vpatch-base.conf' }];
  const summary: string[] = ['vpatch-base.conf'];
  const r = config.rules;
  if (r.crsDir) {
    const { rulesDir, setup } = locateCrs(r.crsDir, r.crsSetup);
    sources.push({ file: setup }, { text: crsTuningSecLang(config), name: 'vpatch-crs-tuning.conf' }, { file: join(rulesDir, '*.conf') });
    summary.push(`CRS ${rulesDir} (setup ${setup}, paranoia ${r.paranoia})`);
  }
  if (r.patches !== 'none') {
    let catalog;
    try {
      catalog = loadCatalog(r.patches);
    } catch (err) {
      throw new RuleSetError(`rules.patches (${r.patches}): ${(err as Error).message}`, { cause: err });
    }
    sources.push(...catalog.files);
    summary.push(`patches ${r.patches}: ${catalog.enabled.length} enabled of ${catalog.patches.length}`);
  }
  for (const f of r.files) {
    sources.push({ file: f });
    summary.push(f);
  }
  if (r.inline.trim()) {
    sources.push({ text: r.inline, name: 'inline' });
    summary.push('inline rules');
  }
  return { sources, summary };
}

function mergeExclusions(a: RuleExclusions, b: RuleExclusions): RuleExclusions {
  return { ids: [...new Set([...a.ids, ...b.ids])], tags: [...new Set([...a.tags, ...b.tags])] };
}

/** Compiles every Waf the config needs. Throws RuleSetError (or the engine's SecLangError) on failure. */
export function compileRuleSet(config: ProxyConfig, engine: EngineModule, generation: number): RuleSet {
  const start = performance.now();
  const { sources, summary } = ruleSources(config);
  const groups = new Map<string, { ex: RuleExclusions; waf: ProxyWaf | null }>();
  const keyOf = (route: RouteConfig): string | null => {
    if ((route.mode ?? config.mode) === 'off') return null;
    const ex = mergeExclusions(config.rules.exclusions, route.exclusions);
    const key = JSON.stringify([ex.ids.slice().sort(), ex.tags.slice().sort()]);
    if (!groups.has(key)) groups.set(key, { ex, waf: null });
    return key;
  };
  const routeKeys = new Map<RouteConfig, string | null>();
  for (const route of config.routes) routeKeys.set(route, keyOf(route));
  const warnings: string[] = [];
  for (const g of groups.values()) {
    const ex = exclusionsSecLang(g.ex);
    g.waf = engine.compile(ex ? [...sources, { text: ex, name: 'vpatch-exclusions.conf' }] : sources);
    for (const w of g.waf.warnings) if (!warnings.includes(w)) warnings.push(w);
  }
  const byName = new Map<string, ProxyWaf | null>();
  for (const [route, key] of routeKeys) byName.set(route.name, key === null ? null : groups.get(key)!.waf);
  return {
    generation,
    wafFor: (route) => byName.get(route.name) ?? null,
    warnings,
    compileMs: performance.now() - start,
    summary: [...summary, `${groups.size} compiled rule set(s) for ${config.routes.length} route(s)`],
  };
}
