/**
 * A deterministic generator of benign HTTP requests, written for vpatch's false-positive tests:
 * browsing, search queries with quotes and code, JSON APIs, form posts, file uploads, and normal
 * use of the products the catalog protects (Confluence, Jira, Exchange, BIG-IP, vCenter, Citrix,
 * Fortinet, GeoServer, Solr, Jenkins, TeamCity, WordPress, Drupal, ...). Every request is
 * something a real user or client would send; none carries an exploit.
 */
import type { TestRequest } from '../../../src/patches/types.js';

/** mulberry32: small, fast, reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  constructor(private readonly r: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  pick<T>(a: readonly T[]): T {
    return a[Math.floor(this.r() * a.length)]!;
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[this.int(0, 15)];
    return s;
  }
  alnum(n: number): string {
    const c = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let s = '';
    for (let i = 0; i < n; i++) s += c[this.int(0, c.length - 1)];
    return s;
  }
  uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${this.pick(['8', '9', 'a', 'b'])}${this.hex(3)}-${this.hex(12)}`;
  }
  words(n: number): string {
    return Array.from({ length: n }, () => this.pick(WORDS)).join(' ');
  }
}

const WORDS = [
  'report', 'invoice', 'quarterly', 'budget', 'meeting', 'notes', 'release', 'deploy', 'server', 'cluster', 'backup', 'printer',
  'holiday', 'schedule', 'customer', 'order', 'shipping', 'refund', 'design', 'review', 'draft', 'final', 'summary', 'project',
  'roadmap', 'onboarding', 'policy', 'security', 'training', 'access', 'network', 'office', 'kitchen', 'garden', 'recipe', 'travel',
  'football', 'weather', 'music', 'indie', 'concert', 'class', 'module', 'loader', 'action', 'template', 'config', 'redirect',
  'update', 'select', 'union', 'script', 'function', 'object', 'java', 'python', 'rust', 'node', 'docker', 'kubernetes', 'log4j',
  'spring', 'struts', 'velocity', 'freemarker', 'exchange', 'autodiscover', 'confluence', 'jira', 'console', 'admin', 'setup',
];
const FIRST = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'oscar', 'peggy', 'trent', 'walter', 'zoë', 'José', 'Łukasz', '美咲', 'Oğuz'];
const LAST = ['smith', 'jones', 'o\'brien', 'müller', 'garcía', 'nguyen', 'kowalski', 'dubois', 'rossi', 'tanaka', 'van der berg', 'al-Hassan'];
const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36',
  'curl/8.5.0', 'python-requests/2.32.3', 'Go-http-client/1.1', 'okhttp/4.12.0', 'PostmanRuntime/7.39.0', 'Java/17.0.11',
  'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17726; Pro)', 'Jenkins/2.452.2', 'git/2.45.2',
];
const LANGS = ['en-US,en;q=0.9', 'de-DE,de;q=0.9,en;q=0.8', 'fr-FR,fr;q=0.9', 'ja-JP,ja;q=0.9,en;q=0.5', 'es-ES,es;q=0.9', 'zh-CN,zh;q=0.9'];

/** Search phrases people really type, including quotes, operators and code. */
const QUERIES = [
  '"quarterly report" 2024', 'how to reset password', "o'reilly books", 'C# async await example', 'c++ std::vector<int> erase',
  'SELECT name, email FROM users WHERE created_at > \'2024-01-01\' ORDER BY name', 'select * from orders where id = 42',
  'for (let i = 0; i < items.length; i++) { total += items[i].price; }', 'if (x > 0 && y < 10) return true;',
  'def fib(n): return n if n < 2 else fib(n-1) + fib(n-2)', 'fn main() { println!("hello {}", name); }',
  '<div class="card">Hello</div>', 'const greet = (name) => `Hello ${name}!`', 'echo "$HOME" | tr a-z A-Z',
  'grep -rn "TODO" src/ --include=*.ts', 'docker run -p 8080:80 nginx:latest', 'kubectl get pods -n kube-system',
  'git log --oneline --graph', 'print("Hello, World!")', '{{ user.first_name }} template', 'price < 100 & rating >= 4',
  'ssh user@host -p 2222', 'C:\\Program Files\\App\\config.ini', '/usr/local/bin/node --version', 'what is 2+2*3',
  'regex ^[a-z0-9_-]{3,16}$', 'email@example.com not delivered', '50% off sale', '#hashtag #summer', 'R&D budget Q3',
  'log4j vulnerability explained', 'what is jndi', 'spring boot class loader', 'struts 2 action mapping', 'xml <entry> tag',
  'Tom & Jerry', 'naïve café résumé', '東京 天気', 'Привет мир', 'emoji 🎉 party', 'sum(x) / count(x)', "Don't stop believin'",
  'SELECT COUNT(*) FROM t GROUP BY c HAVING COUNT(*) > 1', 'UPDATE settings SET theme = "dark"', 'a -- b', 'path/to/file.txt',
  'java.lang.String format', 'new Date().getTime()', 'window.location.href', 'Array.prototype.map', '@media (max-width: 600px)',
  'powershell $env:PATH', 'bash ${var:-default}', '${env:ProgramFiles(x86)}\\Microsoft', '{% for item in items %}{{ item }}{% endfor %}',
  '#set($name = "World") Hello $name', 'printf("%s: %d\\n", name, count)', 'ruby "%{a} and %{b}" % {a: 1, b: 2}', 'class.getName() java reflection',
  "Runtime.getRuntime().exec(cmd) security", '../relative/import/path', 'O\'Reilly & Sons, Inc.', 'std::map<std::string, int>', 'jq \'.items[] | .name\'', 'curl -X POST -d \'{"a":1}\'', 'x = [1, 2, 3]',
];

