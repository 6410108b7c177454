/**
 * The CLI side of `vpatch serve`'s admin API (src/proxy/admin.ts): `POST /reload` recompiles the
 * configuration and rules (the new generation takes over atomically, open connections finish on
 * the old one) and `GET /status` reports what is loaded. The admin listener is on loopback by
 * default; elsewhere it needs `Authorization: Bearer <token>`.
 */

export interface AdminTarget {
  /** e.g. http://127.0.0.1:9901 */
  url: string;
  token?: string | undefined;
}

export interface AdminResponse {
  status: number;
  body: unknown;
}

export function adminTargetFrom(opts: { admin?: string; adminToken?: string }): AdminTarget | undefined {
  const url = opts.admin ?? process.env.VPATCH_ADMIN_URL;
  if (!url) return undefined;
  return { url, token: opts.adminToken ?? process.env.VPATCH_ADMIN_TOKEN };
}

async function call(target: AdminTarget, method: 'GET' | 'POST', path: string, timeoutMs = 30_000): Promise<AdminResponse> {
  const u = new URL(path, target.url.endsWith('/') ? target.url : target.url + '/');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  const res = await fetch(u, { method, headers, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* plain text */
  }
  return { status: res.status, body };
}

/** Asks a running `vpatch serve` to reload its rules; resolves with the admin API's answer. */
export async function reloadServe(target: AdminTarget): Promise<AdminResponse> {
  return call(target, 'POST', 'reload');
}

export async function serveStatus(target: AdminTarget): Promise<AdminResponse> {
  return call(target, 'GET', 'status');
}
