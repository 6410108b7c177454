import type { MapCollection, MapEntry } from './collections.js';

/**
 * Storage of persistent collections (IP, GLOBAL, SESSION, USER, RESOURCE) between
 * transactions. The engine is synchronous, so stores are too; one that shares state between
 * processes (Redis, SQLite) keeps a local copy and syncs in the background.
 */
export interface CollectionStore {
  /** Entries of collection `name` for `key` that have not expired at `nowMs`, or null. */
  load(name: string, key: string, nowMs: number): MapEntry[] | null;
  /** Saves the collection; it expires `timeoutSeconds` after this write (SecCollectionTimeout). */
  save(name: string, key: string, collection: MapCollection, timeoutSeconds: number): void;
}

interface StoredRecord {
  entries: MapEntry[];
  expiresAt: number;
}

/** The default store: in process memory, bounded, least recently written records evicted first. */
export class MemoryCollectionStore implements CollectionStore {
  private readonly records = new Map<string, StoredRecord>();

  constructor(private readonly maxRecords = 100_000) {}

  load(name: string, key: string, nowMs: number): MapEntry[] | null {
    const id = name + '\u0000' + key;
    const rec = this.records.get(id);
    if (rec === undefined) return null;
    if (rec.expiresAt <= nowMs) {
      this.records.delete(id);
      return null;
    }
    return rec.entries.filter((e) => e.expiresAt === 0 || e.expiresAt > nowMs);
  }

  save(name: string, key: string, collection: MapCollection, timeoutSeconds: number): void {
    const id = name + '\u0000' + key;
    this.records.delete(id);
    if (this.records.size >= this.maxRecords) {
      const oldest = this.records.keys().next().value;
      if (oldest !== undefined) this.records.delete(oldest);
    }
    this.records.set(id, {
      entries: [...collection.entries.values()].map((e) => ({ ...e })),
      expiresAt: Date.now() + timeoutSeconds * 1000,
    });
  }
}
