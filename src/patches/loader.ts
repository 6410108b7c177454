/**
 * Loading patch files: YAML → schema validation → semantic checks → `Patch`.
 * `loadCatalog()` is what `vpatch serve` calls to get the patches and their SecLang.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { compilePatch, compilePatches, preludeSecLang } from './compiler.js';
import { PatchLoadError, PatchValidationError } from './errors.js';
import { BUILTIN_CATALOG_DIR, PACKAGE_ROOT } from './paths.js';
import type { Patch, PatchMode } from './types.js';
import { envState } from './bundles.js';
import type { CrsSettings, Exclusions } from './store.js';
import { defaultDbPath } from './store.js';
import { expiredPatches } from './inventory.js';
import { checkPatchSemantics, schemaErrors } from './validate.js';

function displayName(file: string): string {
  const rel = relative(PACKAGE_ROOT, file);
  return rel.startsWith('..') ? file : rel;
}

/** Parses and validates one patch document. `file` names it in errors. */
export function parsePatch(text: string, file: string): Patch {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line;
    throw new PatchValidationError(file, line ? `line ${line}` : '/', `YAML syntax: ${e.message.split('\n')[0]}`);
  }
  const data = doc.toJS({ maxAliasCount: 50 }) as unknown;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new PatchValidationError(file, '/', 'a patch file holds one YAML mapping');
  const errs = schemaErrors(data);
  if (errs.length > 0) {
    const first = errs[0]!;
    const err = new PatchValidationError(file, first.field, first.reason + (errs.length > 1 ? ` (and ${errs.length - 1} more: ${errs.slice(1, 4).map((x) => `${x.field}: ${x.reason}`).join('; ')})` : ''));
    throw err;
  }
  const d = data as Record<string, unknown> & Partial<Patch>;
  const patch: Patch = {
    id: d.id!,
    title: d.title!,
    ...(d.description !== undefined ? { description: d.description } : {}),
    cves: d.cves!,
    cwe: d.cwe ?? [],
    kev: d.kev ?? false,
    severity: d.severity!,
    ...(d.cvss !== undefined ? { cvss: d.cvss } : {}),
    affected: d.affected!,
    references: d.references!,
    classes: d.classes ?? [],
    scope: { hosts: d.scope?.hosts ?? [], paths: d.scope?.paths ?? [], methods: d.scope?.methods ?? [] },
    mode: (d.mode as PatchMode | undefined) ?? 'block',
    expires: d.expires!,
    rules: d.rules!,
    tests: d.tests!,
    source: file,
    sha256: createHash('sha256').update(text).digest('hex'),
    text,
  };
  checkPatchSemantics(patch, file);
  return patch;
}

export function loadPatchFile(path: string): Patch {
  const file = displayName(resolve(path));
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PatchValidationError(file, '/', `cannot read: ${(err as Error).message}`);
  }
  return parsePatch(text, file);
}

/** Checks a set of patches together: unique patch ids and rule ids. */
export function checkPatchSet(patches: Patch[]): PatchValidationError[] {
  const errors: PatchValidationError[] = [];
  const byId = new Map<string, Patch>();
  const ruleOwner = new Map<number, Patch>();
  for (const p of patches) {
    const other = byId.get(p.id);
    if (other) errors.push(new PatchValidationError(p.source, '/id', `patch id ${p.id} is also used by ${other.source}`));
    byId.set(p.id, p);
    p.rules.forEach((r, i) => {
      const o = ruleOwner.get(r.id);
      if (o && o !== p) errors.push(new PatchValidationError(p.source, `/rules/${i}/id`, `rule id ${r.id} is also used by ${o.id} (${o.source})`));
      ruleOwner.set(r.id, p);
    });
  }
  return errors;
}

/** Loads every `*.yaml` / `*.yml` in a directory (not recursive). All invalid files are reported at once. */
export function loadPatchDir(dir: string): Patch[] {
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const patches: Patch[] = [];
  const errors: PatchValidationError[] = [];
  for (const f of files) {
    try {
      patches.push(loadPatchFile(join(dir, f)));
    } catch (err) {
      if (err instanceof PatchValidationError) errors.push(err);
      else throw err;
    }
  }
  errors.push(...checkPatchSet(patches));
  if (errors.length > 0) throw new PatchLoadError(errors);
  return patches;
}

