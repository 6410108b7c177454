/**
 * vpatch's state: per-environment patch modes, bundles, activations and an audit trail, in an
 * embedded SQLite database (better-sqlite3) with numbered migrations.
 *
 * Location: `--db PATH`, else $VPATCH_DB, else $XDG_STATE_HOME/vpatch/vpatch.db, else
 * ~/.local/state/vpatch/vpatch.db.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { PatchMode } from './types.js';

export function defaultDbPath(): string {
  if (process.env.VPATCH_DB) return resolve(process.env.VPATCH_DB);
  const base = process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state');
  return join(base, 'vpatch', 'vpatch.db');
}

/** Who is acting: $VPATCH_ACTOR, else the OS user. */
export function currentActor(): string {
  if (process.env.VPATCH_ACTOR) return process.env.VPATCH_ACTOR;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/**
 * Id of an environment's latest activation, read without writing anything (no migration, no
 * directory or file created): how a running `vpatch serve --watch` notices `vpatch bundle activate`.
 * Null when the database or its activations table does not exist, or the environment has none.
 */
export function latestActivationId(path: string, env: string): number | null {
  if (!existsSync(path)) return null;
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 1000');
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'activations'").get()) return null;
    const r = db.prepare('SELECT MAX(id) AS id FROM activations WHERE env = ?').get(env) as { id: number | null };
    return r.id ?? null;
  } finally {
    db.close();
  }
}

interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Append-only: never edit a released migration, add a new one. */
export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'environments, modes, patch texts, bundles, activations, audit',
    sql: `
      CREATE TABLE environments (
        name TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        crs TEXT NOT NULL DEFAULT '{}',
        exclusions TEXT NOT NULL DEFAULT '{"ruleIds":[],"tags":[]}'
      );
      CREATE TABLE patch_modes (
        env TEXT NOT NULL REFERENCES environments(name),
        patch_id TEXT NOT NULL,
        mode TEXT NOT NULL CHECK (mode IN ('block','detect','off')),
        changed_by TEXT NOT NULL,
        changed_at TEXT NOT NULL,
        PRIMARY KEY (env, patch_id)
      );
      CREATE TABLE patch_texts (
        sha256 TEXT PRIMARY KEY,
        patch_id TEXT NOT NULL,
        text TEXT NOT NULL
      );
      CREATE TABLE bundles (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        env TEXT NOT NULL REFERENCES environments(name),
        version INTEGER NOT NULL,
        hash TEXT NOT NULL,
        content TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        UNIQUE (env, version)
      );
      CREATE INDEX bundles_hash ON bundles(hash);
      CREATE TABLE activations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        env TEXT NOT NULL REFERENCES environments(name),
        bundle_id INTEGER NOT NULL REFERENCES bundles(id),
        action TEXT NOT NULL CHECK (action IN ('activate','rollback')),
        actor TEXT NOT NULL,
        at TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        applied TEXT NOT NULL DEFAULT ''
      );
      CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        env TEXT,
        action TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '{}'
      );
    `,
  },
  {
    version: 2,
    name: 'retirement marks (fixed version deployed)',
    sql: `
      CREATE TABLE retirements (
        env TEXT NOT NULL REFERENCES environments(name),
        patch_id TEXT NOT NULL,
        actor TEXT NOT NULL,
        at TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (env, patch_id)
      );
    `,
  },
];

export interface CrsSettings {
  enabled?: boolean;
  paranoia?: number;
  inboundAnomalyThreshold?: number;
}

export interface Exclusions {
  ruleIds: number[];
  tags: string[];
}

export interface BundleRow {
  id: number;
  env: string;
  version: number;
  hash: string;
  content: string;
  createdBy: string;
  createdAt: string;
  note: string;
}

export interface ActivationRow {
  id: number;
  env: string;
  bundleId: number;
  version: number;
  hash: string;
  action: 'activate' | 'rollback';
  actor: string;
  at: string;
  note: string;
  applied: string;
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string;
  env: string | null;
  action: string;
  detail: string;
}

const ENV_NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/i;

export class Store {
  readonly db: Database.Database;
  readonly path: string;

  constructor(path: string = defaultDbPath()) {
    this.path = path;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
  }

  close(): void {
    this.db.close();
  }

