/**
 * Header plumbing: hop-by-hop removal in both directions and lookups in Node's flat
 * `rawHeaders` lists (`[name, value, name, value, ...]`, wire order and case).
 */

/** RFC 9110 section 7.6.1 connection-specific fields, plus the de-facto ones. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
/** Fields a `Connection` option may not remove (removing them would change the message itself). */
const PROTECTED = new Set(['host', 'content-length', 'content-type', 'authorization', 'cookie']);

/** Tokens listed in every Connection field. */
export function connectionTokens(raw: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() !== 'connection') continue;
    for (const t of raw[i + 1]!.split(',')) {
      const tok = t.trim().toLowerCase();
      if (tok && !PROTECTED.has(tok)) out.add(tok);
    }
  }
  return out;
}

/**
 * Copies a raw header list without hop-by-hop fields, fields named by Connection, and any
 * extra names given (lower case).
 */
export function stripHopByHop(raw: readonly string[], extra: ReadonlySet<string> = new Set()): string[] {
  const tokens = connectionTokens(raw);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(lower) || tokens.has(lower) || extra.has(lower)) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

/** All values of a header (case-insensitive), joined as a list would be (`, `); undefined when absent. */
export function headerValue(raw: readonly string[], lowerName: string): string | undefined {
  let out: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === lowerName) out = out === undefined ? raw[i + 1]! : `${out}, ${raw[i + 1]!}`;
  }
  return out;
}

export function headerCount(raw: readonly string[], lowerName: string): number {
  let n = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === lowerName) n++;
  return n;
}