function encodeQuery(s: string): string {
  return encodeURIComponent(s).replace(/%20/g, '+');
}

function browserHeaders(g: Gen, extra: Record<string, string> = {}): Array<[string, string]> {
  const h: Array<[string, string]> = [
    ['User-Agent', g.pick(UAS)],
    ['Accept', g.pick(['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', '*/*', 'application/json', 'image/avif,image/webp,*/*'])],
    ['Accept-Language', g.pick(LANGS)],
    ['Accept-Encoding', 'gzip, deflate, br'],
  ];
  if (g.chance(0.6)) h.push(['Cookie', cookieHeader(g)]);
  if (g.chance(0.5)) h.push(['Referer', `https://www.example.com/${g.pick(['', 'products', 'blog/2024/05/hello-world', 'search?q=test'])}`]);
  if (g.chance(0.2)) h.push(['X-Requested-With', 'XMLHttpRequest']);
  if (g.chance(0.15)) h.push(['X-Forwarded-For', `198.51.100.${g.int(1, 254)}, 203.0.113.${g.int(1, 254)}`]);
  if (g.chance(0.1)) h.push(['If-None-Match', `W/"${g.hex(16)}"`]);
  if (g.chance(0.1)) h.push(['Cache-Control', 'no-cache']);
  for (const [k, v] of Object.entries(extra)) h.push([k, v]);
  return h;
}

function cookieHeader(g: Gen): string {
  const parts = [
    `_ga=GA1.2.${g.int(100000000, 999999999)}.${g.int(1600000000, 1720000000)}`,
    `sessionid=${g.hex(32)}`,
    `csrftoken=${g.alnum(32)}`,
    `theme=${g.pick(['dark', 'light'])}`,
    `lang=${g.pick(['en', 'de', 'fr', 'ja'])}`,
    `JSESSIONID=${g.hex(32).toUpperCase()}`,
    `cart=%7B%22items%22%3A${g.int(0, 9)}%7D`,
    `consent=${encodeURIComponent('{"ads":false,"analytics":true}')}`,
    `PHPSESSID=${g.alnum(26).toLowerCase()}`,
    `remember_me=${g.pick(['true', 'false'])}`,
  ];
  const n = g.int(1, 5);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(g.pick(parts));
  return [...new Set(out)].join('; ');
}

function person(g: Gen) {
  const first = g.pick(FIRST);
  const last = g.pick(LAST);
  return { first, last, email: `${first.normalize('NFD').replace(/[^a-z]/gi, '').toLowerCase() || 'user'}.${last.replace(/[^a-z]/gi, '').toLowerCase()}@example.com` };
}

type Maker = (g: Gen) => TestRequest;

const browsing: Maker = (g) => {
  const path = g.pick([
    '/', '/index.html', '/about', '/contact', '/blog', `/blog/${2020 + g.int(0, 4)}/${g.int(1, 12)}/${g.words(3).replace(/ /g, '-')}`,
    `/products/${g.int(1, 5000)}`, `/products?category=${g.pick(['shoes', 'books', 'garden'])}&page=${g.int(1, 40)}&sort=${g.pick(['price', '-price', 'name'])}`,
    `/static/js/app.${g.hex(8)}.js`, `/static/css/main.${g.hex(8)}.css`, `/images/${g.words(1)}-${g.int(1, 99)}.jpg`, '/favicon.ico', '/robots.txt',
    '/sitemap.xml', `/fonts/inter-${g.pick(['400', '700'])}.woff2`, `/docs/v${g.int(1, 4)}.${g.int(0, 9)}/getting-started`, '/api/health',
    `/user/${g.int(1, 9999)}/profile`, `/download/report-${g.int(2019, 2024)}.pdf`, `/calendar/${g.int(2024, 2025)}-${String(g.int(1, 12)).padStart(2, '0')}`,
    `/wiki/${encodeURIComponent(g.pick(['Main Page', 'C++', 'Café', 'Node.js', 'Log4j', 'Spring (framework)', 'Rock & roll']))}`,
    `/files/${encodeURIComponent('Meeting notes (final) v2.docx')}`, `/tag/${encodeURIComponent('c#')}`, `/a/b/c/d/e/f/${g.hex(6)}`,
    `/search?q=${encodeQuery(g.words(2))}`, '/.well-known/security.txt', `/cdn-cgi/image/width=${g.int(100, 1200)}/img/hero.png`,
  ]);
  return { method: g.pick(['GET', 'GET', 'GET', 'HEAD']), uri: path, headers: browserHeaders(g) };
};

