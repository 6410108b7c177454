import { describe, it } from 'node:test';
import { removeWhitespace } from '../../../src/engine/transforms/removeWhitespace.js';
import { check } from './check.js';

describe('t:removeWhitespace', () => {
  it('deletes whitespace and 0xA0 (libmodsecurity 3.0.9 outputs)', () => {
    check(removeWhitespace, [
      ['a \t\n\r\x0b\x0cb', 'ab'],
      ['  a  ', 'a'],
      ['a\xa0\xa0b', 'ab'],
      ['\x00 \x00', '\x00\x00'],
      ['a\x85b', 'a\x85b'],
      ['\xc2\xa0x', 'x'],
    ]);
  });

  it('deletes every 0xC2 byte, as libmodsecurity 3.0.x does', () => {
    check(removeWhitespace, [
      ['\xc2\xa1', '\xa1'],
      ['sys\xc2tem', 'system'],
    ]);
  });
});
