/**
 * The transformation registry: every `t:` function of ModSecurity v3 (libmodsecurity
 * 3.0.x), looked up case-insensitively by its SecLang name or an accepted alias.
 * See docs/transformations.md for the semantics and every deviation from v3.
 */
import { base64DecodeTransform } from './base64Decode.js';
import { base64DecodeExtTransform } from './base64DecodeExt.js';
import { base64EncodeTransform } from './base64Encode.js';
import { cmdLineTransform } from './cmdLine.js';
import { compressWhitespaceTransform } from './compressWhitespace.js';
import { cssDecodeTransform } from './cssDecode.js';
import { escapeSeqDecodeTransform } from './escapeSeqDecode.js';
import { hexDecodeTransform } from './hexDecode.js';
import { hexEncodeTransform } from './hexEncode.js';
import { htmlEntityDecodeTransform } from './htmlEntityDecode.js';
import { jsDecodeTransform } from './jsDecode.js';
import { lengthTransform } from './length.js';
import { lowercaseTransform } from './lowercase.js';
import { md5Transform } from './md5.js';
import { noneTransform } from './none.js';
import { normalizePathTransform } from './normalizePath.js';
import { normalizePathWinTransform } from './normalizePathWin.js';
import { parityEven7bitTransform } from './parityEven7bit.js';
import { parityOdd7bitTransform } from './parityOdd7bit.js';
import { parityZero7bitTransform } from './parityZero7bit.js';
import { removeCommentsTransform } from './removeComments.js';
import { removeCommentsCharTransform } from './removeCommentsChar.js';
import { removeNullsTransform } from './removeNulls.js';
import { removeWhitespaceTransform } from './removeWhitespace.js';
import { replaceCommentsTransform } from './replaceComments.js';
import { replaceNullsTransform } from './replaceNulls.js';
import { sha1Transform } from './sha1.js';
import { sqlHexDecodeTransform } from './sqlHexDecode.js';
import { trimTransform } from './trim.js';
import { trimLeftTransform } from './trimLeft.js';
import { trimRightTransform } from './trimRight.js';
import { uppercaseTransform } from './uppercase.js';
import { urlDecodeTransform } from './urlDecode.js';
import { urlDecodeUniTransform } from './urlDecodeUni.js';
import { urlEncodeTransform } from './urlEncode.js';
import { utf8toUnicodeTransform } from './utf8toUnicode.js';
import type { TransformDefinition } from './types.js';

export type { Transform, TransformDefinition } from './types.js';
export { makeUrlDecodeUni, type UnicodeMap } from './urlDecodeUni.js';

const ALL: readonly TransformDefinition[] = Object.freeze([
  base64DecodeTransform,
  base64DecodeExtTransform,
  base64EncodeTransform,
  cmdLineTransform,
  compressWhitespaceTransform,
  cssDecodeTransform,
  escapeSeqDecodeTransform,
  hexDecodeTransform,
  hexEncodeTransform,
  htmlEntityDecodeTransform,
  jsDecodeTransform,
  lengthTransform,
  lowercaseTransform,
  md5Transform,
  noneTransform,
  normalizePathTransform,
  normalizePathWinTransform,
  parityEven7bitTransform,
  parityOdd7bitTransform,
  parityZero7bitTransform,
  removeCommentsTransform,
  removeCommentsCharTransform,
  removeNullsTransform,
  removeWhitespaceTransform,
  replaceCommentsTransform,
  replaceNullsTransform,
  sha1Transform,
  sqlHexDecodeTransform,
  trimTransform,
  trimLeftTransform,
  trimRightTransform,
  uppercaseTransform,
  urlDecodeTransform,
  urlDecodeUniTransform,
  urlEncodeTransform,
  utf8toUnicodeTransform,
]);

const BY_NAME: ReadonlyMap<string, TransformDefinition> = (() => {
  const m = new Map<string, TransformDefinition>();
  for (const def of ALL) {
    for (const name of [def.name, ...(def.aliases ?? [])]) {
      const key = name.toLowerCase();
      if (m.has(key)) throw new Error(`duplicate transformation name ${name}`);
      m.set(key, def);
    }
  }
  return m;
})();

/** The transformation called `name` (without `t:`; case-insensitive), or undefined. */
export function getTransform(name: string): TransformDefinition | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Every registered transformation, each once, in alphabetical order of canonical name. */
export function allTransforms(): readonly TransformDefinition[] {
  return ALL;
}
