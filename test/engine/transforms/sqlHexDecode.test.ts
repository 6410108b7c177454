import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sqlHexDecode } from '../../../src/engine/transforms/sqlHexDecode.js';
import { check } from './check.js';

/**
 * libmodsecurity 3.0.9's t:sqlHexDecode drops the last byte of most values ("TestCase" gives
 * "TestCas") and cuts at NUL bytes; vpatch follows the corrected implementation of later v3
 * releases instead (docs/transformations.md), so these expectations are not 3.0.9 outputs.
 */
describe('t:sqlHexDecode', () => {
  it('decodes 0x-prefixed runs of hex pairs', () => {
    check(sqlHexDecode, [
      ['0x414243', 'ABC'],
      ['0X4142', 'AB'],
      ['SELECT 0x61646d696e', 'SELECT admin'],
      ['0x41g', 'Ag'],
      ['0x414', 'A4'],
      ['x0x41', 'xA'],
      ['0x410x42', 'AB'],
      ['00x41', '0A'],
      ['a\x000x41', 'a\x00A'],
    ]);
  });

  it('leaves values without a complete 0xHH alone, last byte included', () => {
    check(sqlHexDecode, [
      ['TestCase', 'TestCase'],
      ['0x', '0x'],
      ['0x4', '0x4'],
      ['0xg1', '0xg1'],
      ['a', 'a'],
      ['', ''],
      ['x41', 'x41'],
    ]);
  });

  it('stays linear on long runs', () => {
    assert.equal(sqlHexDecode('0x' + '41'.repeat(500_000)), 'A'.repeat(500_000));
    assert.equal(sqlHexDecode('0'.repeat(1_000_000)), '0'.repeat(1_000_000));
    assert.equal(sqlHexDecode('0x'.repeat(300_000)), '0x'.repeat(300_000));
  });
});
