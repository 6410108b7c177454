import type { TransformDefinition } from './types.js';

/**
 * t:none — registered so that lookups succeed. The engine gives it its real meaning
 * (drop every transformation before it, including inherited defaults); as a function it
 * is the identity.
 */
export function none(input: string): string {
  return input;
}

export const noneTransform: TransformDefinition = { name: 'none', fn: none };
