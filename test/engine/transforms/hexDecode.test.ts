import { describe, it } from 'node:test';
import { hexDecode } from '../../../src/engine/transforms/hexDecode.js';
import { check } from './check.js';

describe('t:hexDecode', () => {
  it('decodes byte pairs without validation and drops an odd last byte (libmodsecurity 3.0.9 outputs)', () => {
    check(hexDecode, [
      ['414243', 'ABC'],
      ['4a4B', 'JK'],
      ['0z', '#'],
      ['zz', 'S'],
      ['a', ''],
      ['414', 'A'],
      ['', ''],
      ['  ', '\xf0'],
      ['\xff\xff', '('],
      ['g0', '\x00'],
    ]);
  });
});
