/**
 * Agreement figures and disagreement groups from the per-request comparisons.
 */
import { describe } from './types.js';
import { EVALUATION_RULES, type Comparison } from './harness.js';

export interface GroupExample {
  id: string;
  kind: string;
  family: string;
  carrier: string;
  encoding: string;
  note: string;
  modsec: { status: number | null; allowed: boolean; rules: number[] };
  vpatch: { status: number | null; allowed: boolean; rules: number[] };
  /** What each side logged for the rules in this group's key. */
  detail: Record<string, { modsec?: string; vpatch?: string }>;
  request: string;
}

export interface Group {
  /** e.g. `-942100` (ModSecurity only), `+932235` (vpatch only), `-942100 +942101`, `front-end: nginx 400 / node 200`, `score only`. */
  key: string;
  requests: number;
  verdictDisagreements: number;
  examples: GroupExample[];
}

export interface Summary {
  paranoia: number;
  /** vpatch's HTTP front end: the plain node:http adapter or `vpatch serve`'s checks. */
  frontEnd?: string;
  total: number;
  kinds: Record<string, number>;
  verdictAgreement: number;
  verdictAgreePct: number;
  statusAgreePct: number;
  /** Over requests both engines saw. */
  bothEngines: number;
  rulesAgreement: number;
  rulesAgreePct: number;
  blockedModsec: number;
  blockedVpatch: number;
  byKind: Record<string, { total: number; verdictAgree: number; blockedModsec: number; blockedVpatch: number }>;
  /** Engine-level verdict agreement: requests where both engines saw the request. */
  engineVerdictAgreePct: number;
  frontEndDifferences: number;
  groups: Group[];
  /** Per rule id: requests (seen by both engines) where only ModSecurity / only vpatch logged it. */
  ruleDiffs: Array<{ id: number; onlyModsec: number; onlyVpatch: number }>;
}

function pct(a: number, b: number): number {
  return b === 0 ? 100 : Math.round((a / b) * 100000) / 1000;
}

export function groupKey(c: Comparison): string {
  if (!(c.modsec.engine && c.vpatch.engine)) {
    if (c.modsec.engine === c.vpatch.engine && c.modsec.status === c.vpatch.status) return '';
    return `front-end: ModSecurity side ${c.modsec.engine ? `engine ${c.modsec.status}` : c.modsec.frontEnd} / vpatch side ${c.vpatch.engine ? `engine ${c.vpatch.status}` : c.vpatch.frontEnd}`;
  }
  const diff = [...c.onlyModsec.filter((id) => !EVALUATION_RULES.has(id)).map((id) => `-${id}`), ...c.onlyVpatch.filter((id) => !EVALUATION_RULES.has(id)).map((id) => `+${id}`)];
  if (diff.length > 0) return diff.join(' ');
  if (c.onlyModsec.length > 0 || c.onlyVpatch.length > 0) return `score only: ${[...c.onlyModsec.map((id) => `-${id}`), ...c.onlyVpatch.map((id) => `+${id}`)].join(' ')}`;
  if (!c.verdictAgree || !c.statusAgree) return `same rules, outcome differs: ModSecurity ${c.modsec.status} / vpatch ${c.vpatch.status}`;
  return '';
}

export function summarize(paranoia: number, comparisons: readonly Comparison[], examplesPerGroup = 3): Summary {
  const kinds: Record<string, number> = {};
  const byKind: Summary['byKind'] = {};
  let verdictAgree = 0;
  let statusAgree = 0;
  let both = 0;
  let rulesAgree = 0;
  let blockedModsec = 0;
  let blockedVpatch = 0;
  let engineVerdictAgree = 0;
  let frontEnd = 0;
  const groups = new Map<string, Group>();
  const ruleDiffs = new Map<number, { id: number; onlyModsec: number; onlyVpatch: number }>();
  for (const c of comparisons) {
    const k = c.request.kind;
    kinds[k] = (kinds[k] ?? 0) + 1;
    const bk = (byKind[k] ??= { total: 0, verdictAgree: 0, blockedModsec: 0, blockedVpatch: 0 });
    bk.total++;
    if (c.verdictAgree) {
      verdictAgree++;
      bk.verdictAgree++;
    }
    if (c.statusAgree) statusAgree++;
    if (!c.modsec.allowed) {
      blockedModsec++;
      bk.blockedModsec++;
    }
    if (!c.vpatch.allowed) {
      blockedVpatch++;
      bk.blockedVpatch++;
    }
    if (c.rulesAgree !== null) {
      both++;
      if (c.rulesAgree) rulesAgree++;
      if (c.verdictAgree) engineVerdictAgree++;
    }
    if (c.rulesAgree !== null) for (const id of c.onlyModsec) (ruleDiffs.get(id) ?? ruleDiffs.set(id, { id, onlyModsec: 0, onlyVpatch: 0 }).get(id)!).onlyModsec++;
    if (c.rulesAgree !== null) for (const id of c.onlyVpatch) (ruleDiffs.get(id) ?? ruleDiffs.set(id, { id, onlyModsec: 0, onlyVpatch: 0 }).get(id)!).onlyVpatch++;
    const key = groupKey(c);
    if (!key) continue;
    if (key.startsWith('front-end')) frontEnd++;
    const g = groups.get(key) ?? { key, requests: 0, verdictDisagreements: 0, examples: [] };
    groups.set(key, g);
    g.requests++;
    if (!c.verdictAgree) g.verdictDisagreements++;
    // Prefer verdict-changing examples.
    if (g.examples.length < examplesPerGroup || (!c.verdictAgree && g.examples.some((e) => e.modsec.allowed === e.vpatch.allowed))) {
      const ids = [...c.onlyModsec, ...c.onlyVpatch];
      const detail: GroupExample['detail'] = {};
      for (const id of ids) {
        const d: { modsec?: string; vpatch?: string } = {};
        if (c.modsec.details[id] !== undefined) d.modsec = c.modsec.details[id];
        if (c.vpatch.details[id] !== undefined) d.vpatch = c.vpatch.details[id];
        detail[String(id)] = d;
      }
      const ex: GroupExample = {
        id: c.request.id, kind: c.request.kind, family: c.request.family, carrier: c.request.carrier, encoding: c.request.encoding, note: c.request.note,
        modsec: { status: c.modsec.status, allowed: c.modsec.allowed, rules: c.modsec.ruleIds },
        vpatch: { status: c.vpatch.status, allowed: c.vpatch.allowed, rules: c.vpatch.ruleIds },
        detail,
        request: describe(c.request, 900),
      };
      if (g.examples.length < examplesPerGroup) g.examples.push(ex);
      else g.examples[g.examples.findIndex((e) => e.modsec.allowed === e.vpatch.allowed)] = ex;
    }
  }
  const total = comparisons.length;
  return {
    paranoia,
    total,
    kinds,
    verdictAgreement: verdictAgree,
    verdictAgreePct: pct(verdictAgree, total),
    statusAgreePct: pct(statusAgree, total),
    bothEngines: both,
    rulesAgreement: rulesAgree,
    rulesAgreePct: pct(rulesAgree, both),
    blockedModsec,
    blockedVpatch,
    byKind,
    engineVerdictAgreePct: pct(engineVerdictAgree, both),
    frontEndDifferences: frontEnd,
    groups: [...groups.values()].sort((a, b) => b.verdictDisagreements - a.verdictDisagreements || b.requests - a.requests || a.key.localeCompare(b.key)),
    ruleDiffs: [...ruleDiffs.values()].sort((a, b) => b.onlyModsec + b.onlyVpatch - (a.onlyModsec + a.onlyVpatch) || a.id - b.id),
  };
}