  /** Applies pending migrations in one transaction each; returns the versions applied. */
  migrate(): number[] {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const done = new Set((this.db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version));
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      this.db.transaction(() => {
        this.db.exec(m.sql);
        this.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
      })();
      applied.push(m.version);
    }
    return applied;
  }

  schemaVersion(): number {
    const r = this.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
    return r.v ?? 0;
  }

  /** Creates the environment on first use. */
  ensureEnv(env: string): void {
    if (!ENV_NAME.test(env)) throw new Error(`invalid environment name "${env}" (letters, digits, . _ -)`);
    this.db.prepare('INSERT OR IGNORE INTO environments (name, created_at) VALUES (?, ?)').run(env, new Date().toISOString());
  }

  envs(): string[] {
    return (this.db.prepare('SELECT name FROM environments ORDER BY name').all() as Array<{ name: string }>).map((r) => r.name);
  }

  audit(actor: string, env: string | null, action: string, detail: unknown): void {
    this.db.prepare('INSERT INTO audit (at, actor, env, action, detail) VALUES (?, ?, ?, ?, ?)').run(new Date().toISOString(), actor, env, action, JSON.stringify(detail));
  }

  auditLog(env?: string, limit = 100): AuditRow[] {
    const rows = env
      ? this.db.prepare('SELECT * FROM audit WHERE env = ? ORDER BY id DESC LIMIT ?').all(env, limit)
      : this.db.prepare('SELECT * FROM audit ORDER BY id DESC LIMIT ?').all(limit);
    return rows as AuditRow[];
  }

  setMode(env: string, patchId: string, mode: PatchMode, actor: string): PatchMode | undefined {
    this.ensureEnv(env);
    const before = this.modes(env)[patchId];
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO patch_modes (env, patch_id, mode, changed_by, changed_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(env, patch_id) DO UPDATE SET mode = excluded.mode, changed_by = excluded.changed_by, changed_at = excluded.changed_at')
        .run(env, patchId, mode, actor, new Date().toISOString());
      this.audit(actor, env, 'patch.mode', { patch: patchId, from: before ?? null, to: mode });
    })();
    return before;
  }

  /** The working (not yet bundled) mode overrides of an environment. */
  modes(env: string): Record<string, PatchMode> {
    const rows = this.db.prepare('SELECT patch_id, mode FROM patch_modes WHERE env = ?').all(env) as Array<{ patch_id: string; mode: PatchMode }>;
    return Object.fromEntries(rows.map((r) => [r.patch_id, r.mode]));
  }

  setEnvConfig(env: string, crs: CrsSettings | undefined, exclusions: Exclusions | undefined, actor: string): void {
    this.ensureEnv(env);
    const cur = this.envConfig(env);
    const next = { crs: crs ?? cur.crs, exclusions: exclusions ?? cur.exclusions };
    this.db.prepare('UPDATE environments SET crs = ?, exclusions = ? WHERE name = ?').run(JSON.stringify(next.crs), JSON.stringify(next.exclusions), env);
    this.audit(actor, env, 'env.config', next);
  }

  envConfig(env: string): { crs: CrsSettings; exclusions: Exclusions } {
    const r = this.db.prepare('SELECT crs, exclusions FROM environments WHERE name = ?').get(env) as { crs: string; exclusions: string } | undefined;
    if (!r) return { crs: {}, exclusions: { ruleIds: [], tags: [] } };
    return { crs: JSON.parse(r.crs) as CrsSettings, exclusions: JSON.parse(r.exclusions) as Exclusions };
  }

  putPatchText(sha256: string, patchId: string, text: string): void {
    this.db.prepare('INSERT OR IGNORE INTO patch_texts (sha256, patch_id, text) VALUES (?, ?, ?)').run(sha256, patchId, text);
  }

  patchText(sha256: string): string | undefined {
    const r = this.db.prepare('SELECT text FROM patch_texts WHERE sha256 = ?').get(sha256) as { text: string } | undefined;
    return r?.text;
  }

  /** Records a bundle for an environment (next version); returns the existing row when the content equals the latest one. */
  addBundle(env: string, hash: string, content: string, actor: string, note = ''): { row: BundleRow; created: boolean } {
    this.ensureEnv(env);
    const latest = this.latestBundle(env);
    if (latest && latest.hash === hash) return { row: latest, created: false };
    const version = (latest?.version ?? 0) + 1;
    const at = new Date().toISOString();
    const info = this.db.transaction(() => {
      const res = this.db.prepare('INSERT INTO bundles (env, version, hash, content, created_by, created_at, note) VALUES (?, ?, ?, ?, ?, ?, ?)').run(env, version, hash, content, actor, at, note);
      this.audit(actor, env, 'bundle.build', { version, hash });
      return res;
    })();
    return { row: this.bundleById(Number(info.lastInsertRowid))!, created: true };
  }

  private static toBundle(r: Record<string, unknown> | undefined): BundleRow | undefined {
    if (!r) return undefined;
    return {
      id: r.id as number,
      env: r.env as string,
      version: r.version as number,
      hash: r.hash as string,
      content: r.content as string,
      createdBy: r.created_by as string,
      createdAt: r.created_at as string,
      note: r.note as string,
    };
  }

  bundleById(id: number): BundleRow | undefined {
    return Store.toBundle(this.db.prepare('SELECT * FROM bundles WHERE id = ?').get(id) as Record<string, unknown> | undefined);
  }

  latestBundle(env: string): BundleRow | undefined {
    return Store.toBundle(this.db.prepare('SELECT * FROM bundles WHERE env = ? ORDER BY version DESC LIMIT 1').get(env) as Record<string, unknown> | undefined);
  }

  bundles(env: string): BundleRow[] {
    return (this.db.prepare('SELECT * FROM bundles WHERE env = ? ORDER BY version').all(env) as Array<Record<string, unknown>>).map((r) => Store.toBundle(r)!);
  }

  /**
   * Finds a bundle by reference: `VERSION` or `vVERSION` (in `env`), `ENV:VERSION`, a hash prefix
   * (at least 6 hex digits), `latest` or `active` (in `env`).
   */
  findBundle(ref: string, env?: string): BundleRow | undefined {
    const m = /^(?:([A-Za-z0-9][A-Za-z0-9_.-]*):)?v?(\d+)$/.exec(ref);
    if (m && (m[1] ?? env)) {
      return Store.toBundle(this.db.prepare('SELECT * FROM bundles WHERE env = ? AND version = ?').get(m[1] ?? env, Number(m[2])) as Record<string, unknown> | undefined);
    }
    if (ref === 'latest' && env) return this.latestBundle(env);
    if (ref === 'active' && env) {
      const a = this.activeActivation(env);
      return a ? this.bundleById(a.bundleId) : undefined;
    }
    if (/^[0-9a-f]{6,64}$/i.test(ref)) {
      const rows = (env
        ? this.db.prepare('SELECT * FROM bundles WHERE hash LIKE ? AND env = ? ORDER BY id DESC').all(`${ref.toLowerCase()}%`, env)
        : this.db.prepare('SELECT * FROM bundles WHERE hash LIKE ? ORDER BY id DESC').all(`${ref.toLowerCase()}%`)) as Array<Record<string, unknown>>;
      const hashes = new Set(rows.map((r) => r.hash));
      if (hashes.size > 1) throw new Error(`bundle reference ${ref} is ambiguous`);
      return Store.toBundle(rows[0]);
    }
    return undefined;
  }

  recordActivation(env: string, bundleId: number, action: 'activate' | 'rollback', actor: string, note = ''): ActivationRow {
    const at = new Date().toISOString();
    const id = this.db.transaction(() => {
      const res = this.db.prepare('INSERT INTO activations (env, bundle_id, action, actor, at, note) VALUES (?, ?, ?, ?, ?, ?)').run(env, bundleId, action, actor, at, note);
      const b = this.bundleById(bundleId)!;
      this.audit(actor, env, `bundle.${action}`, { version: b.version, hash: b.hash, note });
      return Number(res.lastInsertRowid);
    })();
    return this.activations(env).find((a) => a.id === id)!;
  }

  setActivationApplied(id: number, applied: string): void {
    this.db.prepare('UPDATE activations SET applied = ? WHERE id = ?').run(applied, id);
  }

  /** Activations of an environment, oldest first. */
  activations(env: string): ActivationRow[] {
    const rows = this.db
      .prepare('SELECT a.*, b.version, b.hash FROM activations a JOIN bundles b ON b.id = a.bundle_id WHERE a.env = ? ORDER BY a.id')
      .all(env) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      id: r.id as number,
      env: r.env as string,
      bundleId: r.bundle_id as number,
      version: r.version as number,
      hash: r.hash as string,
      action: r.action as 'activate' | 'rollback',
      actor: r.actor as string,
      at: r.at as string,
      note: r.note as string,
      applied: r.applied as string,
    }));
  }

  activeActivation(env: string): ActivationRow | undefined {
    const all = this.activations(env);
    return all[all.length - 1];
  }

  retire(env: string, patchId: string, actor: string, note = ''): void {
    this.ensureEnv(env);
    this.db
      .prepare('INSERT INTO retirements (env, patch_id, actor, at, note) VALUES (?, ?, ?, ?, ?) ON CONFLICT(env, patch_id) DO UPDATE SET actor = excluded.actor, at = excluded.at, note = excluded.note')
      .run(env, patchId, actor, new Date().toISOString(), note);
    this.audit(actor, env, 'patch.retire', { patch: patchId, note });
  }

  retirements(env: string): Record<string, { actor: string; at: string; note: string }> {
    const rows = this.db.prepare('SELECT patch_id, actor, at, note FROM retirements WHERE env = ?').all(env) as Array<{ patch_id: string; actor: string; at: string; note: string }>;
    return Object.fromEntries(rows.map((r) => [r.patch_id, { actor: r.actor, at: r.at, note: r.note }]));
  }
}
