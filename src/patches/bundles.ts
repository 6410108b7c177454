/**
 * Bundles: the exact set of enabled patches (by content hash) with their modes, plus CRS settings
 * and rule exclusions, serialised canonically and identified by the sha256 of that serialisation.
 * Each environment numbers its bundles (v1, v2, ...) and keeps an activation history; activating
 * or rolling back is one store update plus a reload of the running `vpatch serve`.
 */
import { createHash } from 'node:crypto';
import { compilePatch, preludeSecLang } from './compiler.js';
import { parsePatch, patchFileName, type LoadedCatalog } from './loader.js';
import { Store, type BundleRow, type CrsSettings, type Exclusions, defaultDbPath } from './store.js';
import type { Patch, PatchMode } from './types.js';
import { existsSync } from 'node:fs';
import { expiredPatches } from './inventory.js';

export const BUNDLE_FORMAT = 1;

export interface BundlePatch {
  id: string;
  mode: Exclude<PatchMode, 'off'>;
  sha256: string;
}

export interface BundleContent {
  format: number;
  patches: BundlePatch[];
  crs: CrsSettings;
  exclusions: Exclusions;
}

/** JSON with object keys sorted at every level: the bytes the bundle hash is computed over. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export function bundleHash(content: BundleContent): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** The bundle content for a set of patches under per-patch modes (patches in mode `off` are left out). */
export function bundleContent(patches: Patch[], modes: Record<string, PatchMode>, crs: CrsSettings = {}, exclusions: Exclusions = { ruleIds: [], tags: [] }): BundleContent {
  const enabled: BundlePatch[] = [];
  for (const p of [...patches].sort((a, b) => a.id.localeCompare(b.id))) {
    const mode = modes[p.id] ?? p.mode;
    if (mode !== 'off') enabled.push({ id: p.id, mode, sha256: p.sha256 });
  }
  return {
    format: BUNDLE_FORMAT,
    patches: enabled,
    crs,
    exclusions: { ruleIds: [...new Set(exclusions.ruleIds)].sort((a, b) => a - b), tags: [...new Set(exclusions.tags)].sort() },
  };
}

export interface BuildResult {
  row: BundleRow;
  content: BundleContent;
  created: boolean;
}

/** Builds the environment's bundle from the patches and the environment's working modes and settings. */
export function buildBundle(store: Store, env: string, patches: Patch[], actor: string, note = ''): BuildResult {
  store.ensureEnv(env);
  const modes = store.modes(env);
  const unknown = Object.keys(modes).filter((id) => !patches.some((p) => p.id === id));
  if (unknown.length > 0 && unknown.some((id) => modes[id] !== 'off')) {
    throw new Error(`environment ${env} sets modes for patches that are not loaded: ${unknown.join(', ')}`);
  }
  const { crs, exclusions } = store.envConfig(env);
  const content = bundleContent(patches, modes, crs, exclusions);
  for (const bp of content.patches) {
    const p = patches.find((x) => x.id === bp.id)!;
    store.putPatchText(p.sha256, p.id, p.text);
  }
  const hash = bundleHash(content);
  const { row, created } = store.addBundle(env, hash, canonicalJson(content), actor, note);
  return { row, content, created };
}

export function parseBundle(row: BundleRow): BundleContent {
  return JSON.parse(row.content) as BundleContent;
}

export interface BundleDiff {
  added: BundlePatch[];
  removed: BundlePatch[];
  modeChanged: Array<{ id: string; from: string; to: string }>;
  contentChanged: Array<{ id: string; from: string; to: string }>;
  crs: { from: CrsSettings; to: CrsSettings } | null;
  exclusions: { added: { ruleIds: number[]; tags: string[] }; removed: { ruleIds: number[]; tags: string[] } };
  identical: boolean;
}

export function diffBundles(a: BundleContent, b: BundleContent): BundleDiff {
  const am = new Map(a.patches.map((p) => [p.id, p]));
  const bm = new Map(b.patches.map((p) => [p.id, p]));
  const added = b.patches.filter((p) => !am.has(p.id));
  const removed = a.patches.filter((p) => !bm.has(p.id));
  const modeChanged: BundleDiff['modeChanged'] = [];
  const contentChanged: BundleDiff['contentChanged'] = [];
  for (const [id, pa] of am) {
    const pb = bm.get(id);
    if (!pb) continue;
    if (pa.mode !== pb.mode) modeChanged.push({ id, from: pa.mode, to: pb.mode });
    if (pa.sha256 !== pb.sha256) contentChanged.push({ id, from: pa.sha256.slice(0, 12), to: pb.sha256.slice(0, 12) });
  }
  const crs = canonicalJson(a.crs) === canonicalJson(b.crs) ? null : { from: a.crs, to: b.crs };
  const exclusions = {
    added: { ruleIds: b.exclusions.ruleIds.filter((x) => !a.exclusions.ruleIds.includes(x)), tags: b.exclusions.tags.filter((x) => !a.exclusions.tags.includes(x)) },
    removed: { ruleIds: a.exclusions.ruleIds.filter((x) => !b.exclusions.ruleIds.includes(x)), tags: a.exclusions.tags.filter((x) => !b.exclusions.tags.includes(x)) },
  };
  const identical = canonicalJson(a) === canonicalJson(b);
  return { added, removed, modeChanged, contentChanged, crs, exclusions, identical };
}

