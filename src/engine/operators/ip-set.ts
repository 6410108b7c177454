/**
 * A set of IPv4 and IPv6 networks for `@ipMatch` and `@ipMatchFromFile`.
 *
 * Addresses are parsed as glibc's `inet_pton` does (what libmodsecurity v3 calls):
 * IPv4 is exactly four decimal octets without leading zeros; IPv6 is the RFC 4291
 * text form with at most one `::` and an optional trailing dotted IPv4 part. An
 * input value without `:` is looked up as IPv4, one with `:` as IPv6 (so an
 * IPv4-mapped IPv6 address only matches IPv6 entries), as in v3's
 * `tree_contains_ip`.
 *
 * Networks are stored in two binary tries (one per family). A lookup walks at
 * most 32 or 128 levels and allocates nothing.
 */

/** Scratch space for parsing; matching is synchronous, so one buffer is enough. */
const scratch6 = new Uint16Array(8);
const scratch4 = new Uint8Array(4);

/** glibc `inet_pton4` on `text[start, end)`, into `dst[at..at+4)`. */
function parseIPv4Into(text: string, start: number, end: number, dst: Uint8Array, at: number): boolean {
  let sawDigit = false;
  let octets = 0;
  let value = 0;
  let pos = at;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (sawDigit && value === 0) return false; // leading zero
      value = value * 10 + (c - 0x30);
      if (value > 255) return false;
      if (!sawDigit) {
        if (++octets > 4) return false;
        sawDigit = true;
      }
    } else if (c === 0x2e && sawDigit) {
      if (octets === 4) return false;
      dst[pos++] = value;
      value = 0;
      sawDigit = false;
    } else {
      return false;
    }
  }
  if (octets < 4 || !sawDigit) return false;
  dst[pos] = value;
  return true;
}

/** IPv4 text to an unsigned 32-bit number, or -1. */
export function parseIPv4(text: string, start = 0, end = text.length): number {
  if (!parseIPv4Into(text, start, end, scratch4, 0)) return -1;
  return ((scratch4[0]! << 24) | (scratch4[1]! << 16) | (scratch4[2]! << 8) | scratch4[3]!) >>> 0;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

const v4tail = new Uint8Array(4);

/** glibc `inet_pton6` on `text[start, end)` into eight 16-bit groups. */
export function parseIPv6(text: string, dst: Uint16Array = scratch6, start = 0, end = text.length): boolean {
  if (start === end) return false;
  let i = start;
  if (text.charCodeAt(i) === 0x3a) {
    i++;
    if (i === end || text.charCodeAt(i) !== 0x3a) return false;
  }
  dst.fill(0);
  let groups = 0; // groups written so far
  let gap = -1; // group index where `::` is
  let curtok = i;
  let digits = 0;
  let value = 0;
  while (i < end) {
    const c = text.charCodeAt(i++);
    const d = hexDigit(c);
    if (d >= 0) {
      if (digits === 4) return false;
      value = (value << 4) | d;
      digits++;
      continue;
    }
    if (c === 0x3a) {
      curtok = i;
      if (digits === 0) {
        if (gap >= 0) return false;
        gap = groups;
        continue;
      } else if (i === end) {
        return false;
      }
      if (groups >= 8) return false;
      dst[groups++] = value;
      digits = 0;
      value = 0;
      continue;
    }
    if (c === 0x2e && groups + 2 <= 8 && parseIPv4Into(text, curtok, end, v4tail, 0)) {
      dst[groups++] = (v4tail[0]! << 8) | v4tail[1]!;
      dst[groups++] = (v4tail[2]! << 8) | v4tail[3]!;
      digits = 0;
      break;
    }
    return false;
  }
  if (digits > 0) {
    if (groups >= 8) return false;
    dst[groups++] = value;
  }
  if (gap >= 0) {
    if (groups === 8) return false; // `::` would stand for zero groups
    const moved = groups - gap;
    for (let k = 0; k < moved; k++) dst[7 - k] = dst[groups - 1 - k]!;
    for (let k = gap; k < 8 - moved; k++) dst[k] = 0;
    groups = 8;
  }
  return groups === 8;
}

/** C's `atoi`: leading C whitespace, an optional sign, then decimal digits; 0 when none. */
function cAtoi(text: string): number {
  let i = 0;
  while (i < text.length && (text.charCodeAt(i) === 0x20 || (text.charCodeAt(i) >= 0x09 && text.charCodeAt(i) <= 0x0d))) i++;
  let sign = 1;
  if (text[i] === '+' || text[i] === '-') {
    if (text[i] === '-') sign = -1;
    i++;
  }
  let value = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    value = Math.min(value * 10 + (c - 0x30), 1e9);
  }
  return sign * value;
}

/** A binary trie of network prefixes; node 0 is the root. */
class PrefixTrie {
  private zero: number[] = [-1];
  private one: number[] = [-1];
  private terminal: boolean[] = [false];
  private zeroArr = new Int32Array(0);
  private oneArr = new Int32Array(0);
  private terminalArr = new Uint8Array(0);
  private frozen = true;
  size = 0;

