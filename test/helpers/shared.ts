import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, found from this file whether it runs from test/ (tsx) or dist/test/ (compiled). */
function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

export const REPO_ROOT = findRepoRoot();

/** The shared reference material (CRS, SecLang vectors, feeds): `../shared` beside the repo unless VPATCH_SHARED_DIR says otherwise. */
export const SHARED_DIR = process.env.VPATCH_SHARED_DIR ?? resolve(REPO_ROOT, '../shared');

export const CRS_DIR = resolve(SHARED_DIR, 'crs');
export const SECLANG_TESTS_DIR = resolve(SHARED_DIR, 'seclang-tests');
