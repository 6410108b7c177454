/**
 * Micro-benchmark of the SQLi and XSS detectors: ns per call on typical values.
 *   npx tsc -p tsconfig.json && node dist/bench/detect.bench.js
 * Prints figures only; no assertions.
 */
import { detectSqli } from '../src/engine/detect/sqli/index.js';
import { detectXss } from '../src/engine/detect/xss/index.js';

const INPUTS: [string, string][] = [
  ['word', 'shoes'],
  ['number', '12345'],
  ['name with apostrophe', "Patrick O'Brien"],
  ['search query', 'red running shoes size 9 or 10'],
  ['email', 'john.smith@example.com'],
  ['url', 'https://www.example.com/search?q=red+shoes&page=2'],
  ['user agent', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'],
  ['json', '{"user":{"email":"bob@example.com","roles":["admin","editor"]}}'],
  ['sqli tautology', "1' OR '1'='1' --"],
  ['sqli union', '-1 UNION ALL SELECT NULL,@@version,3--'],
  ['xss', '"><img src=x onerror=alert(1)>'],
  ['prose 1 KB', 'The quick brown fox jumps over the lazy dog. '.repeat(23)],
  ['random 64 KB', 'ab<c "d\' e=f '.repeat(5000)],
  // inputs that fold without end: the scan reads all of them (linear, ns per byte)
  ['folding 64 KB 1+1+', '1+'.repeat(32768)],
  ['comments 64 KB', '/**/'.repeat(16384)],
  ['op chain 64 KB', "'+a+".repeat(16384)],
];

function bench(fn: (s: string) => unknown, input: string): number {
  const target = 200_000_000 / Math.max(64, input.length); // ~ same bytes for every input
  const iters = Math.max(200, Math.min(500_000, Math.floor(target)));
  for (let i = 0; i < Math.min(iters, 20_000); i++) fn(input); // warm up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iters; i++) fn(input);
  const t1 = process.hrtime.bigint();
  return Number(t1 - t0) / iters;
}

console.log('input'.padEnd(22), 'bytes'.padStart(7), 'detectSqli ns'.padStart(15), 'detectXss ns'.padStart(14));
for (const [name, input] of INPUTS) {
  const s = bench((x) => detectSqli(x), input);
  const x = bench((v) => detectXss(v), input);
  console.log(name.padEnd(22), String(input.length).padStart(7), s.toFixed(0).padStart(15), x.toFixed(0).padStart(14));
}
