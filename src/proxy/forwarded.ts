/**
 * Client address and forwarding headers. The address the rules see (REMOTE_ADDR) is the
 * peer's, unless the peer is a trusted proxy: then X-Forwarded-For (or, without it, the
 * RFC 7239 Forwarded header) is walked from the right, skipping trusted hops, and the
 * first untrusted address is the client. Forwarding headers from untrusted peers are
 * replaced, never extended, so a client cannot plant an address upstream.
 */
import { isIP } from 'node:net';

interface Range {
  v6: boolean;
  base: bigint;
  mask: bigint;
}

function v4ToBig(a: string): bigint {
  let n = 0n;
  for (const p of a.split('.')) n = (n << 8n) | BigInt(Number(p));
  return n;
}

function v6ToBig(a: string): bigint {
  let s = a;
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct);
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v = Number(v4ToBig(tail));
    s = s.slice(0, lastColon + 1) + ((v >>> 16) & 0xffff).toString(16) + ':' + (v & 0xffff).toString(16);
  }
  const dbl = s.indexOf('::');
  const h = (dbl >= 0 ? s.slice(0, dbl) : s).split(':').filter((x) => x !== '');
  const r = dbl >= 0 ? s.slice(dbl + 2).split(':').filter((x) => x !== '') : [];
  const groups = dbl >= 0 ? [...h, ...Array<string>(Math.max(0, 8 - h.length - r.length)).fill('0'), ...r] : h;
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(parseInt(g, 16));
  return n;
}

/** Normalises an address: IPv4-mapped IPv6 becomes IPv4; brackets and zone ids are removed. */
export function normalizeIp(addr: string): string {
  let a = addr.trim();
  if (a.startsWith('[') && a.includes(']')) a = a.slice(1, a.indexOf(']'));
  if (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(a)) a = a.slice(7);
  return a;
}

function toRange(spec: string): Range[] {
  if (spec === 'loopback') return [...toRange('127.0.0.0/8'), ...toRange('::1/128')];
  if (spec === 'private') return [...toRange('loopback'), ...toRange('10.0.0.0/8'), ...toRange('172.16.0.0/12'), ...toRange('192.168.0.0/16'), ...toRange('fc00::/7'), ...toRange('fe80::/10')];
  const [addr, bitsText] = spec.split('/');
  const a = normalizeIp(addr!);
  const fam = isIP(a);
  if (!fam) throw new Error(`not an address: ${spec}`);
  const width = fam === 4 ? 32 : 128;
  const bits = bitsText === undefined ? width : Number(bitsText);
  const full = (1n << BigInt(width)) - 1n;
  const mask = bits === 0 ? 0n : (full >> BigInt(width - bits)) << BigInt(width - bits);
  const base = (fam === 4 ? v4ToBig(a) : v6ToBig(a)) & mask;
  return [{ v6: fam === 6, base, mask }];
}

export class TrustedProxies {
  private readonly ranges: Range[];
  constructor(specs: readonly string[]) {
    this.ranges = specs.flatMap(toRange);
  }
  get empty(): boolean {
    return this.ranges.length === 0;
  }
  has(addr: string): boolean {
    if (this.ranges.length === 0) return false;
    const a = normalizeIp(addr);
    const fam = isIP(a);
    if (!fam) return false;
    const n = fam === 4 ? v4ToBig(a) : v6ToBig(a);
    for (const r of this.ranges) if (r.v6 === (fam === 6) && (n & r.mask) === r.base) return true;
    return false;
  }
}

/** Parses the `for=` addresses of a Forwarded header (RFC 7239), in order. */
export function parseForwardedFor(value: string): string[] {
  const out: string[] = [];
  for (const element of value.split(',')) {
    for (const pair of element.split(';')) {
      const eq = pair.indexOf('=');
      if (eq < 0) continue;
      if (pair.slice(0, eq).trim().toLowerCase() !== 'for') continue;
      let v = pair.slice(eq + 1).trim();
      if (v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
      if (v.startsWith('[')) v = v.slice(1, v.indexOf(']') > 0 ? v.indexOf(']') : undefined);
      else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(v)) v = v.slice(0, v.lastIndexOf(':'));
      out.push(v);
    }
  }
  return out;
}

export interface ClientInfo {
  /** REMOTE_ADDR as the rules see it. */
  ip: string;
  /** The TCP peer (the last hop). */
  peerIp: string;
  /** Scheme the client used (from a trusted X-Forwarded-Proto, else ours). */
  proto: 'http' | 'https';
  /** Whether the peer is a trusted proxy. */
  peerTrusted: boolean;
}

/**
 * Decides the client. `xff` and `forwarded` are the raw header values (joined with `, `
 * when repeated) or undefined.
 */
export function resolveClient(peer: string, ownProto: 'http' | 'https', trusted: TrustedProxies, xff: string | undefined, forwarded: string | undefined, xfProto: string | undefined): ClientInfo {
  const peerIp = normalizeIp(peer);
  if (!trusted.has(peerIp)) return { ip: peerIp, peerIp, proto: ownProto, peerTrusted: false };
  let chain: string[] = [];
  if (xff !== undefined) chain = xff.split(',').map((s) => normalizeIp(s)).filter(Boolean);
  else if (forwarded !== undefined) chain = parseForwardedFor(forwarded).map(normalizeIp);
  let ip = peerIp;
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = chain[i]!;
    if (!isIP(hop)) break; // garbage or obfuscated ("unknown", "_hidden"): stop at the last known hop
    ip = hop;
    if (!trusted.has(hop)) break;
  }
  let proto = ownProto;
  if (xfProto !== undefined) {
    const p = xfProto.split(',')[0]!.trim().toLowerCase();
    if (p === 'http' || p === 'https') proto = p;
  }
  return { ip, peerIp, proto, peerTrusted: true };
}

function forwardedNode(ip: string): string {
  return isIP(ip) === 6 ? `"[${ip}]"` : ip;
}

/**
 * Adds the forwarding headers to an outgoing header list (flat [name, value, ...]) from
 * which the incoming forwarding headers have already been removed.
 */
export function appendForwardingHeaders(
  out: string[],
  client: ClientInfo,
  incoming: { xff: string | undefined; forwarded: string | undefined; host: string | undefined },
  opts: { xForwarded: boolean; forwarded: boolean },
): void {
  if (opts.xForwarded) {
    const prior = client.peerTrusted && incoming.xff ? `${incoming.xff}, ` : '';
    out.push('x-forwarded-for', prior + client.peerIp);
    out.push('x-forwarded-proto', client.proto);
    if (incoming.host !== undefined) out.push('x-forwarded-host', incoming.host);
  }
  if (opts.forwarded) {
    const prior = client.peerTrusted && incoming.forwarded ? `${incoming.forwarded}, ` : '';
    const host = incoming.host !== undefined && /^[A-Za-z0-9.:[\]-]+$/.test(incoming.host) ? `;host=${incoming.host.includes(':') ? `"${incoming.host}"` : incoming.host}` : '';
    out.push('forwarded', `${prior}for=${forwardedNode(client.peerIp)};proto=${client.proto}${host}`);
  }
}
