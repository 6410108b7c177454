/**
 * Facts about patches that depend on the outside world: KEV membership from a CISA feed file,
 * expiry (date passed or fixed version recorded as deployed), coverage rows.
 */
import { readFileSync } from 'node:fs';
import type { Patch } from './types.js';

export interface KevEntry {
  cveID: string;
  vendorProject: string;
  product: string;
  dateAdded: string;
  dueDate?: string;
  knownRansomwareCampaignUse?: string;
}

export interface KevFeed {
  catalogVersion: string;
  byCve: Map<string, KevEntry>;
}

/** Reads a CISA KEV catalog file (known_exploited_vulnerabilities.json, the format CISA publishes). */
export function readKevFeed(path: string): KevFeed {
  const data = JSON.parse(readFileSync(path, 'utf8')) as { catalogVersion?: string; vulnerabilities?: KevEntry[] };
  if (!Array.isArray(data.vulnerabilities)) throw new Error(`${path}: not a KEV catalog (no "vulnerabilities" array)`);
  return { catalogVersion: data.catalogVersion ?? 'unknown', byCve: new Map(data.vulnerabilities.map((v) => [v.cveID, v])) };
}

/** KEV flag of a patch: from the feed when given, else the patch's own `kev` field. */
export function kevOf(p: Patch, feed?: KevFeed): { kev: boolean; dateAdded?: string } {
  if (!feed) return { kev: p.kev };
  const hits = p.cves.map((c) => feed.byCve.get(c)).filter((e): e is KevEntry => e !== undefined);
  if (hits.length === 0) return { kev: false };
  return { kev: true, dateAdded: hits.map((h) => h.dateAdded).sort()[0]! };
}

export interface ExpiryStatus {
  expired: boolean;
  reason?: string;
}

/** A patch is expired when its expiry date has passed, or when its fix is recorded as deployed. */
export function expiryOf(p: Patch, now: Date, retired?: { at: string; note: string }): ExpiryStatus {
  if (retired) return { expired: true, reason: `fixed version recorded as deployed ${retired.at.slice(0, 10)}${retired.note ? ` (${retired.note})` : ''}` };
  if (p.expires.date) {
    const d = new Date(p.expires.date + 'T23:59:59Z');
    if (d.getTime() < now.getTime()) return { expired: true, reason: `expiry date ${p.expires.date} passed` };
  }
  return { expired: false };
}

/** Patches that are expired, for `vpatch patch list` and for the proxy's metrics. */
export function expiredPatches(patches: Patch[], now = new Date(), retired: Record<string, { at: string; note: string }> = {}): Array<{ id: string; reason: string }> {
  const out: Array<{ id: string; reason: string }> = [];
  for (const p of patches) {
    const e = expiryOf(p, now, retired[p.id]);
    if (e.expired) out.push({ id: p.id, reason: e.reason! });
  }
  return out;
}

export interface CoverageRow {
  id: string;
  cves: string[];
  kev: boolean;
  kevDateAdded?: string;
  severity: string;
  cvss?: number;
  classes: string[];
  rules: number;
  blockCases: number;
  passCases: number;
  title: string;
}

export function coverage(patches: Patch[], feed?: KevFeed): CoverageRow[] {
  return patches.map((p) => {
    const k = kevOf(p, feed);
    return {
      id: p.id,
      cves: p.cves,
      kev: k.kev,
      ...(k.dateAdded ? { kevDateAdded: k.dateAdded } : {}),
      severity: p.severity,
      ...(p.cvss ? { cvss: p.cvss.score } : {}),
      classes: p.classes,
      rules: p.rules.length,
      blockCases: p.tests.block.length,
      passCases: p.tests.pass.length,
      title: p.title,
    };
  });
}

/** Plain-text table with padded columns. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [fmt(headers), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n');
}
