/**
 * Which bytes can make a transformation change its input.
 *
 * Every value the engine inspects gets a 32-bit *feature* word: one bit per group of bytes
 * that some transformation reacts to (`%`/`+`, `&`, `\`, capitals, whitespace...), computed
 * in the same pass that scans the value for the candidate index. A transformation's
 * *trigger* is the set of feature bits without which it returns its input unchanged (e.g.
 * t:urlDecodeUni cannot change a value without `%` or `+`). So when a value's features and
 * the trigger do not intersect, the engine reuses the value as the transformation's output
 * without calling it: most benign values pass most of CRS's pipelines that way.
 *
 * Soundness: `fn(x) === x` (same content) whenever `(features(x) & trigger(fn)) === 0`;
 * test/engine/candidates.test.ts checks it for every transformation on random inputs. A
 * transformation not listed here always runs.
 */
import { getTransform } from './transforms/index.js';
import type { Transform } from './transforms/types.js';

/** Set in every value, so "always run" triggers always intersect. */
export const F_ALWAYS = 1 << 0;
/** A code unit above 0xFF (not a byte string): every transformation runs. */
export const F_WIDE = 1 << 1;
const F_PCT_PLUS = 1 << 2;
const F_AMP = 1 << 3;
const F_BSLASH = 1 << 4;
const F_UPPER = 1 << 5;
const F_LOWER = 1 << 6;
const F_NUL = 1 << 7;
const F_SPACE = 1 << 8;
const F_NBSP = 1 << 9;
const F_HIGH = 1 << 10;
const F_SLASH = 1 << 11;
const F_DOT = 1 << 12;
const F_LT = 1 << 13;
const F_DASH = 1 << 14;
const F_HASH = 1 << 15;
const F_STAR = 1 << 16;
const F_ZERO = 1 << 17;
const F_CMD = 1 << 18;
/** The value starts or ends with `.` (t:normalizePath can remove a `.` segment there). */
export const F_EDGE_DOT = 1 << 19;
export const F_UPPER_BIT = F_UPPER;
export const F_LOWER_BIT = F_LOWER;

/** Feature bits of each byte. */
export const BYTE_FEATURES: Int32Array = (() => {
  const t = new Int32Array(256);
  const add = (chars: string, bit: number): void => {
    for (const c of chars) t[c.charCodeAt(0)]! |= bit;
  };
  add('%+', F_PCT_PLUS);
  add('&', F_AMP);
  add('\\', F_BSLASH);
  for (let b = 0x41; b <= 0x5a; b++) t[b]! |= F_UPPER;
  for (let b = 0x61; b <= 0x7a; b++) t[b]! |= F_LOWER;
  t[0]! |= F_NUL;
  add(' \t\n\v\f\r', F_SPACE);
  t[0xa0]! |= F_NBSP;
  t[0xc2]! |= F_NBSP;
  for (let b = 0x80; b <= 0xff; b++) t[b]! |= F_HIGH;
  add('/', F_SLASH);
  add('.', F_DOT);
  add('<', F_LT);
  add('-', F_DASH);
  add('#', F_HASH);
  add('*', F_STAR);
  add('0', F_ZERO);
  add(`"'^,;`, F_CMD);
  return t;
})();

/** Features of a whole value (F_ALWAYS included). */
export function valueFeatures(s: string): number {
  let f = F_ALWAYS;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    f |= c > 0xff ? F_WIDE : BYTE_FEATURES[c]!;
  }
  return f | edgeFeatures(s);
}

/** Features that depend on positions rather than bytes (see F_EDGE_DOT). */
export function edgeFeatures(s: string): number {
  const n = s.length;
  return n > 0 && (s.charCodeAt(0) === 0x2e || s.charCodeAt(n - 1) === 0x2e) ? F_EDGE_DOT : 0;
}

/** Trigger bits by transformation name; transformations not listed always run. */
const TRIGGERS: Record<string, number> = {
  none: 0,
  urlDecode: F_PCT_PLUS,
  urlDecodeUni: F_PCT_PLUS,
  htmlEntityDecode: F_AMP,
  jsDecode: F_BSLASH,
  cssDecode: F_BSLASH,
  escapeSeqDecode: F_BSLASH,
  lowercase: F_UPPER,
  uppercase: F_LOWER,
  removeNulls: F_NUL,
  replaceNulls: F_NUL,
  utf8toUnicode: F_NUL | F_HIGH,
  removeWhitespace: F_SPACE | F_NBSP,
  compressWhitespace: F_SPACE,
  trim: F_SPACE,
  trimLeft: F_SPACE,
  trimRight: F_SPACE,
  cmdLine: F_UPPER | F_SPACE | F_CMD | F_BSLASH,
  // Without a `/`, only a `.` first or last can form a `.` segment ("./x" needs the slash).
  normalizePath: F_SLASH | F_EDGE_DOT,
  normalizePathWin: F_SLASH | F_EDGE_DOT | F_BSLASH,
  removeComments: F_SLASH | F_LT | F_DASH | F_HASH,
  removeCommentsChar: F_SLASH | F_STAR | F_LT | F_DASH | F_HASH,
  replaceComments: F_SLASH,
  sqlHexDecode: F_ZERO,
};

const byFn = new Map<Transform, number>();
for (const [name, bits] of Object.entries(TRIGGERS)) {
  const def = getTransform(name);
  if (def === undefined) throw new Error(`transform-triggers: unknown transformation ${name}`);
  byFn.set(def.fn, bits | F_WIDE);
}

/** Trigger bits of a transformation function (F_ALWAYS when it is not known here). */
export function transformTrigger(fn: Transform): number {
  return byFn.get(fn) ?? F_ALWAYS;
}

/** For tests: the trigger table by name. */
export function triggerTable(): Readonly<Record<string, number>> {
  return TRIGGERS;
}
