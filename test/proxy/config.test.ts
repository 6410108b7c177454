import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig, parseDuration, parseHostPort, parseSize } from '../../src/proxy/config.js';

function issues(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  assert.fail('expected a ConfigError');
}

test('flags alone give safe defaults (no config file)', () => {
  const c = loadConfig({ flags: { upstream: 'http://127.0.0.1:3000' } });
  assert.deepEqual(c.listen, [{ host: '127.0.0.1', port: 8080 }]);
  assert.equal(c.mode, 'block');
  assert.equal(c.failurePolicy, 'closed');
  assert.equal(c.rules.crsDir, null);
  assert.equal(c.rules.paranoia, 1);
  assert.equal(c.rules.patches, 'builtin');
  assert.deepEqual(c.admin.listen, { host: '127.0.0.1', port: 9901 });
  assert.equal(c.routes.length, 1);
  assert.equal(c.routes[0]!.pathPrefix, '/');
  assert.equal(c.upstreams[0]!.url, 'http://127.0.0.1:3000');
  assert.ok(c.workers >= 1);
});

test('no upstream at all is an error naming the flag', () => {
  const is = issues(() => loadConfig({}));
  assert.equal(is.length, 1);
  assert.match(is[0]!, /--upstream URL/);
});

test('YAML errors carry file:line:col and the option path, all at once', () => {
  const text = [
    'listen: 127.0.0.1:8080',      // 1
    'upstreams:',                  // 2
    '  app: http://127.0.0.1:3000',// 3
    'routes:',                     // 4
    '  - pathPrefix: /api',        // 5
    '    upstream: apx',           // 6
    'rules:',                      // 7
    '  paranoia: 7',               // 8
    'timeoutz: {}',                // 9
    'body:',                       // 10
    '  requestLimit: 12 parsecs',  // 11
  ].join('\n');
  const is = issues(() => loadConfig({ file: 'vpatch.yaml', text }));
  assert.equal(is.length, 4, is.join('\n'));
  assert.ok(is.some((m) => /^vpatch\.yaml:6:15 routes\[0\]\.upstream: unknown upstream "apx" \(did you mean "app"\?\)$/.test(m)), is.join('\n'));
  assert.ok(is.some((m) => /^vpatch\.yaml:8:13 rules\.paranoia: must be between 1 and 4, got 7$/.test(m)), is.join('\n'));
  assert.ok(is.some((m) => /^vpatch\.yaml:9:\d+ timeoutz: unknown option \(did you mean "timeouts"\?\)$/.test(m)), is.join('\n'));
  assert.ok(is.some((m) => /^vpatch\.yaml:11:17 body\.requestLimit: expected a size/.test(m)), is.join('\n'));
});

test('YAML syntax errors are reported with a position', () => {
  const is = issues(() => loadConfig({ file: 'x.yaml', text: 'listen: [a\nmode: block\n' }));
  assert.match(is[0]!, /^x\.yaml:\d+:\d+: YAML: /);
});

test('env overrides file, flags override env, and errors name the flag or variable', () => {
  const text = 'upstream: http://127.0.0.1:3000\nrules:\n  paranoia: 2\nmode: detect\n';
  const c = loadConfig({ file: 'f.yaml', text, env: { VPATCH_PARANOIA: '3' }, flags: {} });
  assert.equal(c.rules.paranoia, 3);
  assert.equal(c.mode, 'detect');
  const c2 = loadConfig({ file: 'f.yaml', text, env: { VPATCH_PARANOIA: '3' }, flags: { 'rules.paranoia': '4', mode: 'block' } });
  assert.equal(c2.rules.paranoia, 4);
  assert.equal(c2.mode, 'block');
  assert.deepEqual(issues(() => loadConfig({ file: 'f.yaml', text, env: { VPATCH_PARANOIA: 'x' } })), ['VPATCH_PARANOIA: expected an integer, got "x"']);
  assert.deepEqual(issues(() => loadConfig({ file: 'f.yaml', text, flags: { 'rules.paranoia': '5' } })), ['--paranoia: must be between 1 and 4, got 5']);
  assert.deepEqual(issues(() => loadConfig({ flags: { upstream: 'ftp://x' } })), ['--upstream: upstream must be http:// or https://, got "ftp://x"']);
});

