import { describe, it } from 'node:test';
import { compressWhitespace } from '../../../src/engine/transforms/compressWhitespace.js';
import { check } from './check.js';

describe('t:compressWhitespace', () => {
  it('turns each whitespace run into one space; 0xA0 is not whitespace (libmodsecurity 3.0.9 outputs)', () => {
    check(compressWhitespace, [
      ['a \t\n\r\x0b\x0cb', 'a b'],
      ['  a  ', ' a '],
      ['a\xa0\xa0b', 'a\xa0\xa0b'],
      ['a \xa0 b', 'a \xa0 b'],
      ['\x00 \x00', '\x00 \x00'],
      ['\x0b', ' '],
      ['a b', 'a b'],
      ['a\x85b', 'a\x85b'],
    ]);
  });
});
