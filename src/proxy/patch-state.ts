/**
 * What the proxy knows about the virtual patches it loaded: where they came from (an
 * environment's active bundle, or `rules.patches` in default modes), their modes, which rule
 * id belongs to which patch, and which enabled patches are expired. The admin API's
 * `GET /status` (`patches`), the metrics (per-patch blocks and detection-only hits, expired
 * patches, the active bundle) and the access log read it. See docs/patches.md.
 */
import type { LoadedCatalog } from '../patches/loader.js';
import type { Patch, PatchMode } from '../patches/types.js';
import { VPATCH_RULE_ID_MAX, VPATCH_RULE_ID_MIN } from '../patches/types.js';
import { expiredPatches } from '../patches/inventory.js';
import type { Interruption, MatchedRule } from './engine.js';

export interface BundleRef {
  env: string;
  version: number;
  hash: string;
}

export interface PatchState {
  /** `rules.env`: the environment whose active bundle is served when it has one. */
  env: string;
  /** `bundle` (the environment's active bundle), `builtin`, a directory, or `none`. */
  source: string;
  bundle: BundleRef | null;
  /** Enabled patches (mode block or detect) and their modes. */
  enabled: ReadonlyArray<Pick<Patch, 'id' | 'expires'>>;
  modes: Readonly<Record<string, Exclude<PatchMode, 'off'>>>;
  /** Retirement marks of the environment (fixed version recorded as deployed), as read at load. */
  retirements: Readonly<Record<string, { at: string; note: string }>>;
  /** Rule id → patch id, for every rule of an enabled patch. */
  ruleToPatch: ReadonlyMap<number, string>;
}

/** The state for `rules.patches: none`: no patches, no bundle. */
export function noPatches(env: string): PatchState {
  return { env, source: 'none', bundle: null, enabled: [], modes: {}, retirements: {}, ruleToPatch: new Map() };
}

export function patchStateOf(catalog: LoadedCatalog, env: string, source: string): PatchState {
  const ruleToPatch = new Map<number, string>();
  const modes: Record<string, Exclude<PatchMode, 'off'>> = {};
  for (const p of catalog.enabled) {
    const mode = catalog.modes[p.id] ?? p.mode;
    if (mode === 'off') continue;
    modes[p.id] = mode;
    for (const r of p.rules) ruleToPatch.set(r.id, p.id);
  }
  return {
    env,
    source: catalog.bundle ? 'bundle' : source,
    bundle: catalog.bundle ? { env: catalog.bundle.env, version: catalog.bundle.version, hash: catalog.bundle.hash } : null,
    enabled: catalog.enabled.filter((p) => modes[p.id] !== undefined).map((p) => ({ id: p.id, expires: p.expires })),
    modes,
    retirements: catalog.retirements ?? {},
    ruleToPatch,
  };
}

/** Enabled patches that are expired now: expiry date passed, or fix recorded as deployed. */
export function expiredNow(s: PatchState, now = new Date()): Array<{ id: string; reason: string }> {
  return expiredPatches(s.enabled as Patch[], now, s.retirements as Record<string, { at: string; note: string }>);
}

/** Number of enabled patches by mode. */
export function modeCounts(s: PatchState): { block: number; detect: number } {
  const out = { block: 0, detect: 0 };
  for (const m of Object.values(s.modes)) out[m]++;
  return out;
}

/** The `patches` object of `GET /status` (docs/patches.md, "Admin API"). */
export function patchStatus(s: PatchState, now = new Date()): {
  env: string;
  source: string;
  bundle: BundleRef | null;
  enabled: number;
  modes: { block: number; detect: number };
  expired: Array<{ id: string; reason: string }>;
} {
  return { env: s.env, source: s.source, bundle: s.bundle, enabled: s.enabled.length, modes: modeCounts(s), expired: expiredNow(s, now) };
}

const NO_HITS: { blocked: null; detected: readonly string[] } = Object.freeze({ blocked: null, detected: Object.freeze([]) });

export function isPatchRuleId(id: number): boolean {
  return id >= VPATCH_RULE_ID_MIN && id <= VPATCH_RULE_ID_MAX;
}

/**
 * Which patches a finished transaction is attributed to. `blocked`: the patch whose rule
 * interrupted it. `detected`: the other patches whose rules matched without interrupting: a
 * patch in detect mode, or any patch under a DetectionOnly route (where nothing interrupts).
 */
export function patchHits(s: PatchState | null, interruption: Interruption | null, matched: readonly MatchedRule[]): { blocked: string | null; detected: readonly string[] } {
  if (!s || s.ruleToPatch.size === 0 || (!interruption && matched.length === 0)) return NO_HITS;
  const blocked = interruption && isPatchRuleId(interruption.ruleId) ? (s.ruleToPatch.get(interruption.ruleId) ?? null) : null;
  const detected: string[] = [];
  for (const r of matched) {
    if (!isPatchRuleId(r.id)) continue;
    const p = s.ruleToPatch.get(r.id);
    if (p && p !== blocked && !detected.includes(p)) detected.push(p);
  }
  return { blocked, detected };
}
