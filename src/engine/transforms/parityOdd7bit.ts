import { parityOdd7bit } from './parity.js';
import type { TransformDefinition } from './types.js';

export { parityOdd7bit };

/** t:parityOdd7bit — see parity.ts. */
export const parityOdd7bitTransform: TransformDefinition = { name: 'parityOdd7bit', fn: parityOdd7bit };