const search: Maker = (g) => {
  const q = g.pick(QUERIES);
  const base = g.pick(['/search', '/api/search', '/find', '/s', '/docs/search', '/issues', '/forum/search.php', '/index.php']);
  const extra = g.pick(['', `&page=${g.int(1, 9)}`, `&lang=${g.pick(['en', 'de'])}`, `&filter=${encodeQuery('type:"code" lang:ts')}`, '&sort=relevance']);
  const key = g.pick(['q', 'query', 'search', 'term', 'keywords', 's']);
  if (g.chance(0.2)) {
    return { method: 'POST', uri: base, headers: browserHeaders(g), form: { [key]: encodeQuery(q), page: String(g.int(1, 5)) } };
  }
  if (g.chance(0.15)) {
    return { method: 'POST', uri: '/api/search', headers: browserHeaders(g), json: { query: q, filters: { lang: g.pick(['en', 'de']), tags: [g.words(1)] }, size: 20 } };
  }
  return { method: 'GET', uri: `${base}?${key}=${encodeQuery(q)}${extra}`, headers: browserHeaders(g) };
};

const jsonApi: Maker = (g) => {
  const p = person(g);
  const bodies: Array<() => unknown> = [
    () => ({ name: `${p.first} ${p.last}`, email: p.email, roles: ['user'], preferences: { newsletter: g.chance(0.5), theme: 'dark' } }),
    () => ({ items: Array.from({ length: g.int(1, 5) }, () => ({ sku: `SKU-${g.int(1000, 9999)}`, qty: g.int(1, 4), price: g.int(100, 99999) / 100 })), currency: 'EUR', coupon: g.pick([null, 'SUMMER24', '10%OFF']) }),
    () => ({ title: g.words(4), body: `${g.pick(QUERIES)}\n\n${g.words(12)}`, tags: [g.words(1), g.words(1)], draft: true }),
    () => ({ query: 'query GetUser($id: ID!) { user(id: $id) { id name posts(first: 10) { edges { node { title } } } } }', variables: { id: String(g.int(1, 999)) }, operationName: 'GetUser' }),
    () => ({ event: g.pick(['page_view', 'click', 'signup']), ts: 1700000000000 + g.int(0, 1e9), props: { path: '/pricing', ref: 'newsletter', ua: g.pick(UAS) } }),
    () => ({ op: 'replace', path: '/settings/notifications/email', value: g.chance(0.5) }),
    () => [{ op: 'add', path: '/tags/-', value: 'urgent' }, { op: 'remove', path: '/labels/0' }],
    () => ({ code: g.pick(['function add(a, b) { return a + b; }', 'SELECT 1;', 'print(f"{name!r}")', '#include <stdio.h>\nint main(void) { printf("%d\\n", 42); return 0; }', 'let re = /^(\\d{3})-(\\d{4})$/;']), language: g.pick(['js', 'sql', 'python', 'c']), public: false }),
    () => ({ address: { street: `${g.int(1, 200)} Main St. Apt #${g.int(1, 40)}`, city: g.pick(['Zürich', 'São Paulo', 'New York', 'Kraków']), zip: String(g.int(10000, 99999)) }, phone: `+1 (555) ${g.int(100, 999)}-${g.int(1000, 9999)}` }),
    () => ({ message: `Hi ${p.first}, the build #${g.int(100, 999)} failed: expected "200" but got "500" in test 'login works' (see ${'$'}{CI_JOB_URL}).`, level: 'warn' }),
    () => ({ filter: { and: [{ field: 'status', op: 'in', value: ['open', 'pending'] }, { field: 'created', op: '>=', value: '2024-01-01T00:00:00Z' }] }, sort: [{ field: 'created', dir: 'desc' }], limit: 50 }),
    () => ({ jsonrpc: '2.0', method: g.pick(['getBalance', 'eth_blockNumber', 'subtract']), params: [g.int(1, 100), g.int(1, 100)], id: g.int(1, 1000) }),
  ];
  const method = g.pick(['POST', 'PUT', 'PATCH', 'POST']);
  const path = g.pick(['/api/v1/users', `/api/v1/users/${g.int(1, 9999)}`, '/api/orders', '/api/v2/events', '/graphql', '/api/posts', '/rpc', `/api/projects/${g.uuid()}/settings`, '/api/snippets', '/api/v1/search']);
  const headers = browserHeaders(g, { Authorization: `Bearer ${g.alnum(20)}.${g.alnum(40)}.${g.alnum(20)}` });
  const ct = g.pick(['application/json', 'application/json; charset=utf-8', 'application/merge-patch+json', 'application/vnd.api+json']);
  return { method, uri: path, headers: [...headers, ['Content-Type', ct]], body: JSON.stringify(g.pick(bodies)()) };
};

