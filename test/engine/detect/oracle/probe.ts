/**
 * Development tool: v3's verdict and fingerprint next to vpatch's for each argument (or each
 * stdin line with -).   node dist/test/engine/detect/oracle/probe.js "1' or 1=1--" ...
 */
import { readFileSync } from 'node:fs';
import { detectSqli } from '../../../../src/engine/detect/sqli/index.js';
import { detectXss } from '../../../../src/engine/detect/xss/index.js';
import { fingerprint } from '../../../../src/engine/detect/sqli/fold.js';
import { buildOracle, runOracle } from './oracle.js';

let values = process.argv.slice(2);
if (values[0] === '-') values = readFileSync(0, 'utf8').split('\n').filter(Boolean);
values = values.map((v) => Buffer.from(v, 'utf8').toString('latin1'));
const v3 = runOracle(buildOracle(), values);
values.forEach((v, i) => {
  const r = detectSqli(v);
  const fps = [fingerprint(v, 0), v.includes("'") ? "'" + fingerprint(v, 0x27) : '', v.includes('"') ? '"' + fingerprint(v, 0x22) : ''].filter(Boolean).join(' ');
  const a = v3[i]!;
  const mark = a.sqli === r.isInjection ? '  ' : '!!';
  console.log(`${mark} v3 ${a.sqli ? 'S' : '-'}${a.xss ? 'X' : '-'} ${a.fingerprint.padEnd(6)} us ${r.isInjection ? 'S' : '-'}${detectXss(v).isXss ? 'X' : '-'} ${r.fingerprint.padEnd(6)} [${fps}]  ${JSON.stringify(v)}`);
});
