/**
 * Regenerates src/engine/detect/sqli/fingerprints.generated.ts from the corpora.
 *
 *   npx tsc -p tsconfig.json && node dist/src/engine/detect/sqli/derive/generate.js [--check] [--verbose]
 *
 * --check exits 1 when the checked-in table differs from what the corpora give.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { derive, repoRoot } from './derive.js';

export const TABLE_PATH = 'src/engine/detect/sqli/fingerprints.generated.ts';

export function renderTable(fingerprints: string[]): string {
  const lines: string[] = [];
  lines.push('// GENERATED FILE - do not edit by hand.');
  lines.push('// SQLi attack fingerprints derived from vpatch\'s own corpora and ModSecurity v3\'s verdicts on them (src/engine/detect/sqli/derive/).');
  lines.push('// Regenerate: npx tsc -p tsconfig.json && node dist/src/engine/detect/sqli/derive/generate.js');
  lines.push("import { packFingerprint } from './tokens.js';");
  lines.push('');
  lines.push(`/** ${fingerprints.length} fingerprints (token-type letters, see tokens.ts). */`);
  lines.push('export const ATTACK_FINGERPRINT_STRINGS: readonly string[] = [');
  let line = '';
  for (const fp of fingerprints) {
    const lit = JSON.stringify(fp) + ',';
    if (line.length + lit.length + 1 > 110) {
      lines.push('  ' + line.trimEnd());
      line = '';
    }
    line += lit + ' ';
  }
  if (line !== '') lines.push('  ' + line.trimEnd());
  lines.push('];');
  lines.push('');
  lines.push('export const ATTACK_FINGERPRINTS: readonly number[] = ATTACK_FINGERPRINT_STRINGS.map(packFingerprint);');
  lines.push('');
  return lines.join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const d = derive();
  const rendered = renderTable(d.fingerprints);
  const path = resolve(repoRoot(), TABLE_PATH);
  console.log(`labelled values: ${d.labelledCount} (v3 flags ${d.flaggedCount}), benign samples: ${d.benignCount}`);
  console.log(`fingerprints: ${d.fingerprints.length}, conflicts: ${d.conflicts.length}, labelled values the table disagrees on: ${d.disagreements}`);
  if (args.includes('--verbose')) {
    for (const c of d.conflicts) console.log(`  ${JSON.stringify(c.value)}\t${c.fingerprints.join(' ')}\t${c.forbiddenBy}`);
  }
  if (args.includes('--check')) {
    const current = readFileSync(path, 'utf8');
    if (current !== rendered) {
      console.error(`${TABLE_PATH} is out of date`);
      process.exit(1);
    }
    console.log(`${TABLE_PATH} is up to date`);
    return;
  }
  writeFileSync(path, rendered);
  console.log(`wrote ${TABLE_PATH}`);
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${resolve(process.argv[1])}`).href) main();
