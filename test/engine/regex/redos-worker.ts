/**
 * ReDoS measurement, run as a child process by redos.test.ts (which kills it on timeout, so
 * a regression fails instead of hanging CI). For every CRS @rx pattern and every
 * pathological input shape it times the pattern at a small and a 16x larger size and prints
 * one JSON object: { results: [{ id, shape, small, large }] } with CPU times in ms.
 *
 * Usage: node --expose-gc redos-worker.js [smallBytes] [largeBytes] [runs]
 * REDOS_ONLY=941310,920600 limits it to some rule ids.
 */
import { compileRegex, describeRegex, parseRegex } from '../../../src/engine/regex/index.js';
import type { CompiledRegex } from '../../../src/engine/regex/index.js';
import { loadCrsRxPatterns } from './crs-patterns.js';
import { generate, prng } from './samples.js';

const SMALL = Number(process.argv[2] ?? 16384);
const LARGE = Number(process.argv[3] ?? 262144);
const RUNS = Number(process.argv[4] ?? 2);

function fill(unit: string, size: number, head = '', tail = ''): string {
  if (unit.length === 0) unit = 'a';
  let body = unit.repeat(Math.ceil(Math.max(size - head.length - tail.length, 0) / unit.length));
  body = body.slice(0, Math.max(size - head.length - tail.length, 0));
  return head + body + tail;
}

/** Input shapes known to hurt backtracking engines on CRS, plus some built from the pattern. */
function shapes(pattern: string): Array<[string, (size: number) => string]> {
  const out: Array<[string, (size: number) => string]> = [];
  for (const unit of [' ', "'", '"', '(', '<', '\xbc', 'a', '0', '\\', '%', '\n', '\xe9', "a'", '(a', '&#']) {
    out.push([`repeat ${JSON.stringify(unit)}`, (n) => fill(unit, n)]);
  }
  // 920600 (Accept): exponential under backtracking (each space doubles the work)
  out.push(['accept params', (n) => fill(';a=a ', n, 'a/a', '!')]);
  out.push(['accept keys', (n) => fill(';a =a', n, 'a/a', '!')]);
  out.push(['accept list', (n) => fill(', a/a;a=a ', n, 'a/a', '"')]);
  // 941310: quadratic under backtracking
  out.push(['closing tags', (n) => fill('</', n)]);
  out.push(['closing tags bc', (n) => fill('\xbc/', n)]);
  // Literals the pattern needs, repeated without their last byte (near misses) and whole.
  const described = describeRegex(pattern).prefilter;
  const literals = described?.match(/"((?:[^"\\]|\\.)*)"/g)?.map((q) => JSON.parse(q) as string) ?? [];
  for (const lit of literals.slice(0, 3)) {
    out.push([`literal prefix ${JSON.stringify(lit)}`, (n) => fill(lit.slice(0, -1) + ' ', n)]);
    out.push([`literal ${JSON.stringify(lit)}`, (n) => fill(lit, n)]);
  }
  // Strings generated from the pattern, cut short and repeated.
  const rand = prng(pattern.length);
  const { root } = parseRegex(pattern);
  for (let i = 0; i < 3; i++) {
    const g = generate(root, rand);
    if (g.length > 1) out.push([`generated ${i}`, (n) => fill(g.slice(0, -1), n)]);
  }
  return out;
}

/**
 * Best of `runs` timings of each function, interleaved so that every run starts cold (the
 * layer and the re2 package cache the last subject they saw). Timed in CPU time of this
 * process, so that other processes on a shared machine do not disturb the measurement.
 */
function timeInterleaved(fns: Array<() => void>, runs: number): number[] {
  const best = fns.map(() => Infinity);
  for (let r = 0; r < runs; r++) {
    fns.forEach((fn, i) => {
      gc?.();
      const t0 = process.cpuUsage();
      fn();
      const used = process.cpuUsage(t0);
      best[i] = Math.min(best[i]!, (used.user + used.system) / 1000);
    });
  }
  return best;
}

interface Result {
  id: string;
  shape: string;
  small: number;
  large: number;
}

/** Collecting garbage outside the timed region (node --expose-gc) keeps GC pauses out of it. */
const gc = (globalThis as { gc?: () => void }).gc;
const only = process.env.REDOS_ONLY?.split(',');

const results: Result[] = [];
for (const p of loadCrsRxPatterns()) {
  if (only !== undefined && !only.includes(p.id)) continue;
  const engine: CompiledRegex = compileRegex(p.pattern, { prefilter: false });
  const layer: CompiledRegex = compileRegex(p.pattern);
  for (const [shape, make] of shapes(p.pattern)) {
    const small = make(SMALL);
    const large = make(LARGE);
    const run = (s: string) => () => {
      engine.test(s);
      engine.match(s);
      layer.test(s);
    };
    run(small)(); // warm up
    const [tSmall, tLarge] = timeInterleaved([run(small), run(large)], RUNS);
    results.push({ id: p.id, shape, small: tSmall!, large: tLarge! });
  }
}
/**
 * Calibration: the same shapes on V8's backtracking engine (the layer never uses it for
 * these patterns) must blow up, or this test could not tell a regression from success.
 */
function calibrate(): Record<string, [number, number]> {
  const byId = new Map(loadCrsRxPatterns().map((p) => [p.id, p.pattern]));
  const v8 = (id: string): CompiledRegex => compileRegex(byId.get(id)!, { engine: 'v8-unsafe', prefilter: false });
  const r920600 = v8('920600');
  const accept = (k: number): string => 'a/a' + ';a=a '.repeat(k) + '!';
  const r941310 = v8('941310');
  const tags = (n: number): string => '</'.repeat(n / 2);
  const once = (re: CompiledRegex, s: string): number => {
    re.test(s.slice(0, 40)); // compile and warm up first
    return timeInterleaved([() => re.test(s)], 2)[0]!;
  };
  return {
    // 14 -> 20 parameters (+36 bytes): about 100x under backtracking, 1.4x if linear
    '920600 v8 accept 14->20 params': [once(r920600, accept(14)), once(r920600, accept(20))],
    // 2 KB -> 8 KB: 16x if quadratic, 4x if linear
    '941310 v8 closing tags 2K->8K': [once(r941310, tags(2048)), once(r941310, tags(8192))],
  };
}

const calibration = process.env.REDOS_CALIBRATE === '0' ? {} : calibrate();
process.stdout.write(JSON.stringify({ small: SMALL, large: LARGE, results, calibration }) + '\n');
