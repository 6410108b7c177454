import { EngineError } from '../errors.js';
import { Macro } from '../macro.js';
import type { CompiledAction } from './types.js';

type SetVarOp = 'set' | 'add' | 'sub' | 'delete';

/** Integer value of a collection string as ModSecurity reads it (leading digits, else 0). */
export function toInteger(text: string | undefined): number {
  if (text === undefined) return 0;
  const n = parseInt(text.trim(), 10);
  return Number.isNaN(n) ? 0 : n;
}

/**
 * `setvar:tx.name=value`, `=+n`, `=-n`, `!tx.name` and `tx.name` (sets 1). Name and value
 * are macro-expanded per execution.
 */
export function compileSetVar(spec: string): CompiledAction {
  let text = spec.trim();
  let op: SetVarOp = 'set';
  if (text.startsWith('!')) {
    op = 'delete';
    text = text.slice(1);
  }
  const eq = text.indexOf('=');
  const lhs = eq < 0 ? text : text.slice(0, eq);
  let rhs = eq < 0 ? (op === 'delete' ? '' : '1') : text.slice(eq + 1);
  if (op !== 'delete' && eq >= 0) {
    if (rhs.startsWith('+')) {
      op = 'add';
      rhs = rhs.slice(1);
    } else if (rhs.startsWith('-')) {
      op = 'sub';
      rhs = rhs.slice(1);
    }
  }
  const dot = lhs.indexOf('.');
  if (dot <= 0) throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `setvar "${spec}": expected COLLECTION.name[=value]`);
  const collection = lhs.slice(0, dot).trim().toUpperCase();
  if (!['TX', 'IP', 'GLOBAL', 'SESSION', 'USER', 'RESOURCE', 'ENV'].includes(collection)) {
    throw new EngineError('VPATCH_SECLANG_BAD_ARGUMENT', `setvar "${spec}": unknown collection "${lhs.slice(0, dot)}"`);
  }
  const name = Macro.compile(lhs.slice(dot + 1).trim());
  const value = Macro.compile(rhs);
  return {
    name: 'setvar',
    execute(tx, rule) {
      const coll = collection === 'TX' ? tx.txCollection : collection === 'ENV' ? tx.env : tx.persistentCollection(collection);
      const key = name.expand(tx);
      if (op === 'delete') {
        coll.delete(key);
        if (tx.trace !== null) tx.trace({ type: 'setvar', ruleId: rule.chainStarter.id, collection, key, value: null });
        return;
      }
      const v = value.expand(tx);
      let result = v;
      if (op !== 'set') {
        const current = toInteger(coll.get(key.toLowerCase(), tx.nowMs));
        const delta = toInteger(v);
        result = String(op === 'add' ? current + delta : current - delta);
      }
      coll.set(key, result);
      if (tx.trace !== null) tx.trace({ type: 'setvar', ruleId: rule.chainStarter.id, collection, key, value: result });
    },
  };
}
