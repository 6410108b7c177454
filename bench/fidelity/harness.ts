/**
 * Runs generated requests through both sides — nginx + ModSecurity v3 and vpatch — with the
 * same bytes, and compares per request: blocked or not, status, and the logged rule ids.
 */
import { exchange, header, type Exchange } from './client.js';
import { NginxOracle, ID_HEADER, UPSTREAM_MARKER, type AuditRecord } from './oracle.js';
import { VpatchServer, type FrontEnd, type VpatchRecord } from './vpatch-side.js';
import { serialize, type FidelityRequest } from './types.js';
import type { Settings } from './settings.js';

export interface SideOutcome {
  status: number | null;
  /** Transport error (timeout, reset before a response). */
  error: string | null;
  /** The request reached the upstream (the marker header came back). */
  allowed: boolean;
  /** The WAF engine saw the request (an audit record / a transaction exists). */
  engine: boolean;
  /** Logged rule ids, ascending, deduplicated. */
  ruleIds: number[];
  /** Per rule id: what the side logged (matched variable and data), for examples. */
  details: Record<number, string>;
  /** Front-end rejection reason when the engine did not see the request. */
  frontEnd?: string;
}

export interface Comparison {
  request: FidelityRequest;
  modsec: SideOutcome;
  vpatch: SideOutcome;
  verdictAgree: boolean;
  statusAgree: boolean;
  /** null when at least one engine did not see the request. */
  rulesAgree: boolean | null;
  onlyModsec: number[];
  onlyVpatch: number[];
}

/** Rules that only sum up scores: a difference there follows from a difference elsewhere (or in counting). */
export const EVALUATION_RULES = new Set([949110, 949111, 959100, 959101, 980170, 980099]);

function trim(s: string, n = 160): string {
  const p = s.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).replace(/\r/g, '\\r').replace(/\n/g, '\\n');
  return p.length > n ? p.slice(0, n) + '…' : p;
}

function modsecOutcome(ex: Exchange, rec: AuditRecord | undefined): SideOutcome {
  const r = ex.response;
  const details: Record<number, string> = {};
  const ids = new Set<number>();
  for (const m of rec?.messages ?? []) {
    ids.add(m.ruleId);
    details[m.ruleId] ??= trim(`${m.data || m.match}`);
  }
  const out: SideOutcome = {
    status: r?.status ?? null,
    error: ex.error,
    allowed: r !== null && header(r, UPSTREAM_MARKER) !== undefined,
    engine: rec !== undefined,
    ruleIds: [...ids].sort((a, b) => a - b),
    details,
  };
  if (!rec) out.frontEnd = r ? `nginx ${r.status}` : `nginx ${ex.error ?? 'no response'}`;
  return out;
}

function vpatchOutcome(ex: Exchange, rec: VpatchRecord | null): SideOutcome {
  const r = ex.response;
  const details: Record<number, string> = {};
  const ids = new Set<number>();
  for (const m of rec?.matched ?? []) {
    if (!m.log) continue;
    ids.add(m.id);
    details[m.id] ??= trim(`${m.logdata || m.matchedVar} [${m.matchedVarName}]`);
  }
  const out: SideOutcome = {
    status: r?.status ?? null,
    error: ex.error,
    allowed: r !== null && header(r, UPSTREAM_MARKER) !== undefined,
    engine: rec?.transaction ?? false,
    ruleIds: [...ids].sort((a, b) => a - b),
    details,
  };
  if (!out.engine) out.frontEnd = rec?.frontEndError ? (rec.frontEndError.startsWith('serve ') ? rec.frontEndError : `node ${rec.frontEndError}`) : r ? `node ${r.status}` : `node ${ex.error ?? 'no response'}`;
  return out;
}

export function compare(request: FidelityRequest, modsec: SideOutcome, vpatch: SideOutcome): Comparison {
  const m = new Set(modsec.ruleIds);
  const v = new Set(vpatch.ruleIds);
  const onlyModsec = modsec.ruleIds.filter((id) => !v.has(id));
  const onlyVpatch = vpatch.ruleIds.filter((id) => !m.has(id));
  const both = modsec.engine && vpatch.engine;
  return {
    request,
    modsec,
    vpatch,
    verdictAgree: modsec.allowed === vpatch.allowed,
    statusAgree: modsec.status === vpatch.status,
    rulesAgree: both ? onlyModsec.length === 0 && onlyVpatch.length === 0 : null,
    onlyModsec,
    onlyVpatch,
  };
}

export interface Sides {
  oracle: NginxOracle;
  vpatch: VpatchServer;
  stop(): Promise<void>;
}

export async function startSides(settings: Settings, opts: { workers?: number; keep?: boolean; frontEnd?: FrontEnd } = {}): Promise<Sides> {
  const oracleOpts: Parameters<typeof NginxOracle.start>[0] = { ...settings };
  if (opts.workers !== undefined) oracleOpts.workers = opts.workers;
  if (opts.keep !== undefined) oracleOpts.keep = opts.keep;
  const [oracle, vpatch] = await Promise.all([NginxOracle.start(oracleOpts), VpatchServer.start(settings, undefined, opts.frontEnd ?? 'adapter')]);
  return {
    oracle,
    vpatch,
    async stop() {
      await Promise.all([oracle.stop(), vpatch.stop()]);
    },
  };
}

export interface RunOptions {
  concurrency?: number;
  timeoutMs?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Sends every request to both sides and compares. */
export async function runRequests(sides: Sides, requests: readonly FidelityRequest[], opts: RunOptions = {}): Promise<Comparison[]> {
  const raw: Array<{ ng: Exchange; vp: Exchange; vrec: VpatchRecord | null; id: string | undefined }> = new Array(requests.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= requests.length) return;
      const r = requests[i]!;
      const bytes = serialize(r);
      const o = { method: r.method, timeoutMs: opts.timeoutMs ?? 20_000 };
      const [ng, vp] = await Promise.all([exchange(sides.oracle.port, bytes, o), exchange(sides.vpatch.port, bytes, o)]);
      const vrec = await sides.vpatch.take(vp.localPort, vp.response ? 1000 : 100);
      raw[i] = { ng, vp, vrec, id: ng.response ? header(ng.response, ID_HEADER) : undefined };
      done++;
      opts.onProgress?.(done, requests.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
  const ids = raw.map((x) => x.id).filter((x): x is string => typeof x === 'string');
  // Audit records are written in nginx's log phase; requests nginx rejected itself have none.
  await sides.oracle.waitFor(ids, 5000);
  return requests.map((r, i) => {
    const x = raw[i]!;
    const rec = x.id ? sides.oracle.record(x.id) : undefined;
    return compare(r, modsecOutcome(x.ng, rec), vpatchOutcome(x.vp, x.vrec));
  });
}
