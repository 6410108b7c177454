import { describe, it } from 'node:test';
import { urlEncode } from '../../../src/engine/transforms/urlEncode.js';
import { check } from './check.js';

describe('t:urlEncode', () => {
  it('keeps only *, digits and letters (libmodsecurity 3.0.9 outputs)', () => {
    check(urlEncode, [
      ['a b', 'a+b'],
      ['a*b', 'a*b'],
      ['-_.~', '%2d%5f%2e%7e'],
      ['\x00\xff', '%00%ff'],
      ['%41', '%2541'],
      ['azAZ09', 'azAZ09'],
    ]);
  });
});
