import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO_ROOT, CRS_DIR } from '../helpers/shared.js';

/**
 * Every ```js block in docs/engine.md must run. Each block is written inside the repository
 * (so `import 'vpatch'` resolves to this package) and executed in its own Node process.
 */
const doc = readFileSync(resolve(REPO_ROOT, 'docs/engine.md'), 'utf8');
const blocks = [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);

test('docs/engine.md has runnable examples', () => {
  assert.ok(blocks.length >= 4);
});

const dir = resolve(REPO_ROOT, 'dist/doc-examples');
mkdirSync(dir, { recursive: true });

blocks.forEach((code, i) => {
  test(`docs/engine.md example ${i + 1} runs`, () => {
    const file = resolve(dir, `engine-${i + 1}.mjs`);
    writeFileSync(file, code);
    const result = spawnSync(process.execPath, [file], { encoding: 'utf8', env: { ...process.env, VPATCH_CRS_DIR: CRS_DIR }, timeout: 60_000 });
    assert.equal(result.status, 0, `example ${i + 1} failed:\n${result.stderr}`);
  });
});
