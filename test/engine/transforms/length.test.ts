import { describe, it } from 'node:test';
import { length } from '../../../src/engine/transforms/length.js';
import { check } from './check.js';

describe('t:length', () => {
  it('gives the byte length in decimal (libmodsecurity 3.0.9 outputs)', () => {
    check(length, [
      ['', '0'],
      ['abc', '3'],
      ['\x00\x00', '2'],
      ['\xc3\xa9', '2'],
    ]);
  });
});
