/**
 * ReDoS regression test (docs/regex.md, decisions item 12): every CRS @rx pattern, run by
 * the regex layer on pathological inputs, must take time linear in the input. The work runs
 * in a child process with a kill timeout, so an exponential or quadratic regression fails
 * here instead of hanging CI.
 *
 * Assertions, going from 16 KB to 256 KB (16x), in CPU time of the child:
 * - per pattern and input shape, the time may grow at most 64x (linear is 16x, quadratic
 *   256x, exponential never finishes), above a floor of 1 ms for the small input so that
 *   timer and GC noise on tiny times cannot fail it;
 * - summed over everything, at most 64x as well.
 * Sizes start at 16 KB, not 1 KB: below about 16 KB RE2 computes captures with its
 * BitState engine and above with its NFA, a constant-factor step (about 10x) that would
 * look like super-linear growth between 4 KB and 64 KB although both regimes are linear.
 * A calibration runs two of the shapes on V8's backtracking engine and checks that they do
 * blow up there, so the test is known to be able to fail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const worker = fileURLToPath(new URL('./redos-worker.js', import.meta.url));
const KILL_AFTER_MS = 300_000;
const MAX_GROWTH = 64;
const MAX_TOTAL_GROWTH = 64;
const FLOOR_MS = 1;

interface Result {
  id: string;
  shape: string;
  small: number;
  large: number;
}

test('every CRS @rx pattern runs in linear time on pathological inputs (16 KB -> 256 KB)', { timeout: KILL_AFTER_MS + 30_000 }, () => {
  const child = spawnSync(process.execPath, [worker, '16384', '262144', '2'], {
    encoding: 'utf8',
    timeout: KILL_AFTER_MS,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(child.signal, null, `worker killed after ${KILL_AFTER_MS} ms: super-linear matching (ReDoS)`);
  assert.equal(child.status, 0, child.stderr);
  const { results, calibration } = JSON.parse(child.stdout) as {
    results: Result[];
    calibration: Record<string, [number, number]>;
  };
  assert.ok(new Set(results.map((r) => r.id)).size >= 250, "distinct rule ids measured");
  assert.ok(results.length > 318 * 20, `measurements: ${results.length}`);
  for (const [name, [small, large]] of Object.entries(calibration)) {
    assert.ok(large > 8 * small, `calibration ${name}: ${small.toFixed(2)} -> ${large.toFixed(2)} ms should blow up`);
  }
  const slow = results
    .filter((r) => r.large > MAX_GROWTH * Math.max(r.small, FLOOR_MS))
    .map((r) => `${r.id} ${r.shape}: ${r.small.toFixed(3)} ms -> ${r.large.toFixed(3)} ms`);
  assert.deepEqual(slow, []);
  const totalSmall = results.reduce((a, r) => a + r.small, 0);
  const totalLarge = results.reduce((a, r) => a + r.large, 0);
  assert.ok(totalLarge <= MAX_TOTAL_GROWTH * totalSmall, `total ${totalSmall.toFixed(1)} -> ${totalLarge.toFixed(1)} ms`);
  // The worst growth, for the record (visible with --test-reporter=spec).
  const worst = results.reduce((a, r) => (r.large / Math.max(r.small, FLOOR_MS) > a.large / Math.max(a.small, FLOOR_MS) ? r : a));
  const slowest = results.reduce((a, r) => (r.large > a.large ? r : a));
  process.stdout.write(
    `# worst growth ${worst.id} ${worst.shape}: ${(worst.large / Math.max(worst.small, FLOOR_MS)).toFixed(1)}x; ` +
      `slowest at 256 KB ${slowest.id} ${slowest.shape}: ${slowest.large.toFixed(2)} ms; ` +
      `total ${totalSmall.toFixed(0)} -> ${totalLarge.toFixed(0)} ms; calibration ` +
      Object.entries(calibration)
        .map(([name, [a, b]]) => `${name}: ${a.toFixed(2)} -> ${b.toFixed(2)} ms`)
        .join(', ') +
      '\n',
  );
});
