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
  const { sources, summary } = ruleSources(config);
  const globalEx = exclusionsSecLang(config.rules.exclusions);
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
        const merged = mergeExclusions(config.rules.exclusions, ex);
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
  };
}
