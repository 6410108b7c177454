/**
 * Labelling tool: runs ModSecurity v3 over the labelled corpus and rewrites
 * src/engine/detect/sqli/derive/v3-labels.txt. Needs libmodsecurity and g++.
 *   npx tsc -p tsconfig.json && node dist/test/engine/detect/oracle/label.js
 * then regenerate the table: node dist/src/engine/detect/sqli/derive/generate.js
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DERIVE_DIR, readCorpus, repoRoot } from '../../../../src/engine/detect/sqli/derive/derive.js';
import { LABELS_PATH, labelledCorpus, renderLabels } from '../../../../src/engine/detect/sqli/derive/v3-labels.js';
import { buildOracle, oracleUnavailable, oracleVersion, runOracle } from './oracle.js';

const why = oracleUnavailable();
if (why) {
  console.error(why);
  process.exit(2);
}
const bin = buildOracle();
const values = labelledCorpus(readCorpus(`${DERIVE_DIR}/attacks.txt`).map((a) => a.payload));
const verdicts = runOracle(bin, values);
writeFileSync(resolve(repoRoot(), LABELS_PATH), renderLabels(oracleVersion(bin), values, verdicts.map((v) => v.sqli)));
console.log(`labelled ${values.length} values, v3 flags ${verdicts.filter((v) => v.sqli).length}`);
