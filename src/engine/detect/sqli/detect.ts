/**
 * SQL injection detection: fingerprint the input in the three contexts an injected value can
 * start in (as is, inside a single-quoted string, inside a double-quoted string) and look each
 * fingerprint up in the derived set of attack fingerprints.
 */
import { fingerprintKey } from './fold.js';
import { ATTACK_FINGERPRINTS } from './fingerprints.generated.js';
import { reportFingerprint } from './tokens.js';

export interface SqliResult {
  isInjection: boolean;
  /** Fingerprint that matched, in the letters ModSecurity reports (TX.0), or '' when none did. */
  fingerprint: string;
}

const NO_MATCH: SqliResult = Object.freeze({ isInjection: false, fingerprint: '' }) as SqliResult;

let attackSet: ReadonlySet<number> = new Set(ATTACK_FINGERPRINTS);

/** The quote contexts tried, in order. */
export const CONTEXTS = [0, 0x27, 0x22] as const;

/** True when the packed fingerprint is one that attacks produce and benign text does not. */
export function isAttackFingerprint(key: number): boolean {
  return attackSet.has(key);
}

/** Matched fingerprint key, or 0. */
export function detectSqliKey(input: string): number {
  if (input.length === 0) return 0;
  let key = fingerprintKey(input, 0);
  if (attackSet.has(key)) return key;
  if (input.indexOf("'") >= 0) {
    key = fingerprintKey(input, 0x27);
    if (attackSet.has(key)) return key;
  }
  if (input.indexOf('"') >= 0) {
    key = fingerprintKey(input, 0x22);
    if (attackSet.has(key)) return key;
  }
  return 0;
}

/** Detect SQL injection in a byte string (one code unit per byte). */
export function detectSqli(input: string): SqliResult {
  const key = detectSqliKey(input);
  if (key === 0) return NO_MATCH;
  return { isInjection: true, fingerprint: reportFingerprint(key) };
}

/** Replace the fingerprint set (tools that derive the set use this; the engine never does). */
export function setAttackFingerprintsForTools(keys: Iterable<number>): void {
  attackSet = new Set(keys);
}
