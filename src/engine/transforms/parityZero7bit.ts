import { parityZero7bit } from './parity.js';
import type { TransformDefinition } from './types.js';

export { parityZero7bit };

/** t:parityZero7bit — see parity.ts. */
export const parityZero7bitTransform: TransformDefinition = { name: 'parityZero7bit', fn: parityZero7bit };
