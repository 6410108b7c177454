/**
 * The built-in catalog: every file valid, ids consistent, KEV flags true to CISA's feed, and every
 * patch's block and pass cases run through the engine with only the catalog loaded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve, basename } from 'node:path';
import { builtinCatalog, loadCatalog } from '../../src/patches/loader.js';
import { runInEngine } from '../../src/patches/engine-runner.js';
import { compileForTest } from '../../src/patches/engine-runner.js';
import { CATALOG_RULE_ID_MAX, CATALOG_RULE_ID_MIN } from '../../src/patches/types.js';
import { SHARED_DIR } from '../helpers/shared.js';
import { Waf } from '../../src/engine/index.js';

const NAMED_IN_ISSUE = `CVE-2021-44228 CVE-2021-45046 CVE-2022-22965 CVE-2022-22963 CVE-2022-22947 CVE-2022-42889 CVE-2017-5638
CVE-2017-9805 CVE-2018-11776 CVE-2020-17530 CVE-2013-2251 CVE-2014-6271 CVE-2021-26084 CVE-2022-26134 CVE-2023-22515
CVE-2023-22518 CVE-2023-22527 CVE-2021-41773 CVE-2021-42013 CVE-2021-40438 CVE-2019-19781 CVE-2023-24489 CVE-2022-1388
CVE-2020-5902 CVE-2021-22986 CVE-2023-46747 CVE-2022-22954 CVE-2021-21985 CVE-2021-22005 CVE-2021-26855 CVE-2021-34473
CVE-2023-34362 CVE-2022-40684 CVE-2018-13379 CVE-2019-11510 CVE-2023-46805 CVE-2024-21887 CVE-2024-3400 CVE-2024-36401
CVE-2024-4577 CVE-2012-1823 CVE-2017-9841 CVE-2021-3129 CVE-2020-14882 CVE-2020-14883 CVE-2017-10271 CVE-2019-2725
CVE-2018-7600 CVE-2018-7602 CVE-2019-6340 CVE-2023-42793 CVE-2024-27198 CVE-2023-23752 CVE-2022-47966 CVE-2021-40539
CVE-2021-44515 CVE-2022-37042 CVE-2019-11580 CVE-2019-15107 CVE-2019-16759 CVE-2019-17558 CVE-2021-25646 CVE-2022-23131
CVE-2023-27350 CVE-2023-27524 CVE-2023-32315 CVE-2022-1040 CVE-2022-30525 CVE-2022-29464 CVE-2022-36804 CVE-2022-24112
CVE-2020-3452 CVE-2020-6287 CVE-2022-21587 CVE-2020-7961 CVE-2022-33891 CVE-2022-35914 CVE-2022-44877`.split(/\s+/);

const patches = builtinCatalog();

test('the catalog holds at least 80 patches, one file per patch named after its id', () => {
  assert.ok(patches.length >= 80, `only ${patches.length} patches`);
  for (const p of patches) assert.equal(basename(p.source), `${p.id}.yaml`, p.source);
});

test('every CVE named in the catalog issue has a patch', () => {
  const covered = new Set(patches.flatMap((p) => p.cves));
  const missing = NAMED_IN_ISSUE.filter((c) => !covered.has(c));
  assert.deepEqual(missing, []);
});

test('rule ids are unique and inside the catalog range', () => {
  const seen = new Map<number, string>();
  for (const p of patches) {
    for (const r of p.rules) {
      assert.ok(r.id >= CATALOG_RULE_ID_MIN && r.id <= CATALOG_RULE_ID_MAX, `${p.id}: rule ${r.id} outside the catalog range`);
      assert.ok(!seen.has(r.id), `${p.id}: rule ${r.id} also in ${seen.get(r.id)}`);
      seen.set(r.id, p.id);
    }
  }
});

test('kev flags agree with the CISA KEV snapshot', () => {
  const feed = JSON.parse(readFileSync(resolve(SHARED_DIR, 'feeds/kev/known_exploited_vulnerabilities.json'), 'utf8')) as { vulnerabilities: Array<{ cveID: string }> };
  const kev = new Set(feed.vulnerabilities.map((v) => v.cveID));
  const wrong = patches.filter((p) => p.kev !== p.cves.some((c) => kev.has(c))).map((p) => p.id);
  assert.deepEqual(wrong, []);
  // the issue asks for web CVEs from KEV: all but the two the snapshot lacks are in it
  const notInKev = patches.filter((p) => !p.kev).flatMap((p) => p.cves);
  assert.deepEqual(notInKev.sort(), ['CVE-2021-25646', 'CVE-2022-42889']);
});

test('every patch has block and pass cases, references and a retire condition', () => {
  for (const p of patches) {
    assert.ok(p.tests.block.length >= 2 || p.rules.length === 1, `${p.id}: too few block cases`);
    assert.ok(p.tests.pass.length >= 1, `${p.id}: no pass case`);
    assert.ok(p.references.some((r) => /nvd\.nist\.gov|vendor|security|advisor|support|psirt|kb\.|msrc|cwiki|github\.com|lists\.apache|httpd\.apache|php\.net|forums\.ivanti|my\.f5|confluence\.atlassian|spring\.io|logging\.apache|cisa\.gov/.test(r)), `${p.id}: no advisory reference`);
    assert.ok(p.expires.retireWhen.length > 5);
  }
});

test('the whole catalog compiles in the engine (with prelude, every mode)', () => {
  const cat = loadCatalog('builtin');
  assert.doesNotThrow(() => Waf.compile(cat.files));
  assert.doesNotThrow(() => Waf.compile([{ text: cat.seclang, name: 'catalog.conf' }]));
  const detect = Object.fromEntries(patches.map((p) => [p.id, 'detect' as const]));
  assert.doesNotThrow(() => compileForTest(patches, detect));
});

test('every patch blocks its block cases (alone and with the catalog) and passes its pass cases', () => {
  const reports = runInEngine(patches);
  const failures = reports.flatMap((r) => r.cases.filter((c) => !c.ok).map((c) => `${r.id} ${c.kind}[${c.index}] ${c.description}: ${c.detail}`));
  assert.deepEqual(failures, []);
  const total = reports.reduce((n, r) => n + r.cases.length, 0);
  assert.ok(total >= patches.length * 3);
});
