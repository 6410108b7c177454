/**
 * Runs patches' `block` and `pass` cases end to end against a live ingress point
 * (`--target URL`): a block case passes when the answer has the block status (403), a pass
 * case when it has any other. In-process runs through the engine are in engine-runner.ts.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { buildRequest, describeRequest, serializeRequest, type WireRequest } from './requests.js';
import type { Patch, TestRequest } from './types.js';

export interface CaseResult {
  kind: 'block' | 'pass';
  index: number;
  description: string;
  ok: boolean;
  /** Why the case failed (or what happened when it passed). */
  detail: string;
}

export interface PatchReport {
  id: string;
  title: string;
  cases: CaseResult[];
  passed: number;
  failed: number;
}

export interface HttpResult {
  status: number;
  error?: string;
}

/** Sends one raw HTTP/1.1 request (exact target, headers and body) and reads the status line. */
export function sendRaw(target: URL, req: WireRequest, timeoutMs = 10_000): Promise<HttpResult> {
  return new Promise((resolvePromise) => {
    const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const hostHeader = target.host;
    const onConnect = () => sock.write(serializeRequest(req, hostHeader));
    const sock: Socket =
      target.protocol === 'https:'
        ? tlsConnect({ host, port, servername: /^[\d.:]+$/.test(host) ? undefined : host, rejectUnauthorized: false }, onConnect)
        : netConnect({ host, port }, onConnect);
    let buf = '';
    let done = false;
    const finish = (r: HttpResult) => {
      if (done) return;
      done = true;
      sock.destroy();
      resolvePromise(r);
    };
    sock.setTimeout(timeoutMs, () => finish({ status: 0, error: 'timeout' }));
    sock.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      const m = /^HTTP\/\d\.\d (\d{3})/.exec(buf);
      if (m) finish({ status: Number(m[1]) });
      else if (buf.length > 64 && !buf.startsWith('HTTP/')) finish({ status: 0, error: 'not an HTTP response' });
    });
    sock.on('error', (e) => finish({ status: 0, error: e.message }));
    sock.on('close', () => finish({ status: 0, error: buf ? 'malformed response' : 'connection closed without a response' }));
  });
}

export interface TargetOptions {
  /** Statuses that mean "blocked" (default [403]). */
  blockStatus?: number | number[];
  /** Prefix added to every case's path (when the ingress serves the app under a prefix). */
  pathPrefix?: string;
}

/** Runs cases end to end against a live ingress point. */
export async function runAgainstTarget(patches: Patch[], targetUrl: string, opts: TargetOptions = {}): Promise<PatchReport[]> {
  const target = new URL(targetUrl);
  const blockStatuses = Array.isArray(opts.blockStatus) ? opts.blockStatus : [opts.blockStatus ?? 403];
  const blockStatus = blockStatuses.join('/');
  const prefix = opts.pathPrefix ?? (target.pathname !== '/' ? target.pathname.replace(/\/$/, '') : '');
  const reports: PatchReport[] = [];
  for (const p of patches) {
    const cases: CaseResult[] = [];
    const run = async (kind: 'block' | 'pass', t: TestRequest, i: number) => {
      const req = buildRequest({ ...t, uri: prefix + t.uri }, target.host);
      const r = await sendRaw(target, req);
      const blocked = blockStatuses.includes(r.status);
      const ok = r.status !== 0 && (kind === 'block' ? blocked : !blocked);
      const detail = r.status === 0 ? `no response: ${r.error}` : `status ${r.status}${ok ? '' : kind === 'block' ? ` (expected ${blockStatus})` : ' (blocked: false positive)'}`;
      cases.push({ kind, index: i, description: describeRequest(t), ok, detail });
    };
    for (const [i, t] of p.tests.block.entries()) await run('block', t, i);
    for (const [i, t] of p.tests.pass.entries()) await run('pass', t, i);
    const passed = cases.filter((c) => c.ok).length;
    reports.push({ id: p.id, title: p.title, cases, passed, failed: cases.length - passed });
  }
  return reports;
}

/** Human-readable report; returns the text. */
export function formatReports(reports: PatchReport[], verbose = false): string {
  const lines: string[] = [];
  let pass = 0;
  let fail = 0;
  for (const r of reports) {
    pass += r.passed;
    fail += r.failed;
    lines.push(`${r.failed === 0 ? 'ok  ' : 'FAIL'} ${r.id}  ${r.passed}/${r.cases.length} cases  ${r.title}`);
    for (const c of r.cases) if (!c.ok || verbose) lines.push(`     ${c.ok ? 'ok  ' : 'FAIL'} ${c.kind}[${c.index}] ${c.description}: ${c.detail}`);
  }
  lines.push(`${reports.length} patches, ${pass} cases passed, ${fail} failed`);
  return lines.join('\n');
}