test('routing config: hosts, prefixes, inline URLs, --route specs, per-route mode and exclusions', () => {
  const text = `
upstreams:
  api: { url: "http://127.0.0.1:3001", connections: 8 }
routes:
  - hosts: [API.example.com, "*.api.example.com"]
    pathPrefix: /v1
    upstream: api
    mode: detect
    exclusions: { ids: [942100, "920000-920999"], tags: [attack-xss] }
  - pathPrefix: /static/
    upstream: http://127.0.0.1:3002
    mode: off
upstream: http://127.0.0.1:3000
`;
  const c = loadConfig({ file: 'r.yaml', text, flags: { route: ['admin.example.com/=http://127.0.0.1:3003;mode=block;exclude=1,2-3'] } });
  assert.deepEqual(c.routes.map((r) => [r.name, r.hosts, r.pathPrefix, r.upstream, r.mode]), [
    ['route0', ['api.example.com', '*.api.example.com'], '/v1', 'api', 'detect'],
    ['route1', [], '/static/', 'upstream2', 'off'],
    ['route-flag0', ['admin.example.com'], '/', 'upstream3', 'block'],
    ['default', [], '/', 'upstream4', undefined],
  ]);
  assert.deepEqual(c.routes[0]!.exclusions, { ids: ['942100', '920000-920999'], tags: ['attack-xss'] });
  assert.deepEqual(c.routes[2]!.exclusions.ids, ['1', '2-3']);
  assert.equal(c.upstreams.find((u) => u.name === 'api')!.connections, 8);
});

test('listeners with TLS and the admin token rule', () => {
  const c = loadConfig({ file: '/etc/vpatch/v.yaml', text: 'upstream: http://127.0.0.1:1\nlisten:\n  - 8080\n  - address: "[::1]:8443"\n    tls: { cert: c.pem, key: k.pem }\n' });
  assert.deepEqual(c.listen[0], { host: '127.0.0.1', port: 8080 });
  assert.deepEqual(c.listen[1], { host: '::1', port: 8443, tls: { cert: '/etc/vpatch/c.pem', key: '/etc/vpatch/k.pem' } });
  const is = issues(() => loadConfig({ flags: { upstream: 'http://127.0.0.1:1', 'admin.listen': '0.0.0.0:9901' } }));
  assert.match(is[0]!, /^--admin-listen: 0\.0\.0\.0:9901 is not a loopback address: set admin\.token/);
  const ok = loadConfig({ flags: { upstream: 'http://127.0.0.1:1', 'admin.listen': '0.0.0.0:9901' }, env: { VPATCH_ADMIN_TOKEN: 'x'.repeat(32) } });
  assert.equal(ok.admin.token, 'x'.repeat(32));
  assert.equal(loadConfig({ flags: { upstream: 'http://127.0.0.1:1', 'admin.listen': 'off' } }).admin.listen, null);
});

test('value parsers', () => {
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('2m'), 120000);
  assert.equal(parseDuration(42), 42);
  assert.throws(() => parseDuration('soon'));
  assert.equal(parseSize('10MB'), 10 * 1024 * 1024);
  assert.equal(parseSize('512k'), 512 * 1024);
  assert.throws(() => parseSize('-1'));
  assert.deepEqual(parseHostPort('0.0.0.0:80'), { host: '0.0.0.0', port: 80 });
  assert.deepEqual(parseHostPort(':80'), { host: '0.0.0.0', port: 80 });
  assert.deepEqual(parseHostPort('[::1]:80'), { host: '::1', port: 80 });
  assert.throws(() => parseHostPort('::1:80'), /bracketed/);
  assert.throws(() => parseHostPort('h:99999'), /range/);
});

test('upstream URL must be an origin; path prefixes must be normalised', () => {
  const is = issues(() => loadConfig({ file: 'a.yaml', text: 'routes:\n  - pathPrefix: /a/../b\n    upstream: http://127.0.0.1:1/x\n' }));
  assert.equal(is.length, 2, is.join('\n'));
  assert.ok(is.some((m) => /pathPrefix: path prefix must be a plain normalised path/.test(m)));
  assert.ok(is.some((m) => /upstream: upstream URL must be an origin/.test(m)));
});

test('docs/configuration.md documents every option with its flag and environment variable', async () => {
  const { readFileSync } = await import('node:fs');
  const { resolve } = await import('node:path');
  const { REPO_ROOT } = await import('../helpers/shared.js');
  const { OPTIONS } = await import('../../src/proxy/config.js');
  const doc = readFileSync(resolve(REPO_ROOT, 'docs/configuration.md'), 'utf8');
  for (const o of OPTIONS) {
    assert.ok(doc.includes(`\`${o.path}\``), `${o.path} missing`);
    assert.ok(doc.includes(`--${o.flag}`), `--${o.flag} missing`);
    assert.ok(doc.includes(o.env), `${o.env} missing`);
  }
});
