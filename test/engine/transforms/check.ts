import assert from 'node:assert/strict';
import type { Transform } from '../../../src/engine/transforms/types.js';

const hex = (s: string): string => Buffer.from(s, 'latin1').toString('hex');

/** Assert `fn(input) === expected` for each [input, expected] pair, comparing bytes. */
export function check(fn: Transform, table: readonly (readonly [string, string])[]): void {
  for (const [input, expected] of table) {
    const actual = fn(input);
    assert.equal(hex(actual), hex(expected), `${fn.name}(${JSON.stringify(input)}) = ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  }
}
