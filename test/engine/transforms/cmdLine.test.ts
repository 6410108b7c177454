import { describe, it } from 'node:test';
import { cmdLine } from '../../../src/engine/transforms/cmdLine.js';
import { check } from './check.js';

describe('t:cmdLine', () => {
  it('normalises command lines like v3 (libmodsecurity 3.0.9 outputs)', () => {
    check(cmdLine, [
      ['C^OMMAND /C DIR', 'command/c dir'],
      ['cmd,/c dir', 'cmd/c dir'],
      ['"cmd" /c', 'cmd/c'],
      ['c\'a\'t /etc/passwd', 'cat/etc/passwd'],
      ['a  \t\r\nb', 'a b'],
      ['a , ; b', 'a b'],
      ['a (b)', 'a(b)'],
      ['a ( b', 'a( b'],
      ['x\x0by\x0cz', 'x\x0by\x0cz'],
      ['\xc1B', '\xc1b'],
      ['echo $(id)', 'echo $(id)'],
      ['ls;id', 'ls id'],
      ['  lead', ' lead'],
      ['trail  ', 'trail '],
      ['a\\"b', 'ab'],
    ]);
  });
});
