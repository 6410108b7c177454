import type { OrderedCollection, MapCollection } from '../collections.js';
import type { Target } from '../rule.js';
import type { Transaction } from '../transaction.js';
import type { ValueSink } from '../value-sink.js';
import type { VariableDefinition } from './types.js';

/** Whether a target selects the entry `key`, honouring its key, key regex and exclusions. */
export function targetSelects(target: Target, key: string, lowerKey: string): boolean {
  if (target.lowerKey !== null) {
    if (target.lowerKey !== lowerKey) return false;
  } else if (target.keyRegex !== null && !target.keyRegex.test(key)) {
    return false;
  }
  const ex = target.exclusions;
  for (let i = 0; i < ex.length; i++) {
    const e = ex[i]!;
    if (e.lowerKey !== null ? e.lowerKey === lowerKey : e.keyRegex !== null ? e.keyRegex.test(key) : true) return false;
  }
  return true;
}

/** A variable with one value, absent when the getter returns undefined. */
export function scalar(name: string, get: (tx: Transaction) => string | undefined): VariableDefinition {
  return {
    name,
    isCollection: false,
    collect(tx, _target, sink) {
      const v = get(tx);
      if (v !== undefined) sink.push(null, v);
    },
    count(tx) {
      return get(tx) === undefined ? 0 : 1;
    },
    first(tx) {
      return get(tx);
    },
  };
}

/** A collection whose values are inspected (ARGS, REQUEST_HEADERS, ...). */
export function ordered(name: string, get: (tx: Transaction) => OrderedCollection): VariableDefinition {
  return {
    name,
    isCollection: true,
    collect(tx, target, sink) {
      const c = get(tx);
      const keys = c.keys;
      const lower = c.lowerKeys;
      const values = c.values;
      if (target.lowerKey === null && target.keyRegex === null && target.exclusions.length === 0) {
        for (let i = 0; i < keys.length; i++) sink.push(keys[i]!, values[i]!);
        return;
      }
      for (let i = 0; i < keys.length; i++) {
        if (targetSelects(target, keys[i]!, lower[i]!)) sink.push(keys[i]!, values[i]!);
      }
    },
    count(tx, target) {
      const c = get(tx);
      if (target.lowerKey === null && target.keyRegex === null && target.exclusions.length === 0) return c.size;
      let n = 0;
      for (let i = 0; i < c.keys.length; i++) if (targetSelects(target, c.keys[i]!, c.lowerKeys[i]!)) n++;
      return n;
    },
    first(tx, lowerKey) {
      const c = get(tx);
      if (lowerKey === null) return c.values[0];
      return c.first(lowerKey);
    },
  };
}

/** A collection of the keys of another one (ARGS_NAMES, REQUEST_HEADERS_NAMES, ...): each value is a key. */
export function names(name: string, get: (tx: Transaction) => OrderedCollection): VariableDefinition {
  return {
    name,
    isCollection: true,
    collect(tx, target, sink) {
      const c = get(tx);
      const keys = c.keys;
      for (let i = 0; i < keys.length; i++) {
        if (targetSelects(target, keys[i]!, c.lowerKeys[i]!)) sink.push(keys[i]!, keys[i]!);
      }
    },
    count(tx, target) {
      const c = get(tx);
      let n = 0;
      for (let i = 0; i < c.keys.length; i++) if (targetSelects(target, c.keys[i]!, c.lowerKeys[i]!)) n++;
      return n;
    },
    first(tx, lowerKey) {
      const c = get(tx);
      if (lowerKey === null) return c.keys[0];
      const idx = c.lowerKeys.indexOf(lowerKey);
      return idx < 0 ? undefined : c.keys[idx];
    },
  };
}

/** A keyed collection with one value per key (TX and the persistent collections). */
export function mapped(name: string, get: (tx: Transaction) => MapCollection | undefined): VariableDefinition {
  return {
    name,
    isCollection: true,
    collect(tx, target, sink: ValueSink) {
      const c = get(tx);
      if (c === undefined) return;
      const now = tx.nowMs;
      if (target.lowerKey !== null && target.exclusions.length === 0) {
        const v = c.get(target.lowerKey, now);
        if (v !== undefined) sink.push(c.entries.get(target.lowerKey)!.key, v);
        return;
      }
      for (const [lower, e] of c.entries) {
        if (e.expiresAt !== 0 && e.expiresAt <= now) continue;
        if (targetSelects(target, e.key, lower)) sink.push(e.key, e.value);
      }
    },
    count(tx, target) {
      const c = get(tx);
      if (c === undefined) return 0;
      const now = tx.nowMs;
      if (target.lowerKey !== null && target.exclusions.length === 0) return c.get(target.lowerKey, now) === undefined ? 0 : 1;
      let n = 0;
      for (const [lower, e] of c.entries) {
        if (e.expiresAt !== 0 && e.expiresAt <= now) continue;
        if (targetSelects(target, e.key, lower)) n++;
      }
      return n;
    },
    first(tx, lowerKey) {
      const c = get(tx);
      if (c === undefined || lowerKey === null) return undefined;
      return c.get(lowerKey, tx.nowMs);
    },
  };
}