const formPost: Maker = (g) => {
  const p = person(g);
  const forms: Array<() => { uri: string; form: Record<string, string> }> = [
    () => ({ uri: '/login', form: { username: encodeURIComponent(p.email), password: encodeURIComponent(g.pick(['correct horse battery staple', 'P@ssw0rd!2024', "it's-a-secret;", 'pa$$word&more', '<3 my cat'])), remember: 'on', csrf_token: g.alnum(40) } }),
    () => ({ uri: '/register', form: { first_name: encodeURIComponent(p.first), last_name: encodeURIComponent(p.last), email: encodeURIComponent(p.email), password: encodeURIComponent('Tr0ub4dor&3'), terms: '1' } }),
    () => ({ uri: `/comments/${g.int(1, 9999)}/reply`, form: { comment: encodeQuery(g.pick([
      "Great post! I'd add that `npm ci` is faster than `npm install` in CI.",
      'Agreed -- but what about edge cases (e.g. empty arrays, null, "")?',
      'Use <code>SELECT DISTINCT</code> instead; see https://example.com/docs?a=1&b=2',
      'My score: 10/10 ★★★★★ #recommended',
      'The formula is E = mc^2 and 1 + 1 = 2; QED.',
      '1) open settings 2) click "Advanced" 3) set timeout=30s',
      'Ich finde das großartig! Très bien. 很好!',
    ])), author: encodeURIComponent(`${p.first} ${p.last}`) } }),
    () => ({ uri: '/checkout', form: { name: encodeQuery(`${p.first} ${p.last}`), address: encodeQuery(`${g.int(1, 300)} Elm Street, Apt. 4B`), city: 'Springfield', zip: String(g.int(10000, 99999)), card: `4111${g.int(100000000000, 999999999999)}`, cvc: String(g.int(100, 999)), notes: encodeQuery('Leave at the door, please; ring twice.') } }),
    () => ({ uri: '/contact', form: { subject: encodeQuery(`Question about order #${g.int(1000, 9999)}`), message: encodeQuery(`Hello,\r\nI was charged $${g.int(10, 500)}.99 twice (see attached). Could you refund 50%?\r\nThanks, ${p.first}`), email: encodeURIComponent(p.email) } }),
    () => ({ uri: '/settings/profile', form: { display_name: encodeQuery(`${p.first} "${p.last}"`), bio: encodeQuery('Dev @ ACME | C/C++ & Rust | opinions = mine'), website: encodeURIComponent('https://example.com/~' + p.first), timezone: encodeURIComponent('Europe/Berlin') } }),
    () => ({ uri: '/newsletter/subscribe', form: { email: encodeURIComponent(p.email), lists: 'weekly', source: 'footer' } }),
    () => ({ uri: '/wp-comments-post.php', form: { comment: encodeQuery('Nice theme! How do I change the <h1> size?'), author: p.first, email: encodeURIComponent(p.email), url: '', comment_post_ID: String(g.int(1, 900)), comment_parent: '0' } }),
  ];
  const f = g.pick(forms)();
  return { method: 'POST', uri: f.uri, headers: browserHeaders(g), form: f.form };
};

const upload: Maker = (g) => {
  const kinds: Array<() => { name: string; filename: string; contentType: string; value: string }> = [
    () => ({ name: 'file', filename: `report-${g.int(2019, 2024)}.csv`, contentType: 'text/csv', value: 'id,name,amount\n1,"Smith, John",12.50\n2,O\'Brien,7\n3,"say ""hi""",0\n' }),
    () => ({ name: 'avatar', filename: `${g.words(1)}.png`, contentType: 'image/png', value: '\u0089PNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR' + g.alnum(200) }),
    () => ({ name: 'document', filename: 'Meeting notes (final).txt', contentType: 'text/plain', value: `Agenda:\n- budget\n- hiring\nAction items: ${g.words(8)}\n` }),
    () => ({ name: 'attachment', filename: 'invoice_2024-05.pdf', contentType: 'application/pdf', value: `%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n${g.alnum(300)}\n%%EOF` }),
    () => ({ name: 'upload', filename: 'config.json', contentType: 'application/json', value: JSON.stringify({ name: 'app', version: '1.2.3', scripts: { build: 'tsc -p .', test: 'node --test' } }) }),
    () => ({ name: 'files[]', filename: 'photo 001.jpg', contentType: 'image/jpeg', value: '\u00ff\u00d8\u00ff\u00e0\u0000\u0010JFIF' + g.alnum(400) }),
    () => ({ name: 'source', filename: 'main.py', contentType: 'text/x-python', value: 'import sys\n\ndef main(argv):\n    print("args:", argv[1:])\n\nif __name__ == "__main__":\n    main(sys.argv)\n' }),
    () => ({ name: 'file', filename: 'deploy.sh', contentType: 'text/x-shellscript', value: '#!/bin/sh\nset -eu\nCONF="${XDG_CONFIG_HOME:-${HOME}/.config}/app"\nTAG="${1:-latest}"\n[ -f "$CONF" ] && . "$CONF"\necho "deploying ${TAG}" | tee -a /var/log/deploy.log\n' }),
    () => ({ name: 'file', filename: 'Runner.java', contentType: 'text/x-java', value: 'import java.lang.ProcessBuilder;\nimport java.util.List;\npublic class Runner {\n  List<String> cmd = List.of("ls", "-l");\n  Process start() throws Exception { return new ProcessBuilder(cmd).start(); }\n}\n' }),
    () => ({ name: 'template', filename: 'page.ftl', contentType: 'text/plain', value: '<#assign title = "Home">\n<h1>${title?upper_case}</h1>\n<#list items as item>${item.name}</#list>\n<#include "footer.ftl">\n' }),
    () => ({ name: 'file', filename: 'report.xsl', contentType: 'application/xslt+xml', value: '<?xml version="1.0"?>\n<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:template match="/"><html><xsl:value-of select="//title"/></html></xsl:template></xsl:stylesheet>\n' }),
    () => ({ name: 'config', filename: 'log4j2.xml', contentType: 'application/xml', value: '<Configuration><Appenders><RollingFile name="f" fileName="${sys:catalina.home}/logs/app.log" filePattern="${sys:catalina.home}/logs/app-%d{yyyy-MM-dd}.log"><PatternLayout pattern="%d %p %c{1.} [%t] %m%n"/></RollingFile></Appenders></Configuration>' }),
    () => ({ name: 'compose', filename: 'docker-compose.yml', contentType: 'text/yaml', value: 'services:\n  web:\n    image: "nginx:${TAG:-latest}"\n    environment:\n      - DB_URL=${DB_URL:?required}\n' }),
    () => ({ name: 'sheet', filename: 'budget.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', value: 'PK\u0003\u0004\u0014\u0000\u0006\u0000' + g.alnum(300) }),
  ];
  const file = g.pick(kinds)();
  return {
    method: 'POST',
    uri: g.pick(['/upload', '/api/files', '/profile/avatar', '/documents/new', '/attachments', '/import']),
    headers: browserHeaders(g),
    multipart: [{ name: 'title', value: g.words(3) }, { name: 'description', value: `Uploaded by ${person(g).first} — ${g.words(5)} (v${g.int(1, 9)})` }, file],
  };
};

