import { describe, it } from 'node:test';
import { removeCommentsChar } from '../../../src/engine/transforms/removeCommentsChar.js';
import { check } from './check.js';

describe('t:removeCommentsChar', () => {
  it('removes only the comment markers (libmodsecurity 3.0.9 outputs)', () => {
    check(removeCommentsChar, [
      ['a/*b*/c', 'abc'],
      ['a--b', 'ab'],
      ['a#b', 'ab'],
      ['<!--x-->', 'x'],
      ['a-->b', 'ab'],
      ['a*/b', 'ab'],
      ['a---b', 'a-b'],
      ['a/**/b', 'ab'],
      ['<!-x', '<!-x'],
      ['-', '-'],
      ['#', ''],
    ]);
  });
});