export function formatDiff(d: BundleDiff, aName: string, bName: string): string {
  if (d.identical) return `${aName} and ${bName} are identical`;
  const lines = [`--- ${aName}`, `+++ ${bName}`];
  for (const p of d.added) lines.push(`+ ${p.id} (${p.mode})`);
  for (const p of d.removed) lines.push(`- ${p.id} (${p.mode})`);
  for (const m of d.modeChanged) lines.push(`~ ${m.id} mode ${m.from} -> ${m.to}`);
  for (const c of d.contentChanged) lines.push(`~ ${c.id} content ${c.from} -> ${c.to}`);
  if (d.crs) lines.push(`~ crs ${canonicalJson(d.crs.from)} -> ${canonicalJson(d.crs.to)}`);
  for (const id of d.exclusions.added.ruleIds) lines.push(`+ exclusion rule ${id}`);
  for (const id of d.exclusions.removed.ruleIds) lines.push(`- exclusion rule ${id}`);
  for (const t of d.exclusions.added.tags) lines.push(`+ exclusion tag ${t}`);
  for (const t of d.exclusions.removed.tags) lines.push(`- exclusion tag ${t}`);
  return lines.join('\n');
}

/** Name of the exclusions source in a bundle catalog's `files` (vpatch serve moves it after CRS). */
export const BUNDLE_EXCLUSIONS_FILE = 'vpatch-bundle-exclusions.conf';

/** SecLang that removes excluded rules; placed after CRS and the patches. */
export function exclusionSecLang(ex: Exclusions): string {
  const lines: string[] = [];
  if (ex.ruleIds.length > 0) lines.push(`SecRuleRemoveById ${ex.ruleIds.join(' ')}`);
  for (const t of ex.tags) lines.push(`SecRuleRemoveByTag "${t.replace(/"/g, '')}"`);
  return lines.length ? `# bundle exclusions\n${lines.join('\n')}\n` : '';
}

export interface BundleCatalog extends LoadedCatalog {
  bundle: { env: string; version: number; hash: string };
  crs: CrsSettings;
  exclusions: Exclusions;
}

/** Restores a bundle exactly: the stored patch texts, their modes, and the exclusions. */
export function catalogFromBundle(store: Store, row: BundleRow): BundleCatalog {
  const content = parseBundle(row);
  const patches: Patch[] = [];
  const modes: Record<string, PatchMode> = {};
  for (const bp of content.patches) {
    const text = store.patchText(bp.sha256);
    if (text === undefined) throw new Error(`bundle ${row.env}:v${row.version}: the text of ${bp.id} (${bp.sha256.slice(0, 12)}) is missing from the store`);
    patches.push(parsePatch(text, `bundle:${row.env}:v${row.version}/${patchFileName(bp.id)}`));
    modes[bp.id] = bp.mode;
  }
  const files: Array<{ text: string; name: string }> = [{ text: preludeSecLang(), name: 'vpatch-prelude.conf' }];
  for (const p of patches) files.push({ text: compilePatch(p, modes[p.id]!), name: patchFileName(p.id) });
  const ex = exclusionSecLang(content.exclusions);
  if (ex) files.push({ text: ex, name: BUNDLE_EXCLUSIONS_FILE });
  const retirements = store.retirements(row.env);
  return {
    patches,
    enabled: patches,
    expired: expiredPatches(patches, new Date(), retirements),
    retirements,
    modes,
    files,
    seclang: files.map((f) => f.text).join('\n'),
    bundle: { env: row.env, version: row.version, hash: row.hash },
    crs: content.crs,
    exclusions: content.exclusions,
  };
}

/**
 * The catalog of an environment's active bundle, or null when the environment has none (or the
 * database does not exist). `vpatch serve` uses this when VPATCH_ENV (or rules.env) names an environment.
 */
export function activeBundleCatalog(env: string, dbPath: string = defaultDbPath()): BundleCatalog | null {
  return envState(env, dbPath)?.bundle ?? null;
}

/**
 * What an environment's state holds for a serve: the catalog of its active bundle (or null), and
 * its retirement marks. Null when the database does not exist (nothing is created then).
 */
export function envState(env: string, dbPath: string = defaultDbPath()): { bundle: BundleCatalog | null; retirements: Record<string, { at: string; note: string }> } | null {
  if (dbPath !== ':memory:' && !existsSync(dbPath)) return null;
  const store = new Store(dbPath);
  try {
    const act = store.activeActivation(env);
    if (!act) return { bundle: null, retirements: store.retirements(env) };
    const bundle = catalogFromBundle(store, store.bundleById(act.bundleId)!);
    return { bundle, retirements: bundle.retirements ?? {} };
  } finally {
    store.close();
  }
}
