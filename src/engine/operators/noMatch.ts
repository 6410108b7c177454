/** `@noMatch`: always false; the parameter is ignored. */
import type { OperatorDefinition } from './types.js';
import { NEVER } from './util.js';

export const noMatch: OperatorDefinition = {
  name: 'noMatch',
  factory: () => NEVER,
};
