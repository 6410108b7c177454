import { parityEven7bit } from './parity.js';
import type { TransformDefinition } from './types.js';

export { parityEven7bit };

/** t:parityEven7bit — see parity.ts. */
export const parityEven7bitTransform: TransformDefinition = { name: 'parityEven7bit', fn: parityEven7bit };
