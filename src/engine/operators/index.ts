/**
 * The operator registry: every `@operator` name SecLang rules may use, looked up
 * case-insensitively (ModSecurity lowercases operator names before matching).
 */
import { beginsWith } from './beginsWith.js';
import { contains } from './contains.js';
import { containsWord } from './containsWord.js';
import { detectSQLi } from './detectSQLi.js';
import { detectXSS } from './detectXSS.js';
import { endsWith } from './endsWith.js';
import { eq } from './eq.js';
import { ge } from './ge.js';
import { gt } from './gt.js';
import { ipMatch } from './ipMatch.js';
import { ipMatchF, ipMatchFromFile } from './ipMatchFromFile.js';
import { le } from './le.js';
import { lt } from './lt.js';
import { noMatch } from './noMatch.js';
import { pm } from './pm.js';
import { pmf, pmFromFile } from './pmFromFile.js';
import { rx, rxGlobal } from './rx.js';
import { streq } from './streq.js';
import { strmatch } from './strmatch.js';
import type { OperatorDefinition } from './types.js';
import { unconditionalMatch } from './unconditionalMatch.js';
import { UNSUPPORTED_OPERATORS } from './unsupported.js';
import { validateByteRange } from './validateByteRange.js';
import { validateUrlEncoding } from './validateUrlEncoding.js';
import { validateUtf8Encoding } from './validateUtf8Encoding.js';
import { verifyCC } from './verifyCC.js';
import { verifyCPF } from './verifyCPF.js';
import { verifySSN } from './verifySSN.js';
import { verifySVNR } from './verifySVNR.js';
import { within } from './within.js';

export type { Captures, Operator, OperatorCompileContext, OperatorDefinition, OperatorFactory } from './types.js';

/** Operators vpatch implements. */
export const SUPPORTED_OPERATORS: readonly OperatorDefinition[] = [
  beginsWith,
  contains,
  containsWord,
  detectSQLi,
  detectXSS,
  endsWith,
  eq,
  ge,
  gt,
  ipMatch,
  ipMatchFromFile,
  ipMatchF,
  le,
  lt,
  noMatch,
  pm,
  rx,
  rxGlobal,
  pmFromFile,
  pmf,
  streq,
  strmatch,
  unconditionalMatch,
  validateByteRange,
  validateUrlEncoding,
  validateUtf8Encoding,
  verifyCC,
  verifyCPF,
  verifySSN,
  verifySVNR,
  within,
];

export { UNSUPPORTED_OPERATORS };

const ALL: readonly OperatorDefinition[] = [...SUPPORTED_OPERATORS, ...UNSUPPORTED_OPERATORS];

const byName = new Map<string, OperatorDefinition>();
for (const def of ALL) {
  const key = def.name.toLowerCase();
  if (byName.has(key)) throw new Error(`operator registered twice: @${def.name}`);
  byName.set(key, def);
}

/** The operator called `name` (without `@`, any case), or undefined. */
export function getOperator(name: string): OperatorDefinition | undefined {
  return byName.get(name.toLowerCase());
}

/**
 * Every registered operator, including those whose factory refuses to load
 * (UNSUPPORTED_OPERATORS: their factories throw VPATCH_SECLANG_UNKNOWN_OPERATOR).
 */
export function allOperators(): readonly OperatorDefinition[] {
  return ALL;
}
