/**
 * Compiles the WAF the CRS regression suite runs against: the test configuration
 * (`test-setup.ts`), then `crs-setup.conf.example` (or `crs-setup.conf`), then `rules/*.conf`
 * from the CRS directory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Waf, type CompiledWaf } from '../../engine/index.js';
import { testSetupConf, TEST_SETUP_NAME } from './test-setup.js';

export function crsSetupFile(crsDir: string): string {
  for (const name of ['crs-setup.conf.example', 'crs-setup.conf']) {
    const f = join(crsDir, name);
    if (existsSync(f)) return f;
  }
  throw new Error(`${crsDir}: neither crs-setup.conf.example nor crs-setup.conf found`);
}

export function compileCrsTestWaf(crsDir: string): CompiledWaf {
  const setup = crsSetupFile(crsDir);
  const rules = join(crsDir, 'rules');
  if (!existsSync(rules)) throw new Error(`${crsDir}: no rules/ directory`);
  return Waf.compile([
    { text: testSetupConf(readFileSync(setup, 'utf8')), name: TEST_SETUP_NAME, baseDir: crsDir },
    { file: setup },
    { file: join(rules, '*.conf') },
  ]);
}
