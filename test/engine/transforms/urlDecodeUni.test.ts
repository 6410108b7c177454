import { describe, it } from 'node:test';
import { urlDecodeUni } from '../../../src/engine/transforms/urlDecodeUni.js';
import { check } from './check.js';

describe('t:urlDecodeUni', () => {
  it('decodes %uHHHH to the low byte, full-width ASCII to ASCII (libmodsecurity 3.0.9 outputs)', () => {
    check(urlDecodeUni, [
      ['%u0041', 'A'],
      ['%U0041', 'A'],
      ['%uff41', 'a'],
      ['%uFF5e', '~'],
      ['%uff5f', '_'],
      ['%uff00', '\x00'],
      ['%uff01', '!'],
      ['%u1234', '4'],
      ['%u12', '%u12'],
      ['%u123g', '%u123g'],
      ['%u%41', '%uA'],
      ['%uff21%', 'A%'],
      ['%u004', '%u004'],
      ['+%u0020', '  '],
      ['%41%u0042', 'AB'],
      ['%uFFFF', '\xff'],
      ['%u', '%u'],
      ['%U', '%U'],
      ['%%u0041', '%A'],
      ['%u00e9', '\xe9'],
    ]);
  });
/*EXTRA*/
});