export function formatSummary(s: Summary, opts: { maxGroups?: number; examples?: number } = {}): string {
  const lines: string[] = [];
  lines.push(`vpatch vs ModSecurity v3.0.9 (nginx) — CRS paranoia level ${s.paranoia}${s.frontEnd ? `, vpatch front end: ${s.frontEnd}` : ''}`);
  lines.push(`requests: ${s.total} (${Object.entries(s.kinds).map(([k, n]) => `${k} ${n}`).join(', ')})`);
  lines.push(`blocked: ModSecurity ${s.blockedModsec}, vpatch ${s.blockedVpatch}`);
  lines.push(`verdict agreement (blocked or not): ${s.verdictAgreement}/${s.total} = ${s.verdictAgreePct}%`);
  lines.push(`  where both engines saw the request: ${s.engineVerdictAgreePct}% of ${s.bothEngines}; front-end differences: ${s.frontEndDifferences}`);
  for (const [k, b] of Object.entries(s.byKind)) lines.push(`  ${k.padEnd(8)} ${b.verdictAgree}/${b.total} = ${pct(b.verdictAgree, b.total)}% (blocked: ModSecurity ${b.blockedModsec}, vpatch ${b.blockedVpatch})`);
  lines.push(`status agreement: ${s.statusAgreePct}%`);
  lines.push(`rule-id agreement (same set of logged rule ids): ${s.rulesAgreement}/${s.bothEngines} = ${s.rulesAgreePct}%`);
  lines.push('');
  const groups = s.groups.slice(0, opts.maxGroups ?? 60);
  lines.push(`disagreement groups: ${s.groups.length} (key: -ID only ModSecurity logged it, +ID only vpatch)`);
  for (const g of groups) {
    lines.push(`\n## ${g.key}: ${g.requests} request(s), ${g.verdictDisagreements} with a different verdict`);
    for (const e of g.examples.slice(0, opts.examples ?? 2)) {
      lines.push(`  - ${e.id} ${e.kind}/${e.family} via ${e.carrier} (${e.encoding}): ${e.note}`);
      lines.push(`    ModSecurity ${e.modsec.status}${e.modsec.allowed ? ' allowed' : ' blocked'} [${e.modsec.rules.join(' ')}]; vpatch ${e.vpatch.status}${e.vpatch.allowed ? ' allowed' : ' blocked'} [${e.vpatch.rules.join(' ')}]`);
      for (const [id, d] of Object.entries(e.detail)) {
        if (EVALUATION_RULES.has(Number(id))) continue;
        lines.push(`    ${id}: ${d.modsec !== undefined ? `ModSecurity: ${d.modsec}` : ''}${d.vpatch !== undefined ? `vpatch: ${d.vpatch}` : ''}`);
      }
      lines.push('    ' + e.request.split('\r\n').join('\n    ').slice(0, 700));
    }
  }
  if (s.groups.length > groups.length) lines.push(`\n… ${s.groups.length - groups.length} more groups (see --json or the results file)`);
  lines.push('\nrules that differ most (only ModSecurity / only vpatch):');
  for (const r of s.ruleDiffs.slice(0, 25)) lines.push(`  ${r.id}: ${r.onlyModsec} / ${r.onlyVpatch}`);
  return lines.join('\n');
}
