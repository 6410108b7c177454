/** `@unconditionalMatch`: always true; the parameter is ignored. */
import type { OperatorDefinition } from './types.js';
import { ALWAYS } from './util.js';

export const unconditionalMatch: OperatorDefinition = {
  name: 'unconditionalMatch',
  factory: () => ALWAYS,
};
