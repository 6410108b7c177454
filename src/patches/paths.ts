import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root, found from this module whether it runs from src/ or dist/src/.
 * The YAML catalog and the JSON Schema are not compiled by tsc: they are always read
 * from `<package root>/src/patches/`.
 */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src', 'patches'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('vpatch: package root not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export const PACKAGE_ROOT = findPackageRoot();
export const PATCHES_SRC_DIR = resolve(PACKAGE_ROOT, 'src', 'patches');
/** The built-in catalog directory. */
export const BUILTIN_CATALOG_DIR = resolve(PATCHES_SRC_DIR, 'catalog');
/** The published JSON Schema of a patch file. */
export const PATCH_SCHEMA_PATH = resolve(PATCHES_SRC_DIR, 'patch.schema.json');
