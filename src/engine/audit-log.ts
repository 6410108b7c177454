import type { Transaction } from './transaction.js';
import type { MatchRecord } from './match-record.js';

export interface AuditLogMessage {
  message: string;
  details: {
    match: string;
    reference: string;
    ruleId: string;
    file: string;
    lineNumber: string;
    data: string;
    severity: string;
    ver: string;
    rev: string;
    tags: string[];
    maturity: string;
    accuracy: string;
  };
}

/** ModSecurity v3's JSON audit log record (SecAuditLogFormat JSON), one object per transaction. */
export interface AuditLogEntry {
  transaction: {
    client_ip: string;
    time_stamp: string;
    server_id: string;
    client_port: number;
    host_ip: string;
    host_port: number;
    unique_id: string;
    request: { method: string; http_version: number; uri: string; body?: string; headers?: Record<string, string> };
    response: { http_code: number; body?: string; headers?: Record<string, string> };
    producer: { modsecurity: string; connector: string; secrules_engine: string; components: string[] };
    messages?: AuditLogMessage[];
  };
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => (n < 10 ? '0' : '') + n;

/** C asctime() in local time without the newline ("Mon Nov  3 09:05:01 2026"), as ModSecurity writes time_stamp. */
export function ascTime(d: Date): string {
  const day = String(d.getDate()).padStart(2, ' ');
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${day} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${d.getFullYear()}`;
}

/** Bytes → text for JSON: the log carries UTF-8 where the bytes are UTF-8 and U+FFFD otherwise. */
function text(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

function headersObject(keys: string[], values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < keys.length; i++) {
    const k = text(keys[i]!);
    out[k] = out[k] === undefined ? text(values[i]!) : `${out[k]}, ${text(values[i]!)}`;
  }
  return out;
}

export function buildAuditLogEntry(tx: Transaction, requestBody: string, responseBody: string | undefined): AuditLogEntry {
  const parts = tx.auditLogParts;
  const version = Number((tx.requestProtocol ?? 'HTTP/1.1').replace(/^HTTP\//, '')) || 1.1;
  const request: AuditLogEntry['transaction']['request'] = { method: text(tx.requestMethod ?? ''), http_version: version, uri: text(tx.requestUriRaw ?? '') };
  if (parts.includes('B')) request.headers = headersObject(tx.requestHeaders.keys, tx.requestHeaders.values);
  if (parts.includes('C') || parts.includes('I')) request.body = text(requestBody);
  const response: AuditLogEntry['transaction']['response'] = { http_code: tx.interruption?.status ?? Number(tx.responseStatus ?? 0) };
  if (parts.includes('F')) response.headers = headersObject(tx.responseHeaders.keys, tx.responseHeaders.values);
  if (parts.includes('E') && responseBody !== undefined) response.body = text(responseBody);
  const entry: AuditLogEntry = {
    transaction: {
      client_ip: tx.remoteAddr ?? '',
      time_stamp: ascTime(tx.startDate),
      server_id: tx.waf.config.webAppId,
      client_port: Number(tx.remotePort ?? 0),
      host_ip: tx.serverAddr ?? '',
      host_port: Number(tx.serverPort ?? 0),
      unique_id: tx.id,
      request,
      response,
      producer: {
        modsecurity: 'vpatch',
        connector: 'vpatch',
        secrules_engine: tx.ruleEngine === 'On' ? 'Enabled' : tx.ruleEngine === 'Off' ? 'Disabled' : 'DetectionOnly',
        components: tx.waf.config.componentSignatures,
      },
    },
  };
  if (parts.includes('H')) {
    entry.transaction.messages = (tx.matchedRules as MatchRecord[]).filter((m) => m.auditlog || m.disruptive).map((m) => ({
      message: text(m.msg),
      details: {
        match: text(m.matchMessage),
        reference: '',
        ruleId: String(m.id),
        file: m.file,
        lineNumber: String(m.line),
        data: text(m.logdata),
        severity: String(m.severity ?? 0),
        ver: m.ver,
        rev: m.rev,
        tags: m.tags,
        maturity: String(m.maturity ?? 0),
        accuracy: String(m.accuracy ?? 0),
      },
    }));
  }
  return entry;
}
