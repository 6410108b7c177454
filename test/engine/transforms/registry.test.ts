import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allTransforms, getTransform } from '../../../src/engine/transforms/index.js';

/** Every transformation name libmodsecurity v3's SecLang scanner accepts (seclang-scanner.ll). */
const V3_NAMES = [
  'base64Decode', 'base64DecodeExt', 'base64Encode', 'cmdLine', 'compressWhitespace', 'cssDecode',
  'escapeSeqDecode', 'hexDecode', 'hexEncode', 'htmlEntityDecode', 'jsDecode', 'length', 'lowercase',
  'md5', 'none', 'normalisePath', 'normalizePath', 'normalisePathWin', 'normalizePathWin',
  'parityEven7bit', 'parityOdd7bit', 'parityZero7bit', 'removeComments', 'removeCommentsChar',
  'removeNulls', 'removeWhitespace', 'replaceComments', 'replaceNulls', 'sha1', 'sqlHexDecode', 'trim',
  'trimLeft', 'trimRight', 'uppercase', 'urlDecode', 'urlDecodeUni', 'urlEncode', 'utf8toUnicode',
];

describe('transformation registry', () => {
  it('knows every v3 name, case-insensitively', () => {
    for (const name of V3_NAMES) {
      assert.ok(getTransform(name), name);
      assert.equal(getTransform(name.toUpperCase()), getTransform(name));
      assert.equal(getTransform(name.toLowerCase()), getTransform(name));
    }
  });

  it('maps both spellings of the path normalisers to one definition', () => {
    assert.equal(getTransform('normalisePath'), getTransform('normalizePath'));
    assert.equal(getTransform('normalisePathWin'), getTransform('normalizePathWin'));
    assert.equal(getTransform('normalizePath')!.name, 'normalizePath');
    assert.notEqual(getTransform('normalizePath'), getTransform('normalizePathWin'));
  });

  it('rejects names v3 does not have', () => {
    for (const name of ['phpArgsNames', 'cmd_line', 'urldecodeuni2', '', 't:lowercase', 'sha256', 'reverse']) {
      assert.equal(getTransform(name), undefined, name);
    }
  });

  it('lists each transformation once, and only v3 ones', () => {
    const all = allTransforms();
    assert.equal(all.length, 36);
    assert.equal(new Set(all).size, all.length);
    const names = new Set(V3_NAMES.map((n) => n.toLowerCase()));
    for (const def of all) {
      assert.ok(names.has(def.name.toLowerCase()), def.name);
      for (const alias of def.aliases ?? []) assert.ok(names.has(alias.toLowerCase()), alias);
      assert.equal(typeof def.fn, 'function');
    }
  });

  it('t:none is the identity as a function', () => {
    assert.equal(getTransform('none')!.fn('A%41\0'), 'A%41\0');
  });

  it('every transformation is total: no throw on any byte, empty input or odd code units', () => {
    const all256 = Array.from({ length: 256 }, (_, c) => String.fromCharCode(c)).join('');
    const inputs = ['', all256, all256.split('').reverse().join(''), '\\', '%', '&', '&#', '/*', '0x', '\u0100\uffff'];
    for (const def of allTransforms()) {
      for (const input of inputs) {
        const out = def.fn(input);
        assert.equal(typeof out, 'string');
        if (input !== '\u0100\uffff') {
          assert.ok(/^[\x00-\xff]*$/.test(out), `${def.name} produced a code unit above 0xFF`);
        }
      }
    }
  });
});
