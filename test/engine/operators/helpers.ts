import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

import { getOperator } from '../../../src/engine/operators/index.js';
import type { Captures, Operator, OperatorCompileContext } from '../../../src/engine/operators/types.js';

/** A compile context that resolves data files against `baseDir` and reads them as bytes. */
export function fileContext(baseDir: string): OperatorCompileContext & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    resolvePath: (path) => (isAbsolute(path) ? path : resolve(baseDir, path)),
    readFile: (path) => {
      reads.push(path);
      return readFileSync(path, 'latin1');
    },
  };
}

/** A context for operators that must not touch files. */
export const noFiles: OperatorCompileContext = {
  resolvePath: (path) => path,
  readFile: (path) => {
    throw new Error(`unexpected read of ${path}`);
  },
};

export function compile(name: string, param: string, ctx: OperatorCompileContext = noFiles): Operator {
  const def = getOperator(name);
  if (!def) throw new Error(`@${name} is not registered`);
  return def.factory(param, ctx);
}

/** Run the operator without and with captures; returns the match result and TX.0 (if set). */
export function run(op: Operator, input: string): { matched: boolean; tx0: string | undefined } {
  const plain = op.match(input, null);
  const captures: Captures = { groups: [] };
  const matched = op.match(input, captures);
  if (plain !== matched) throw new Error('capture changed the result');
  return { matched, tx0: captures.groups[0] };
}

/** Bytes written as \xHH in test tables, for readability. */
export function bytes(...codes: number[]): string {
  return String.fromCharCode(...codes);
}
