/**
 * Routing by host and path prefix. Hosts match exactly (case-insensitive, port ignored) or
 * by `*.suffix` wildcard; a route without hosts matches any host. Among the routes whose
 * host matches, the longest path prefix wins, matched at a segment boundary (`/api` matches
 * `/api`, `/api/x` and `/api?q`, not `/apix`) on the normalised path: percent-decoded
 * unreserved characters, `.`/`..` segments resolved, repeated slashes merged, so
 * `/static/../admin` is routed as `/admin` (what the upstream will serve). Exact-host routes
 * beat wildcard routes, which beat host-less routes. The request target itself is forwarded
 * unchanged.
 */
import type { RouteConfig } from './config.js';

interface Entry {
  route: RouteConfig;
  order: number;
}

export class Router {
  private readonly exact = new Map<string, Entry[]>();
  private readonly wildcard: Array<{ suffix: string; entries: Entry[] }> = [];
  private readonly any: Entry[] = [];

  constructor(routes: readonly RouteConfig[]) {
    routes.forEach((route, order) => {
      const e = { route, order };
      if (route.hosts.length === 0) this.any.push(e);
      for (const h of route.hosts) {
        if (h.startsWith('*.')) {
          const suffix = h.slice(1);
          let w = this.wildcard.find((x) => x.suffix === suffix);
          if (!w) this.wildcard.push((w = { suffix, entries: [] }));
          w.entries.push(e);
        } else {
          const list = this.exact.get(h) ?? [];
          list.push(e);
          this.exact.set(h, list);
        }
      }
    });
    this.wildcard.sort((a, b) => b.suffix.length - a.suffix.length);
  }

  /** `host` is the Host header as received (may carry a port); `target` the raw request target. */
  match(host: string | undefined, target: string): RouteConfig | null {
    const h = hostOnly(host ?? '');
    const path = normalizePath(target);
    const exact = this.exact.get(h);
    if (exact) {
      const r = bestPrefix(exact, path);
      if (r) return r;
    }
    for (const w of this.wildcard) {
      if (h.length > w.suffix.length && h.endsWith(w.suffix)) {
        const r = bestPrefix(w.entries, path);
        if (r) return r;
      }
    }
    return bestPrefix(this.any, path);
  }
}

function bestPrefix(entries: Entry[], path: string): RouteConfig | null {
  let best: Entry | null = null;
  for (const e of entries) {
    if (!prefixMatches(e.route.pathPrefix, path)) continue;
    if (!best || e.route.pathPrefix.length > best.route.pathPrefix.length) best = e;
  }
  return best ? best.route : null;
}

export function prefixMatches(prefix: string, path: string): boolean {
  if (prefix === '/' || path === prefix) return true;
  if (!path.startsWith(prefix)) return false;
  return prefix.endsWith('/') || path[prefix.length] === '/';
}

/** Lower-case host without port or trailing dot. */
export function hostOnly(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end > 0 ? h.slice(0, end + 1) : h;
  }
  const colon = h.lastIndexOf(':');
  if (colon >= 0) h = h.slice(0, colon);
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

const UNRESERVED = /%(2[DdEe]|3[0-9]|[46][1-9A-Fa-f]|[57][0-9Aa]|5[Ff]|7[Ee])/g;

/** The path of a request target (origin-form or absolute-form), normalised for routing. */
export function normalizePath(target: string): string {
  let p = target;
  if (!p.startsWith('/')) {
    const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(p);
    p = m ? p.slice(m[0].length) || '/' : '/';
  }
  const q = p.search(/[?#]/);
  if (q >= 0) p = p.slice(0, q);
  // Decode unreserved characters and the encoded slash/dot forms upstreams commonly decode.
  p = p.replace(UNRESERVED, (s) => String.fromCharCode(parseInt(s.slice(1), 16)));
  p = p.replace(/%2f/gi, '/').replace(/%5c/gi, '/').replace(/\\/g, '/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  const trailing = p.length > 1 && (p.endsWith('/') || p.endsWith('/.') || p.endsWith('/..')) && out.length > 0;
  return '/' + out.join('/') + (trailing ? '/' : '');
}