/** Normal traffic to the products the catalog protects. */
const productTraffic: Maker[] = [
  (g) => ({ uri: `/pages/viewpage.action?pageId=${g.int(100000, 9999999)}`, headers: browserHeaders(g) }),
  (g) => ({ uri: `/display/${g.pick(['ENG', 'HR', 'DOC'])}/${encodeQuery(g.words(3))}`, headers: browserHeaders(g) }),
  (g) => ({ uri: `/rest/api/content?spaceKey=ENG&title=${encodeQuery(g.words(2))}&expand=body.storage,version`, headers: browserHeaders(g) }),
  (g) => ({ method: 'POST', uri: '/dologin.action', headers: browserHeaders(g), form: { os_username: person(g).first, os_password: encodeURIComponent('s3cr3t!'), login: 'Log+in', os_destination: encodeURIComponent('/index.action') } }),
  (g) => ({ method: 'POST', uri: '/rest/api/content', headers: browserHeaders(g), json: { type: 'page', title: g.words(3), space: { key: 'ENG' }, body: { storage: { value: `<p>${g.words(10)}</p><ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[${g.pick(QUERIES)}]]></ac:plain-text-body></ac:structured-macro>`, representation: 'storage' } } } }),
  (g) => ({ uri: `/dosearchsite.action?cql=${encodeQuery(`siteSearch ~ "${g.words(2)}" and type in ("page","blogpost")`)}&queryString=${encodeQuery(g.words(2))}`, headers: browserHeaders(g) }),
  (g) => ({ uri: `/rest/api/2/search?jql=${encodeQuery(`project = ${g.pick(['ABC', 'OPS'])} AND status = "In Progress" ORDER BY priority DESC`)}&maxResults=50`, headers: browserHeaders(g) }),
  (g) => ({ uri: `/browse/ABC-${g.int(1, 9999)}`, headers: browserHeaders(g) }),
  (g) => ({ method: 'POST', uri: '/rest/api/2/issue', headers: browserHeaders(g), json: { fields: { project: { key: 'ABC' }, summary: g.words(5), description: `Steps:\n# open {{/admin}}\n# click *Save*\n{code:java}\nString s = obj.getClass().getName();\n{code}`, issuetype: { name: 'Bug' } } } }),
  (g) => ({ uri: `/s/${g.alnum(6)}/${g.int(800000, 900000)}/${g.alnum(7)}/_/download/batch/jira.webresources:global-static/jira.webresources:global-static.css`, headers: browserHeaders(g) }),
  (g) => ({ uri: '/owa/', headers: browserHeaders(g, { Cookie: `X-BEResource=exch0${g.int(1, 4)}.contoso.local~${g.int(1900000000, 1999999999)}; X-OWA-CANARY=${g.alnum(76)}` }) }),
  (g) => ({ method: 'POST', uri: '/owa/service.svc?action=GetItem', headers: browserHeaders(g, { 'X-OWA-CANARY': g.alnum(76), Action: 'GetItem' }), json: { __type: 'GetItemJsonRequest:#Exchange', Header: { RequestServerVersion: 'Exchange2013' }, Body: { ItemIds: [{ __type: 'ItemId:#Exchange', Id: g.alnum(60) }] } } }),
  (g) => ({ method: 'POST', uri: '/autodiscover/autodiscover.xml', headers: browserHeaders(g, { 'Content-Type': 'text/xml' }), body: `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>${person(g).email}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>` }),
  (g) => ({ uri: `/autodiscover/autodiscover.json?Email=${encodeURIComponent(person(g).email)}&Protocol=${g.pick(['ActiveSync', 'EWS', 'AutodiscoverV1'])}&RedirectCount=1`, headers: browserHeaders(g) }),
  (g) => ({ uri: `/autodiscover/autodiscover.json/v1.0/${person(g).email}?Protocol=EWS`, headers: browserHeaders(g) }),
  (g) => ({ method: 'POST', uri: '/EWS/Exchange.asmx', headers: browserHeaders(g, { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"http://schemas.microsoft.com/exchange/services/2006/messages/FindItem"' }), body: '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><soap:Body><FindItem xmlns="http://schemas.microsoft.com/exchange/services/2006/messages" Traversal="Shallow"><ItemShape><t:BaseShape>IdOnly</t:BaseShape></ItemShape><ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></ParentFolderIds></FindItem></soap:Body></soap:Envelope>' }),
  (g) => ({ uri: `/ecp/?ExchClientVer=15&rfr=owa&p=${g.pick(['PersonalSettings/Password.aspx', 'Mail/Rules.aspx'])}`, headers: browserHeaders(g) }),
  (g) => ({ uri: '/tmui/login.jsp', headers: browserHeaders(g) }),
  (g) => ({ uri: `/mgmt/tm/ltm/pool/~Common~pool_${g.int(1, 20)}/members`, headers: browserHeaders(g, { 'X-F5-Auth-Token': g.alnum(26).toUpperCase() }) }),
  (g) => ({ method: 'POST', uri: '/mgmt/shared/authn/login', headers: browserHeaders(g), json: { username: 'admin', password: 'Adm1n!pass', loginProviderName: 'tmos' } }),
  (g) => ({ method: 'POST', uri: '/tmui/Control/form', headers: browserHeaders(g), form: { _form_holder_opener_: '', handler: encodeURIComponent('/tmui/locallb/virtual_server/properties'), form_page: encodeURIComponent('/tmui/locallb/virtual_server/properties.jsp'), name: encodeURIComponent(`/Common/vs_${g.int(1, 50)}`) } }),
  (g) => ({ uri: g.pick(['/vpn/index.html', '/logon/LogonPoint/index.html', '/vpn/js/gateway_login_view.js', '/cgi/setclient?wica']), headers: browserHeaders(g) }),
  (g) => ({ uri: g.pick(['/ui/', '/ui/app/home', '/sdk/vimServiceVersions.xml', '/ui/h5-vsan/rest/proxy/service/com.vmware.vsan.client.services.health.HealthCheckService/getHealthSummary']), headers: browserHeaders(g) }),
  (g) => ({ uri: `/catalog-portal/ui/oauth/verify?error=&deviceUdid=${g.uuid()}&deviceType=${g.pick(['ios', 'android', 'windows'])}`, headers: browserHeaders(g) }),
  (g) => ({ uri: `/rest/vcenter/vm?filter.power_states=POWERED_ON&filter.names=${encodeURIComponent('web-' + g.int(1, 40))}`, headers: browserHeaders(g, { 'vmware-api-session-id': g.hex(32) }) }),
  (g) => ({ uri: g.pick(['/remote/login?lang=en', '/remote/fgt_lang?lang=en', '/remote/logincheck']), headers: browserHeaders(g) }),
  (g) => ({ uri: `/api/v2/monitor/system/status?vdom=root`, headers: browserHeaders(g, { Authorization: `Bearer ${g.alnum(30)}` }) }),
  (g) => ({ uri: '/dana-na/auth/url_default/welcome.cgi', headers: browserHeaders(g) }),
  (g) => ({ uri: `/api/v1/system/system-information`, headers: browserHeaders(g, { Authorization: 'Basic YWRtaW46c2VjcmV0' }) }),
  (g) => ({ method: 'POST', uri: '/ssl-vpn/hipreport.esp', headers: browserHeaders(g, { Cookie: `SESSID=${g.hex(32)}` }), form: { 'client-role': 'global-protect-full', 'host-id': g.uuid(), md5: g.hex(32) } }),
  (g) => ({ uri: `/geoserver/wms?service=WMS&version=1.1.1&request=GetMap&layers=${g.pick(['topp:states', 'sf:roads', 'ne:countries'])}&styles=&bbox=-180,-90,180,90&width=${g.int(256, 1024)}&height=${g.int(256, 768)}&srs=EPSG:4326&format=image/png`, headers: browserHeaders(g) }),
  (g) => ({ uri: `/geoserver/wfs?service=WFS&version=2.0.0&request=GetFeature&typeNames=topp:states&propertyName=STATE_NAME,PERSONS&cql_filter=${encodeQuery("PERSONS > 1000000 AND STATE_NAME LIKE 'N%'")}&outputFormat=application/json`, headers: browserHeaders(g) }),
  (g) => ({ method: 'POST', uri: '/geoserver/wfs', headers: browserHeaders(g, { 'Content-Type': 'application/xml' }), body: '<wfs:GetFeature service="WFS" version="1.1.0" xmlns:wfs="http://www.opengis.net/wfs" xmlns:ogc="http://www.opengis.net/ogc" xmlns:topp="http://www.openplans.org/topp"><wfs:Query typeName="topp:states"><wfs:PropertyName>topp:STATE_NAME</wfs:PropertyName><ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>STATE_ABBR</ogc:PropertyName><ogc:Literal>NY</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter></wfs:Query></wfs:GetFeature>' }),
  (g) => ({ uri: `/solr/${g.pick(['products', 'docs'])}/select?q=${encodeQuery(`title:"${g.words(2)}" AND price:[10 TO 100]`)}&fl=id,title,score&wt=json&rows=20&facet=true&facet.field=brand`, headers: browserHeaders(g) }),
  (g) => ({ uri: `/job/${g.pick(['build-main', 'deploy-prod', 'nightly'])}/${g.int(1, 999)}/console`, headers: browserHeaders(g) }),
  (g) => ({ method: 'POST', uri: `/job/build-main/buildWithParameters?BRANCH=${encodeURIComponent('feature/login-fix')}&DEPLOY=false`, headers: browserHeaders(g, { 'Jenkins-Crumb': g.hex(64) }) }),
  (g) => ({ uri: `/app/rest/builds?locator=${encodeURIComponent('buildType:(id:Main_Build),branch:default:any,count:10')}`, headers: browserHeaders(g, { Authorization: `Bearer eyJ0eXAiOiAiVENWMiJ9.${g.alnum(40)}` }) }),
  (g) => ({ uri: `/wp-admin/admin-ajax.php?action=${g.pick(['heartbeat', 'query-attachments', 'wp_ajax_nopriv_load_more'])}&_wpnonce=${g.hex(10)}`, headers: browserHeaders(g) }),
  (g) => ({ method: 'POST', uri: '/wp-json/wp/v2/posts', headers: browserHeaders(g, { 'X-WP-Nonce': g.hex(10) }), json: { title: g.words(4), content: `<!-- wp:paragraph --><p>${g.words(20)}</p><!-- /wp:paragraph -->`, status: 'draft' } }),
  (g) => ({ uri: `/node/${g.int(1, 5000)}?page=${g.int(0, 5)}`, headers: browserHeaders(g) }),
  (g) => ({ method: 'POST', uri: '/user/login?destination=/node/42', headers: browserHeaders(g), form: { name: person(g).first, pass: 'hunter2', form_build_id: `form-${g.alnum(43)}`, form_id: 'user_login_form', op: 'Log+in' } }),
  (g) => ({ uri: `/index.php?option=com_content&view=article&id=${g.int(1, 900)}&catid=${g.int(1, 30)}&Itemid=${g.int(100, 300)}`, headers: browserHeaders(g) }),
  (g) => ({ uri: `/api/index.php/v1/content/articles?filter[search]=${encodeQuery(g.words(1))}`, headers: browserHeaders(g, { Authorization: `Bearer c2hhMjU2OjE6${g.alnum(40)}` }) }),
  (g) => ({ uri: `/api/orders?sort=${encodeURIComponent('createdAt,desc')}&page=${g.int(0, 20)}&size=20&customer.name=${encodeQuery(person(g).last)}`, headers: browserHeaders(g) }),
  (g) => ({ method: 'POST', uri: '/owners/new', headers: browserHeaders(g), form: { firstName: person(g).first, lastName: encodeURIComponent(person(g).last), address: encodeQuery('110 W. Liberty St.'), city: 'Madison', telephone: '6085551023', 'pet.name': 'Leo', 'pet.type.id': '1' } }),
  (g) => ({ uri: `/struts2-showcase/${g.pick(['showcase.action', 'tags/ui/example.action', 'fileupload/upload.action'])}?name=${encodeQuery(g.words(2))}`, headers: browserHeaders(g) }),
  (g) => ({ uri: '/console/login/LoginForm.jsp', headers: browserHeaders(g) }),
  (g) => ({ method: 'POST', uri: '/console/j_security_check', headers: browserHeaders(g), form: { j_username: 'weblogic', j_password: 'welcome1', j_character_encoding: 'UTF-8' } }),
  (g) => ({ uri: `/mail?client=${g.pick(['preferred', 'advanced'])}`, headers: browserHeaders(g, { Cookie: `ZM_AUTH_TOKEN=0_${g.hex(40)}` }) }),
  (g) => ({ uri: `/zabbix.php?action=${g.pick(['dashboard.view', 'problem.view', 'host.view'])}`, headers: browserHeaders(g, { Cookie: `zbx_session=${Buffer.from(JSON.stringify({ sessionid: g.hex(32), sign: g.hex(64) })).toString('base64')}` }) }),
  (g) => ({ uri: `/app?service=page/${g.pick(['UserSummary', 'UserWebPrint', 'Dashboard', 'AccountSelection'])}`, headers: browserHeaders(g) }),
  (g) => ({ uri: `/api/v1/chart/?q=${encodeURIComponent('(page:0,page_size:25)')}`, headers: browserHeaders(g, { Cookie: `session=.eJw${g.alnum(80)}.${g.alnum(6)}.${g.alnum(27)}` }) }),
  (g) => ({ uri: g.pick(['/login.jsp?url=%2Findex.jsp', '/index.jsp', '/user-summary.jsp']), headers: browserHeaders(g) }),
  (g) => ({ method: 'POST', uri: '/webconsole/Controller', headers: browserHeaders(g), form: { mode: '151', json: encodeURIComponent(JSON.stringify({ username: 'admin', password: 'pa55w0rd', languageid: '1', browser: 'Chrome_126' })), __RequestType: 'ajax', t: String(1700000000000 + g.int(0, 1e9)) } }),
  (g) => ({ uri: `/rest/api/latest/projects/PRJ/repos/${g.pick(['web', 'api'])}/archive?at=${encodeURIComponent('refs/heads/main')}&format=${g.pick(['zip', 'tar.gz'])}&prefix=${encodeURIComponent('web-main/')}`, headers: browserHeaders(g) }),
  (g) => ({ method: 'POST', uri: '/apisix/batch-requests', headers: browserHeaders(g), json: { timeout: 500, pipeline: [{ method: 'GET', path: `/api/orders/${g.int(1, 99)}` }, { method: 'GET', path: '/api/user' }] } }),
  (g) => ({ uri: g.pick(['/+CSCOE+/logon.html', '/+CSCOT+/translation-table?type=mst&textdomain=AnyConnect&lang=en-us', '/+CSCOE+/sess_update.html?flgs=0']), headers: browserHeaders(g) }),
  (g) => ({ uri: g.pick(['/nwa', '/irj/portal', '/OA_HTML/AppsLogin', '/OA_HTML/RF.jsp?function_id=1234']), headers: browserHeaders(g) }),
  (g) => ({ method: 'POST', uri: '/api/jsonws/invoke', headers: browserHeaders(g), form: { cmd: encodeURIComponent(JSON.stringify({ '/user/get-user-by-id': { userId: g.int(10000, 99999) } })), p_auth: g.alnum(8) } }),
  (g) => ({ uri: `/jobs/job/?id=${g.int(0, 500)}&doAs=${g.pick(['alice', 'svc.spark', 'bob@CORP.EXAMPLE'])}`, headers: browserHeaders(g) }),
  (g) => ({ uri: `/front/ticket.form.php?id=${g.int(1, 9999)}`, headers: browserHeaders(g) }),
  (g) => ({ method: 'POST', uri: '/login/index.php?login=failed', headers: browserHeaders(g), form: { username: 'root', password: encodeURIComponent('S3cure!pass'), commit: 'Login' } }),
  (g) => ({ uri: `/human.aspx?OrgID=${g.int(1000, 9999)}&Language=en`, headers: browserHeaders(g) }),
  (g) => ({ method: 'PUT', uri: `/api/documents/${g.int(1, 999)}`, headers: browserHeaders(g), json: { title: 'notes.jsp review', body: g.words(10) } }),
  (g) => ({ uri: `/cli?remoting=false`, method: 'POST', headers: browserHeaders(g, { Session: g.uuid(), Side: 'download' }) }),
  (g) => ({ uri: `/securityRealm/user/${person(g).first}/`, headers: browserHeaders(g) }),
  (g) => ({ uri: `/_ignition/health-check`, headers: browserHeaders(g) }),
  (g) => ({ uri: `/index.php?${g.pick(['page=about', 'id=12&lang=de', 'route=product/category&path=20_27', 'controller=cart&action=show'])}`, headers: browserHeaders(g) }),
  (g) => ({ uri: `/cgi-bin/${g.pick(['status.cgi', 'awstats.pl?config=www.example.com', 'search.cgi?q=printer+drivers'])}`, headers: browserHeaders(g) }),
  (g) => ({ method: 'POST', uri: '/xmlrpc.php', headers: browserHeaders(g, { 'Content-Type': 'text/xml' }), body: '<?xml version="1.0"?><methodCall><methodName>wp.getUsersBlogs</methodName><params><param><value><string>alice</string></value></param><param><value><string>pw</string></value></param></params></methodCall>' }),
  (g) => ({ method: 'POST', uri: '/soap/OrderService', headers: browserHeaders(g, { 'Content-Type': 'text/xml', SOAPAction: '"urn:getOrder"' }), body: `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><wsse:UsernameToken><wsse:Username>svc</wsse:Username></wsse:UsernameToken></wsse:Security></soapenv:Header><soapenv:Body><getOrder><id>${g.int(1, 9999)}</id><note>price &lt; 100 &amp; qty &gt; 2</note></getOrder></soapenv:Body></soapenv:Envelope>` }),
];

export interface BenignRequest extends TestRequest {
  category: string;
}

/** `count` benign requests, the same for a given seed. */
export function generateBenign(count: number, seed = 20240601): BenignRequest[] {
  const g = new Gen(rng(seed));
  const categories: Array<[string, number, Maker | Maker[]]> = [
    ['browsing', 25, browsing],
    ['search', 20, search],
    ['json-api', 15, jsonApi],
    ['form', 12, formPost],
    ['upload', 8, upload],
    ['product', 20, productTraffic],
  ];
  const total = categories.reduce((n, [, w]) => n + w, 0);
  const out: BenignRequest[] = [];
  for (let i = 0; i < count; i++) {
    let x = g.int(1, total);
    for (const [name, w, maker] of categories) {
      x -= w;
      if (x <= 0) {
        const m = Array.isArray(maker) ? maker[i % maker.length]! : maker;
        out.push({ ...m(g), category: name, name: `${name}#${i}` });
        break;
      }
    }
  }
  return out;
}