/** Loads patches from files and/or directories ('builtin' = the built-in catalog). */
export function loadPatches(sources: string[]): Patch[] {
  const all: Patch[] = [];
  for (const s of sources) {
    const path = s === 'builtin' ? BUILTIN_CATALOG_DIR : s;
    if (!existsSync(path)) throw new PatchValidationError(s, '/', 'no such file or directory');
    if (statSync(path).isDirectory()) all.push(...loadPatchDir(path));
    else all.push(loadPatchFile(path));
  }
  const errors = checkPatchSet(all);
  if (errors.length > 0) throw new PatchLoadError(errors);
  return all;
}

let builtinCache: Patch[] | undefined;
/** The built-in catalog (parsed once per process). */
export function builtinCatalog(): Patch[] {
  if (!builtinCache) builtinCache = loadPatchDir(BUILTIN_CATALOG_DIR);
  return builtinCache;
}

export interface LoadedCatalog {
  patches: Patch[];
  /** SecLang for the enabled patches in their modes, preceded by the body-processor prelude. */
  seclang: string;
  /** The same SecLang split per patch, named `<patch id>.yaml`, so engine errors name the patch. */
  files: Array<{ text: string; name: string }>;
  /** The patches whose mode is not `off`. */
  enabled: Patch[];
  modes: Record<string, import('./types.js').PatchMode>;
  /** Set when the catalog came from an environment's active bundle. */
  bundle?: { env: string; version: number; hash: string };
  /** The bundle's CRS settings and rule exclusions (set with `bundle`). */
  crs?: CrsSettings;
  exclusions?: Exclusions;
  /** Enabled patches past their expiry date or whose fix is recorded as deployed (for metrics and status). */
  expired: Array<{ id: string; reason: string }>;
  /** The environment's retirement marks (fix recorded as deployed), when an environment was given and its state exists. */
  retirements?: Record<string, { at: string; note: string }>;
}

export interface LoadCatalogOptions {
  /** Per-patch modes (e.g. from the active bundle); others use the patch's default mode. */
  modes?: Record<string, PatchMode>;
  /** Include the body-processor prelude (default true). */
  prelude?: boolean;
  /**
   * Environment whose active bundle to serve (default: $VPATCH_ENV). When it has an active
   * bundle, the bundle's exact patch texts, modes and exclusions replace `source`.
   */
  env?: string;
  /** State database (default: $VPATCH_DB or the per-user default). */
  db?: string;
}

/**
 * The function `vpatch serve` calls: `loadCatalog('builtin')`, a directory, a file, or a
 * list of them. Returns the patches and the SecLang to hand to `Waf.compile` (alone or after CRS).
 */
export function loadCatalog(source: string | string[] = 'builtin', opts: LoadCatalogOptions = {}): LoadedCatalog {
  const env = opts.env ?? process.env.VPATCH_ENV;
  let retirements: Record<string, { at: string; note: string }> = {};
  if (env) {
    const state = envState(env, opts.db ?? defaultDbPath());
    if (state?.bundle) return state.bundle;
    if (state) retirements = state.retirements;
  }
  const sources = Array.isArray(source) ? source : [source];
  const patches = sources.length === 1 && sources[0] === 'builtin' ? builtinCatalog() : loadPatches(sources);
  const modes: Record<string, PatchMode> = {};
  for (const p of patches) modes[p.id] = opts.modes?.[p.id] ?? p.mode;
  const seclang = compilePatches(patches, modes, { prelude: opts.prelude !== false });
  const files: Array<{ text: string; name: string }> = [];
  if (opts.prelude !== false) files.push({ text: preludeSecLang(), name: 'vpatch-prelude.conf' });
  for (const p of patches) {
    const text = compilePatch(p, modes[p.id]!);
    if (text) files.push({ text, name: patchFileName(p.id) });
  }
  const enabled = patches.filter((p) => modes[p.id] !== 'off');
  return { patches, seclang, files, expired: expiredPatches(enabled, new Date(), retirements), enabled, modes, retirements };
}

/** The file name a patch should have. */
export function patchFileName(id: string): string {
  return `${id}.yaml`;
}

export function isCatalogFileNameConsistent(p: Patch): boolean {
  return basename(p.source) === patchFileName(p.id);
}
