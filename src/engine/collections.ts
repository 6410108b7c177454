/**
 * Transaction data containers. Keys keep their original spelling for MATCHED_VAR_NAME and
 * logs, and are looked up case-insensitively, as ModSecurity does for every collection.
 */

/** An ordered multimap (ARGS, REQUEST_HEADERS, REQUEST_COOKIES, FILES, ...). */
export class OrderedCollection {
  readonly keys: string[] = [];
  readonly lowerKeys: string[] = [];
  readonly values: string[] = [];

  add(key: string, value: string): void {
    this.keys.push(key);
    this.lowerKeys.push(key.toLowerCase());
    this.values.push(value);
  }

  get size(): number {
    return this.keys.length;
  }

  /** First value stored under `lowerKey` (already lower-cased), or undefined. */
  first(lowerKey: string): string | undefined {
    const idx = this.lowerKeys.indexOf(lowerKey);
    return idx < 0 ? undefined : this.values[idx];
  }

  countKey(lowerKey: string): number {
    let n = 0;
    for (let i = 0; i < this.lowerKeys.length; i++) if (this.lowerKeys[i] === lowerKey) n++;
    return n;
  }

  clear(): void {
    // pop() keeps the arrays' capacity; `length = 0` trims it, and the next add reallocates
    // (MATCHED_VARS is cleared before nearly every rule).
    const keys = this.keys;
    const lowerKeys = this.lowerKeys;
    const values = this.values;
    while (keys.length > 0) {
      keys.pop();
      lowerKeys.pop();
      values.pop();
    }
  }
}

export interface MapEntry {
  key: string;
  value: string;
  /** Epoch milliseconds after which the entry is gone (expirevar); 0 = never. */
  expiresAt: number;
}

/** A keyed collection with one value per key (TX, IP, GLOBAL, SESSION, USER, RESOURCE). */
export class MapCollection {
  readonly entries = new Map<string, MapEntry>();

  get(lowerKey: string, now: number): string | undefined {
    const e = this.entries.get(lowerKey);
    if (e === undefined) return undefined;
    if (e.expiresAt !== 0 && e.expiresAt <= now) {
      this.entries.delete(lowerKey);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: string): void {
    const lower = key.toLowerCase();
    const e = this.entries.get(lower);
    if (e === undefined) this.entries.set(lower, { key, value, expiresAt: 0 });
    else e.value = value;
  }

  delete(key: string): void {
    this.entries.delete(key.toLowerCase());
  }

  expire(key: string, atMs: number): void {
    const e = this.entries.get(key.toLowerCase());
    if (e !== undefined) e.expiresAt = atMs;
  }

  get size(): number {
    return this.entries.size;
  }
}
