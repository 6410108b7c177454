/**
 * Development tool: vpatch's detectors against ModSecurity v3 on a value set, with the
 * differences listed.
 *   node dist/test/engine/detect/oracle/compare.js crs|file PATH [--out FILE]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { detectSqli } from '../../../../src/engine/detect/sqli/index.js';
import { detectXss } from '../../../../src/engine/detect/xss/index.js';
import { fingerprint } from '../../../../src/engine/detect/sqli/fold.js';
import { buildOracle, runOracle } from './oracle.js';
import { crsValueSets } from './crs-corpus.js';

function ours(v: string): string {
  const fps = [fingerprint(v, 0)];
  if (v.includes("'")) fps.push("'" + fingerprint(v, 0x27));
  if (v.includes('"')) fps.push('"' + fingerprint(v, 0x22));
  return fps.join(' ');
}

function report(kind: 'sqli' | 'xss', values: string[], out: string[]): void {
  const bin = buildOracle();
  const v3 = runOracle(bin, values);
  let both = 0, none = 0, onlyUs = 0, onlyV3 = 0, fpSame = 0;
  const lines: string[] = [];
  values.forEach((v, i) => {
    const a = kind === 'sqli' ? detectSqli(v) : null;
    const us = kind === 'sqli' ? a!.isInjection : detectXss(v).isXss;
    const them = kind === 'sqli' ? v3[i]!.sqli : v3[i]!.xss;
    if (us && them) {
      both++;
      if (a && a.fingerprint === v3[i]!.fingerprint) fpSame++;
    } else if (!us && !them) none++;
    else if (us) {
      onlyUs++;
      lines.push(`US\t${JSON.stringify(v)}\t${a?.fingerprint ?? ''}\t${kind === 'sqli' ? ours(v) : ''}`);
    } else {
      onlyV3++;
      lines.push(`V3\t${JSON.stringify(v)}\t${v3[i]!.fingerprint}\t${kind === 'sqli' ? ours(v) : ''}`);
    }
  });
  const agree = (both + none) / values.length;
  console.log(`${kind}: ${values.length} values, both ${both} (same fp ${fpSame}), neither ${none}, only vpatch ${onlyUs}, only v3 ${onlyV3}, agreement ${(agree * 100).toFixed(2)}%`);
  out.push(`## ${kind}`, ...lines.sort());
}

const args = process.argv.slice(2);
const out: string[] = [];
if (args[0] === 'crs') {
  const sets = crsValueSets();
  report('sqli', sets.sqli, out);
  report('xss', sets.xss, out);
} else if (args[0] === 'file') {
  const values = readFileSync(args[1]!, 'utf8').split('\n').filter(Boolean).map((l) => Buffer.from(l, 'utf8').toString('latin1'));
  report('sqli', values, out);
  report('xss', values, out);
}
const o = args.indexOf('--out');
if (o >= 0) writeFileSync(args[o + 1]!, out.join('\n') + '\n');
if (args[0] === 'eval') {
  const { evalAttacks, evalBenign } = await import('./eval-corpus.js');
  const o2: string[] = [];
  report('sqli', evalAttacks(), o2);
  out.push('# attacks', ...o2);
  const o3: string[] = [];
  report('sqli', evalBenign(), o3);
  report('xss', evalBenign(), o3);
  out.push('# benign', ...o3);
  if (o >= 0) writeFileSync(args[o + 1]!, out.join('\n') + '\n');
}
