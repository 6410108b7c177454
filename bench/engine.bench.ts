/**
 * `npm run bench:engine`: microseconds per transaction through CRS v4 at paranoia level 1 on
 * one core, for fixed request shapes, plus CRS compile time and heap after compile.
 *
 *   node dist/bench/engine.bench.js [--crs-dir DIR] [--iterations N] [--paranoia N] [--json]
 *
 * CRS comes from --crs-dir, else $VPATCH_CRS_DIR, else ../shared/crs beside the repository.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Waf, type CompiledWaf } from '../src/engine/index.js';

interface Shape {
  name: string;
  method: string;
  uri: string;
  headers: Array<[string, string]>;
  body?: Buffer;
}

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

const crsDir = flag('--crs-dir') ?? process.env.VPATCH_CRS_DIR ?? resolve(repoRoot(), '../shared/crs');
const iterations = Number(flag('--iterations') ?? 3000);
const paranoia = Number(flag('--paranoia') ?? 1);

const browserHeaders: Array<[string, string]> = [
  ['Host', 'shop.example.com'],
  ['User-Agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'],
  ['Accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'],
  ['Accept-Language', 'en-US,en;q=0.9,de;q=0.8'],
  ['Accept-Encoding', 'gzip, deflate, br'],
  ['Referer', 'https://shop.example.com/catalog/shoes?page=1'],
  ['Cookie', 'session_id=4f9c2e1a7b3d8e6f; theme=dark; consent=necessary%2Canalytics'],
  ['Connection', 'keep-alive'],
];

function formBody(size: number): Buffer {
  const fields: string[] = [];
  let i = 0;
  while (fields.join('&').length < size) {
    fields.push(`field_${i}=${encodeURIComponent(`Some ordinary text number ${i}, with punctuation.`)}`);
    i++;
  }
  return Buffer.from(fields.join('&').slice(0, size));
}

function jsonBody(size: number): Buffer {
  const items: unknown[] = [];
  let i = 0;
  while (JSON.stringify({ items }).length < size) {
    items.push({ id: i, sku: `SKU-${1000 + i}`, name: `Trail running shoe model ${i}`, price: 89.95 + i, tags: ['outdoor', 'running'], inStock: i % 3 !== 0 });
    i++;
  }
  return Buffer.from(JSON.stringify({ customer: { id: 42, email: 'jane.doe@example.com' }, items }));
}

function multipartBody(fileSize: number, boundary: string): Buffer {
  const file = Buffer.alloc(fileSize);
  for (let i = 0; i < fileSize; i++) file[i] = 32 + ((i * 7919) % 95);
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nHoliday photos\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="upload"; filename="notes.txt"\r\nContent-Type: text/plain\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

const boundary = '----vpatchbench7MA4YWxkTrZu0gW';
const shapes: Shape[] = [
  { name: 'GET with query string and browser headers', method: 'GET', uri: '/catalog/shoes?category=trail&size=42&sort=price_asc&page=2', headers: browserHeaders },
  { name: '1 KB urlencoded POST', method: 'POST', uri: '/account/profile', headers: [...browserHeaders, ['Content-Type', 'application/x-www-form-urlencoded']], body: formBody(1024) },
  { name: '10 KB JSON POST', method: 'POST', uri: '/api/v1/orders', headers: [...browserHeaders, ['Content-Type', 'application/json']], body: jsonBody(10 * 1024) },
  { name: '100 KB multipart upload', method: 'POST', uri: '/upload', headers: [...browserHeaders, ['Content-Type', `multipart/form-data; boundary=${boundary}`]], body: multipartBody(100 * 1024, boundary) },
  { name: 'attack (SQL injection in query)', method: 'GET', uri: "/catalog/item?id=1'%20UNION%20SELECT%20username,password%20FROM%20users--", headers: browserHeaders },
];

function runShape(waf: CompiledWaf, s: Shape): boolean {
  const tx = waf.newTransaction();
  tx.processConnection('198.51.100.23', 51515, '127.0.0.1', 8080);
  tx.processUri(s.uri, s.method, 'HTTP/1.1');
  for (const [n, v] of s.headers) tx.addRequestHeader(n, v);
  if (s.body !== undefined) tx.addRequestHeader('Content-Length', String(s.body.length));
  let it = tx.processRequestHeaders();
  if (it === null && s.body !== undefined && tx.requestBodyAccess) it = tx.appendRequestBody(s.body);
  if (it === null) it = tx.processRequestBody();
  tx.processLogging();
  return it !== null;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const setup = `
SecRuleEngine On
SecRequestBodyAccess On
SecRequestBodyLimit 13107200
SecRequestBodyNoFilesLimit 131072
SecRule REQUEST_HEADERS:Content-Type "@rx ^(?:application(?:/soap\\+|/)|text/)xml" "id:200000,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=XML"
SecRule REQUEST_HEADERS:Content-Type "@rx ^application/json" "id:200001,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON"
SecRule REQBODY_ERROR "!@eq 0" "id:200002,phase:2,t:none,log,deny,status:400,msg:'Failed to parse request body.'"
SecRule MULTIPART_STRICT_ERROR "!@eq 0" "id:200003,phase:2,t:none,log,deny,status:400,msg:'Multipart request body failed strict validation'"
`;

const heapBefore = process.memoryUsage().heapUsed;
const t0 = performance.now();
const waf = Waf.compile([
  { text: setup, name: 'bench-setup.conf' },
  { file: resolve(crsDir, 'crs-setup.conf.example') },
  { text: `SecAction "id:900000,phase:1,pass,nolog,setvar:tx.blocking_paranoia_level=${paranoia}"`, name: 'paranoia.conf' },
  { file: resolve(crsDir, 'rules/*.conf') },
]);
const compileMs = performance.now() - t0;
globalThis.gc?.();
const heapAfterMb = (process.memoryUsage().heapUsed - heapBefore) / 1048576;

const results: Array<{ shape: string; blocked: boolean; medianUs: number; p99Us: number; meanUs: number }> = [];
for (const s of shapes) {
  for (let i = 0; i < Math.min(500, iterations); i++) runShape(waf, s);
  const times = new Float64Array(iterations);
  let blocked = false;
  for (let i = 0; i < iterations; i++) {
    const t = process.hrtime.bigint();
    blocked = runShape(waf, s);
    times[i] = Number(process.hrtime.bigint() - t) / 1000;
  }
  const sorted = Array.from(times).sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  results.push({ shape: s.name, blocked, medianUs: percentile(sorted, 50), p99Us: percentile(sorted, 99), meanUs: mean });
}

const summary = {
  node: process.version,
  crsDir,
  paranoia,
  rules: waf.ruleCount,
  compileMs: Math.round(compileMs),
  heapAfterCompileMb: Number(heapAfterMb.toFixed(1)),
  iterations,
  results: results.map((r) => ({ ...r, medianUs: Math.round(r.medianUs), p99Us: Math.round(r.p99Us), meanUs: Math.round(r.meanUs) })),
};

if (args.includes('--json')) {
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
} else {
  console.log(`CRS ${crsDir} at PL${paranoia}: ${waf.ruleCount} rules, compiled in ${summary.compileMs} ms, heap after compile ${summary.heapAfterCompileMb} MB (${process.version})`);
  console.log('| request shape | blocked | median µs | p99 µs | mean µs |');
  console.log('|---|---|---:|---:|---:|');
  for (const r of summary.results) console.log(`| ${r.shape} | ${r.blocked ? 'yes' : 'no'} | ${r.medianUs} | ${r.p99Us} | ${r.meanUs} |`);
}
