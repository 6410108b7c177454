import { EngineError } from '../errors.js';
import { Macro } from '../macro.js';
import { toInteger } from './setvar.js';
import type { CompiledAction } from './types.js';

const PERSISTENT = new Set(['IP', 'GLOBAL', 'RESOURCE', 'SESSION', 'USER']);

/**
 * initcol / setsid / setuid / setrsc open a persistent collection for this transaction (from
 * the WAF's collection store, in memory by default); expirevar sets a key's lifetime; setenv
 * writes the ENV collection.
 */
export function compileCollectionAction(name: string, spec: string): CompiledAction {
  switch (name) {
    case 'initcol': {
      const eq = spec.indexOf('=');
      if (eq <= 0) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `initcol expects collection=key, got "${spec}"`);
      const collection = spec.slice(0, eq).trim().toUpperCase();
      if (!PERSISTENT.has(collection)) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `initcol: "${spec.slice(0, eq)}" is not a persistent collection (IP, GLOBAL, RESOURCE, SESSION, USER)`);
      const key = Macro.compile(spec.slice(eq + 1).trim());
      return { name, execute: (tx) => tx.openCollection(collection, key.expand(tx)) };
    }
    case 'setsid':
    case 'setuid':
    case 'setrsc': {
      const collection = name === 'setsid' ? 'SESSION' : name === 'setuid' ? 'USER' : 'RESOURCE';
      const key = Macro.compile(spec.trim());
      return {
        name,
        execute: (tx) => {
          const k = key.expand(tx);
          if (name === 'setsid') tx.sessionId = k;
          if (name === 'setuid') tx.userId = k;
          tx.openCollection(collection, k);
        },
      };
    }
    case 'expirevar': {
      const eq = spec.indexOf('=');
      const lhs = eq < 0 ? spec : spec.slice(0, eq);
      const dot = lhs.indexOf('.');
      if (dot <= 0) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `expirevar expects COLLECTION.name=seconds, got "${spec}"`);
      const collection = lhs.slice(0, dot).trim().toUpperCase();
      const key = Macro.compile(lhs.slice(dot + 1).trim());
      const seconds = Macro.compile(eq < 0 ? '0' : spec.slice(eq + 1).trim());
      return {
        name,
        execute: (tx) => {
          const coll = collection === 'TX' ? tx.txCollection : tx.persistent.get(collection);
          coll?.expire(key.expand(tx), tx.nowMs + toInteger(seconds.expand(tx)) * 1000);
        },
      };
    }
    case 'setenv': {
      const eq = spec.indexOf('=');
      const key = Macro.compile((eq < 0 ? spec : spec.slice(0, eq)).trim());
      const value = Macro.compile(eq < 0 ? '1' : spec.slice(eq + 1));
      return {
        name,
        execute: (tx, rule) => {
          const k = key.expand(tx);
          const v = value.expand(tx);
          tx.env.set(k, v);
          if (tx.trace !== null) tx.trace({ type: 'setvar', ruleId: rule.chainStarter.id, collection: 'ENV', key: k, value: v });
        },
      };
    }
    default:
      throw new EngineError('VPATCH_SECLANG_UNKNOWN_ACTION', `unknown collection action "${name}"`);
  }
}