  /** Insert a prefix whose bits are given by `bit(i)` for i < length. */
  insert(length: number, bit: (i: number) => number): void {
    this.thaw();
    let node = 0;
    for (let i = 0; i < length; i++) {
      if (this.terminal[node]) return; // a shorter prefix already covers it
      const side = bit(i) ? this.one : this.zero;
      let next = side[node]!;
      if (next < 0) {
        next = this.zero.length;
        this.zero.push(-1);
        this.one.push(-1);
        this.terminal.push(false);
        side[node] = next;
      }
      node = next;
    }
    if (!this.terminal[node]) {
      this.terminal[node] = true;
      this.size++;
    }
  }

  private thaw(): void {
    if (!this.frozen) return;
    this.frozen = false;
  }

  /** Compact the trie into typed arrays for lookups. */
  freeze(): void {
    if (this.frozen) return;
    this.zeroArr = Int32Array.from(this.zero);
    this.oneArr = Int32Array.from(this.one);
    this.terminalArr = Uint8Array.from(this.terminal, (t) => (t ? 1 : 0));
    this.frozen = true;
  }

  /** True when some stored prefix is a prefix of the address `bit(0..length)`. */
  containsWord32(words: ArrayLike<number>, wordBits: number, length: number): boolean {
    const zero = this.zeroArr;
    const one = this.oneArr;
    const terminal = this.terminalArr;
    if (terminal.length === 0) return false;
    let node = 0;
    for (let i = 0; i < length; i++) {
      if (terminal[node]) return true;
      const word = words[(i / wordBits) | 0]!;
      const shift = wordBits - 1 - (i % wordBits);
      node = (word >>> shift) & 1 ? one[node]! : zero[node]!;
      if (node < 0) return false;
    }
    return terminal[node] === 1;
  }
}

export class IpSet {
  private readonly v4 = new PrefixTrie();
  private readonly v6 = new PrefixTrie();
  private readonly v4Word = new Uint32Array(1);

  /** Number of distinct networks stored. */
  get size(): number {
    return this.v4.size + this.v6.size;
  }

  /**
   * Add one entry (`address` or `address/prefix`). Returns null on success or the
   * reason the entry is invalid. ModSecurity v3 rules, kept here: the prefix is read
   * with C's `atoi` (leading blanks and trailing text are ignored, so
   * "10.0.0.0/8 # comment" works but "10.0.0.1 # comment" does not); IPv4 takes /1
   * to /32 and IPv6 /1 to /128 (v3 rejects /0 for both, and also /128 through a
   * parsing slip, which vpatch accepts); a dotted netmask is not accepted; an entry
   * with `:` is IPv6.
   */
  add(entry: string): string | null {
    const slash = entry.indexOf('/');
    const address = slash < 0 ? entry : entry.slice(0, slash);
    const isV6 = entry.includes(':');
    const maxBits = isV6 ? 128 : 32;
    let bits = maxBits;
    if (slash >= 0) {
      const prefix = entry.slice(slash + 1);
      if (!isV6 && prefix.includes('.')) {
        return `netmask "/${prefix}" is not supported; write the prefix length (e.g. /24)`;
      }
      if (isV6 && prefix.includes(':')) return `invalid prefix length "/${prefix}"`;
      bits = cAtoi(prefix);
      if (bits === 0) {
        return /^\s*[+-]?0+(\D|$)/.test(prefix)
          ? 'prefix length /0 is not accepted (ModSecurity v3 rejects it)'
          : `invalid prefix length "/${prefix}"`;
      }
      if (bits < 0 || bits > maxBits) return `prefix length /${prefix.trim()} is outside 1-${maxBits}`;
    }
    if (isV6) {
      const groups = new Uint16Array(8);
      if (!parseIPv6(address, groups)) return `invalid IPv6 address "${address}"`;
      this.v6.insert(bits, (i) => (groups[i >> 4]! >>> (15 - (i & 15))) & 1);
    } else {
      const value = parseIPv4(address);
      if (value < 0) return `invalid IPv4 address "${address}"`;
      this.v4.insert(bits, (i) => (value >>> (31 - i)) & 1);
    }
    return null;
  }

  /** Call after the last `add`. */
  freeze(): void {
    this.v4.freeze();
    this.v6.freeze();
  }

  /** True when `value` is an address inside one of the networks. */
  contains(value: string): boolean {
    let end = value.indexOf('\0');
    if (end < 0) end = value.length;
    if (value.lastIndexOf(':', end - 1) < 0) {
      const address = parseIPv4(value, 0, end);
      if (address < 0) return false;
      this.v4Word[0] = address;
      return this.v4.containsWord32(this.v4Word, 32, 32);
    }
    if (!parseIPv6(value, scratch6, 0, end)) return false;
    return this.v6.containsWord32(scratch6, 16, 128);
  }
}

/**
 * Add the entries of an `@ipMatch` parameter or an `@ipMatchFromFile` file, as
 * v3's `IpTree::addFromBuffer` reads them: line by line, `#` starts a comment,
 * entries on a line are separated by commas (empty entries are skipped).
 * Throws the first invalid entry's reason through `fail`.
 */
export function addIpList(set: IpSet, lines: readonly string[], fail: (reason: string, line: number) => never): void {
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!;
    const hash = line.indexOf('#');
    if (hash >= 0) line = line.slice(0, hash);
    const nul = line.indexOf('\0');
    if (nul >= 0) line = line.slice(0, nul);
    for (const entry of line.split(',')) {
      if (entry.length === 0) continue;
      const problem = set.add(entry);
      if (problem) fail(problem, n + 1);
    }
  }
  set.freeze();
}
