/**
 * The audit log in ModSecurity v3's JSON format (SecAuditLogFormat JSON): one line per
 * relevant transaction, `{"transaction": {...}}` with client/host addresses, unique_id,
 * request, response, producer and messages, and the parts chosen by SecAuditLogParts
 * letters (B request headers, C request body, E response body, F response headers,
 * H messages; A and Z are implied). A `vpatch` member adds route, upstream, action and
 * engine time; readers of ModSecurity logs ignore it.
 *
 * Destination: stdout, stderr or a file opened for append; `reopen()` (SIGHUP) reopens the
 * file so logrotate can move it away.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import pino from 'pino';
import type { MatchedRule } from './engine.js';

export interface AuditRecord {
  id: string;
  time: Date;
  clientIp: string;
  clientPort: number;
  hostIp: string;
  hostPort: number;
  method: string;
  uri: string;
  httpVersion: string;
  requestHeaders: readonly string[];
  requestBody: Buffer | null;
  status: number;
  responseHeaders: readonly string[];
  responseBody: Buffer | null;
  engineMode: 'On' | 'DetectionOnly' | 'Off';
  matched: readonly MatchedRule[];
  vpatch: Record<string, unknown>;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => String(n).padStart(2, '0');

/** ModSecurity v3's time_stamp: `Mon Nov 23 19:32:34 2026` (asctime, local time). */
export function asctime(d: Date): string {
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ${d.getFullYear()}`;
}

function headerObject(raw: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i]!;
    out[k] = k in out ? `${out[k]}, ${raw[i + 1]}` : raw[i + 1]!;
  }
  return out;
}

/** Message text as ModSecurity puts it in the JSON log (the `msg`). */
function messageOf(m: MatchedRule): Record<string, unknown> {
  return {
    message: m.msg,
    details: {
      match: m.errorLogLine ? extractMatch(m.errorLogLine) : `Matched ${m.matchedVarName}`,
      reference: '',
      ruleId: String(m.id),
      file: '',
      lineNumber: '',
      data: m.logdata,
      severity: m.severity === undefined ? '' : String(m.severity),
      ver: m.ver,
      rev: m.rev,
      tags: m.tags,
      maturity: '0',
      accuracy: '0',
    },
  };
}

function extractMatch(line: string): string {
  // "ModSecurity: Warning. Matched "Operator `Rx' with parameter ..." [file ...]" -> the part before the first " [".
  const s = line.replace(/^ModSecurity: (?:Warning|Access denied[^.]*)\.\s*/, '');
  const i = s.indexOf(' [');
  return i >= 0 ? s.slice(0, i) : s;
}

const SERVER_ID = createHash('sha1').update(hostname()).digest('hex');

export function auditJson(rec: AuditRecord, parts: string): string {
  const request: Record<string, unknown> = {
    method: rec.method,
    http_version: Number(rec.httpVersion.replace(/^HTTP\//, '')) || 1.1,
    uri: rec.uri,
  };
  if (parts.includes('B')) request.headers = headerObject(rec.requestHeaders);
  if (parts.includes('C')) request.body = rec.requestBody ? rec.requestBody.toString('latin1') : '';
  const response: Record<string, unknown> = { http_code: rec.status };
  if (parts.includes('F')) response.headers = headerObject(rec.responseHeaders);
  if (parts.includes('E')) response.body = rec.responseBody ? rec.responseBody.toString('latin1') : '';
  const tx: Record<string, unknown> = {
    client_ip: rec.clientIp,
    time_stamp: asctime(rec.time),
    server_id: SERVER_ID,
    client_port: rec.clientPort,
    host_ip: rec.hostIp,
    host_port: rec.hostPort,
    unique_id: rec.id,
    request,
    response,
    producer: {
      modsecurity: 'vpatch (ModSecurity v3 compatible)',
      connector: 'vpatch serve',
      secrules_engine: rec.engineMode === 'On' ? 'Enabled' : rec.engineMode === 'DetectionOnly' ? 'DetectionOnly' : 'Disabled',
      components: [],
    },
  };
  if (parts.includes('H') || parts.includes('K')) tx.messages = rec.matched.filter((m) => m.log).map(messageOf);
  tx.vpatch = rec.vpatch;
  return JSON.stringify({ transaction: tx }) + '\n';
}

type Destination = ReturnType<typeof pino.destination>;

export class AuditLog {
  readonly mode: 'relevant' | 'all' | 'off';
  readonly parts: string;
  private readonly dest: Destination | null;

  constructor(opts: { mode: 'relevant' | 'all' | 'off'; path: string; parts: string; sync?: boolean }) {
    this.mode = opts.mode;
    this.parts = opts.parts;
    if (opts.mode === 'off') this.dest = null;
    else if (opts.path === 'stdout') this.dest = pino.destination({ dest: 1, sync: opts.sync ?? false });
    else if (opts.path === 'stderr') this.dest = pino.destination({ dest: 2, sync: opts.sync ?? false });
    else this.dest = pino.destination({ dest: opts.path, sync: opts.sync ?? false, mkdir: true, append: true });
  }

  /** Relevant = a rule that logs matched, the request was interrupted, or vpatch itself answered 5xx. */
  isRelevant(rec: { matched: readonly MatchedRule[]; interrupted: boolean; status: number }): boolean {
    if (this.mode === 'all') return true;
    if (this.mode === 'off') return false;
    return rec.interrupted || rec.status >= 500 || rec.matched.some((m) => m.log);
  }

  write(rec: AuditRecord): void {
    this.dest?.write(auditJson(rec, this.parts));
  }

  /** Writes a record the engine built (already in ModSecurity's JSON shape). */
  writeEntry(entry: unknown): void {
    this.dest?.write(JSON.stringify(entry) + '\n');
  }

  reopen(): void {
    this.dest?.reopen();
  }

  flush(): Promise<void> {
    const d = this.dest;
    if (!d) return Promise.resolve();
    return new Promise((resolve) => {
      try {
        d.flush((err?: Error) => { void err; resolve(); });
      } catch {
        resolve();
      }
    });
  }

  close(): Promise<void> {
    const d = this.dest;
    if (!d) return Promise.resolve();
    return this.flush().then(() => {
      if ((d as unknown as { fd: number }).fd > 2) d.end();
    });
  }
}
