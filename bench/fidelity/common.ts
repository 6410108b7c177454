/**
 * Building blocks shared by the benign and attack generators: hosts, browser and API header
 * sets, cookies, paths and parameter names. All of it is written for this generator.
 */
import type { Rng } from './prng.js';
import { formEncode, utf8 } from './encode.js';

export type Headers = Array<[string, string]>;

export const HOSTS = ['www.example.com', 'shop.example.org', 'api.example.net', 'blog.example.com', 'portal.example.org', 'intranet.example.net', 'app.example.com'];

export function host(rng: Rng): string {
  return rng.pick(HOSTS);
}

const WIN = ['Windows NT 10.0; Win64; x64', 'Windows NT 10.0; WOW64', 'Windows NT 6.1; Win64; x64'];
const MAC = ['Macintosh; Intel Mac OS X 10_15_7', 'Macintosh; Intel Mac OS X 14_4_1'];
const LINUX = ['X11; Linux x86_64', 'X11; Ubuntu; Linux x86_64', 'X11; Fedora; Linux x86_64'];

export function userAgent(rng: Rng): { ua: string; browser: 'chrome' | 'firefox' | 'safari' | 'edge' | 'mobile'; platform: string } {
  const browser = rng.weighted([[45, 'chrome'], [20, 'firefox'], [12, 'safari'], [10, 'edge'], [13, 'mobile']] as const);
  const v = rng.int(110, 126);
  switch (browser) {
    case 'chrome': {
      const os = rng.pick([...WIN, ...MAC, ...LINUX]);
      return { ua: `Mozilla/5.0 (${os}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.${rng.int(1000, 6999)}.${rng.int(10, 200)} Safari/537.36`, browser, platform: os.startsWith('Win') ? 'Windows' : os.startsWith('Mac') ? 'macOS' : 'Linux' };
    }
    case 'edge': {
      const os = rng.pick(WIN);
      return { ua: `Mozilla/5.0 (${os}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36 Edg/${v}.0.${rng.int(1000, 2999)}.${rng.int(10, 99)}`, browser, platform: 'Windows' };
    }
    case 'firefox': {
      const os = rng.pick([...WIN, ...MAC, ...LINUX]);
      return { ua: `Mozilla/5.0 (${os}; rv:${v}.0) Gecko/20100101 Firefox/${v}.0`, browser, platform: os };
    }
    case 'safari': {
      const os = rng.pick(MAC);
      const sv = rng.pick(['16.6', '17.2', '17.4.1', '17.5']);
      return { ua: `Mozilla/5.0 (${os}) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${sv} Safari/605.1.15`, browser, platform: 'macOS' };
    }
    default: {
      if (rng.chance(0.5)) {
        const ios = rng.pick(['17_4_1', '16_7_8', '17_5']);
        return { ua: `Mozilla/5.0 (iPhone; CPU iPhone OS ${ios} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1`, browser, platform: 'iOS' };
      }
      const model = rng.pick(['Pixel 7', 'SM-S918B', 'SM-A546B', 'moto g84 5G', 'K']);
      return { ua: `Mozilla/5.0 (Linux; Android ${rng.int(10, 14)}; ${model}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Mobile Safari/537.36`, browser, platform: 'Android' };
    }
  }
}

const LANGS = ['en-US,en;q=0.9', 'en-GB,en;q=0.8', 'de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7', 'fr-FR,fr;q=0.9,en;q=0.6', 'es-ES,es;q=0.9', 'ja,en-US;q=0.9,en;q=0.8', 'pt-BR,pt;q=0.9,en-US;q=0.8', 'nl-NL,nl;q=0.9,en;q=0.7', 'ru-RU,ru;q=0.9,en-US;q=0.8', 'zh-CN,zh;q=0.9'];

export function cookieHeader(rng: Rng, extra: string[] = []): string {
  const parts: string[] = [];
  if (rng.chance(0.8)) parts.push(`${rng.pick(['sessionid', 'PHPSESSID', 'JSESSIONID', 'sid', 'connect.sid', 'laravel_session', 'ASP.NET_SessionId'])}=${rng.chance(0.5) ? rng.hex(32) : rng.alnum(26)}`);
  if (rng.chance(0.5)) parts.push(`_ga=GA1.1.${rng.digits(9)}.${rng.digits(10)}`);
  if (rng.chance(0.3)) parts.push(`_ga_${rng.alnum(10).toUpperCase()}=GS1.1.${rng.digits(10)}.${rng.int(1, 40)}.1.${rng.digits(10)}.0.0.0`);
  if (rng.chance(0.4)) parts.push(`csrftoken=${rng.alnum(32)}`);
  if (rng.chance(0.3)) parts.push(`theme=${rng.pick(['dark', 'light', 'auto'])}`);
  if (rng.chance(0.3)) parts.push(`lang=${rng.pick(['en', 'de', 'fr', 'es', 'ja', 'pt-BR'])}`);
  if (rng.chance(0.25)) parts.push(`consent=${formEncode(rng.pick(['necessary,analytics', 'necessary', 'all', 'necessary,marketing,analytics']))}`);
  if (rng.chance(0.2)) parts.push(`cart=${encodeURIComponent(JSON.stringify({ items: rng.int(0, 9), currency: rng.pick(['EUR', 'USD', 'GBP']) }))}`);
  if (rng.chance(0.15)) parts.push(`recently_viewed=${[rng.int(100, 999), rng.int(100, 999), rng.int(100, 999)].join('%2C')}`);
  if (rng.chance(0.1)) parts.push(`prefs=${Buffer.from(JSON.stringify({ tz: 'Europe/Berlin', list: 'grid' })).toString('base64')}`);
  if (rng.chance(0.1)) parts.push(`remember_token=${rng.alnum(40)}`);
  parts.push(...extra);
  if (parts.length === 0) parts.push(`visitor=${rng.hex(16)}`);
  return parts.join('; ');
}

export interface BrowserOptions {
  referer?: string | null;
  cookie?: string | null;
  accept?: string;
  xhr?: boolean;
  /** Extra headers appended at the end. */
  extra?: Headers;
  hostName?: string;
  contentType?: string;
  origin?: boolean;
}

/** Header fields in the order and shape a current browser sends them. */
export function browserHeaders(rng: Rng, opts: BrowserOptions = {}): Headers {
  const { ua, browser, platform } = userAgent(rng);
  const h: Headers = [];
  const hostName = opts.hostName ?? host(rng);
  h.push(['Host', hostName]);
  const accept = opts.accept ?? (opts.xhr ? 'application/json, text/plain, */*' : 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8');
  const referer = opts.referer === undefined ? (rng.chance(0.6) ? `https://${hostName}/${rng.pick(['', 'products', 'blog', 'search?q=shoes', 'account'])}` : null) : opts.referer;
  const cookie = opts.cookie === undefined ? (rng.chance(0.7) ? cookieHeader(rng) : null) : opts.cookie;
  if (browser === 'chrome' || browser === 'edge' || (browser === 'mobile' && ua.includes('Android'))) {
    h.push(['Connection', 'keep-alive']);
    if (opts.contentType) h.push(['Content-Type', opts.contentType]);
    h.push(['sec-ch-ua', `"Chromium";v="${ua.match(/Chrome\/(\d+)/)?.[1] ?? '124'}", "Not-A.Brand";v="99"`]);
    h.push(['sec-ch-ua-mobile', browser === 'mobile' ? '?1' : '?0']);
    h.push(['sec-ch-ua-platform', `"${platform}"`]);
    if (!opts.xhr) h.push(['Upgrade-Insecure-Requests', '1']);
    if (opts.origin) h.push(['Origin', `https://${hostName}`]);
    h.push(['User-Agent', ua]);
    h.push(['Accept', accept]);
    h.push(['Sec-Fetch-Site', referer ? 'same-origin' : 'none']);
    h.push(['Sec-Fetch-Mode', opts.xhr ? 'cors' : 'navigate']);
    if (!opts.xhr) h.push(['Sec-Fetch-User', '?1']);
    h.push(['Sec-Fetch-Dest', opts.xhr ? 'empty' : 'document']);
    if (referer) h.push(['Referer', referer]);
    h.push(['Accept-Encoding', rng.pick(['gzip, deflate, br', 'gzip, deflate, br, zstd'])]);
    h.push(['Accept-Language', rng.pick(LANGS)]);
    if (cookie) h.push(['Cookie', cookie]);
  } else if (browser === 'firefox') {
    h.push(['User-Agent', ua]);
    h.push(['Accept', opts.accept ?? (opts.xhr ? accept : 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')]);
    h.push(['Accept-Language', rng.pick(LANGS)]);
    h.push(['Accept-Encoding', 'gzip, deflate, br']);
    if (opts.contentType) h.push(['Content-Type', opts.contentType]);
    if (opts.origin) h.push(['Origin', `https://${hostName}`]);
    h.push(['Connection', 'keep-alive']);
    if (referer) h.push(['Referer', referer]);
    if (cookie) h.push(['Cookie', cookie]);
    if (!opts.xhr) h.push(['Upgrade-Insecure-Requests', '1']);
    h.push(['Sec-Fetch-Dest', opts.xhr ? 'empty' : 'document']);
    h.push(['Sec-Fetch-Mode', opts.xhr ? 'cors' : 'navigate']);
    h.push(['Sec-Fetch-Site', referer ? 'same-origin' : 'none']);
    if (!opts.xhr) h.push(['Sec-Fetch-User', '?1']);
    if (rng.chance(0.5)) h.push(['Priority', 'u=0, i']);
  } else {
    if (opts.contentType) h.push(['Content-Type', opts.contentType]);
    h.push(['Accept', accept]);
    h.push(['Sec-Fetch-Site', referer ? 'same-origin' : 'none']);
    if (cookie) h.push(['Cookie', cookie]);
    h.push(['Sec-Fetch-Dest', opts.xhr ? 'empty' : 'document']);
    h.push(['Accept-Language', rng.pick(LANGS)]);
    h.push(['Sec-Fetch-Mode', opts.xhr ? 'cors' : 'navigate']);
    if (opts.origin) h.push(['Origin', `https://${hostName}`]);
    h.push(['User-Agent', ua]);
    if (referer) h.push(['Referer', referer]);
    h.push(['Accept-Encoding', 'gzip, deflate, br']);
    h.push(['Connection', 'keep-alive']);
  }
  if (opts.xhr && rng.chance(0.4)) h.push(['X-Requested-With', 'XMLHttpRequest']);
  if (opts.extra) h.push(...opts.extra);
  return h;
}

/** Headers of a programmatic API client (SDK, mobile app, server-to-server). */
export function apiHeaders(rng: Rng, opts: { contentType?: string; hostName?: string; extra?: Headers } = {}): Headers {
  const h: Headers = [['Host', opts.hostName ?? rng.pick(['api.example.net', 'api.example.com', 'svc.example.org'])]];
  const client = rng.pick([
    'okhttp/4.12.0', 'Dalvik/2.1.0 (Linux; U; Android 13; Pixel 6 Build/TQ3A.230901.001)', 'ExampleApp/5.3.1 (iPhone; iOS 17.4; Scale/3.00)',
    'axios/1.6.8', 'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)', 'Apache-HttpClient/4.5.14 (Java/17.0.10)', 'Go-http-client/1.1',
    'python-requests/2.31.0', 'curl/8.5.0', 'Ruby', 'Java/17.0.10', 'PostmanRuntime/7.37.3', 'Mozilla/5.0 (compatible; ExampleSync/2.0)',
  ]);
  h.push(['User-Agent', client]);
  h.push(['Accept', rng.pick(['application/json', '*/*', 'application/json, text/plain, */*', 'application/vnd.example.v2+json'])]);
  if (opts.contentType) h.push(['Content-Type', opts.contentType]);
  if (rng.chance(0.6)) h.push(['Authorization', rng.chance(0.7) ? `Bearer ${jwt(rng)}` : `Basic ${Buffer.from(`svc-${rng.lower(5)}:${rng.alnum(16)}`).toString('base64')}`]);
  if (rng.chance(0.3)) h.push(['X-Request-ID', `${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-a${rng.hex(3)}-${rng.hex(12)}`]);
  if (rng.chance(0.2)) h.push(['X-Api-Key', rng.alnum(40)]);
  if (rng.chance(0.4)) h.push(['Accept-Encoding', 'gzip']);
  if (rng.chance(0.3)) h.push(['Connection', rng.pick(['keep-alive', 'close'])]);
  if (opts.extra) h.push(...opts.extra);
  return h;
}

export function jwt(rng: Rng): string {
  const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: rng.pick(['HS256', 'RS256', 'ES256']), typ: 'JWT' })}.${b64({ sub: String(rng.int(1000, 99999)), iat: 1717000000 + rng.int(0, 9999999), scope: rng.pick(['read', 'read write', 'orders:read profile']) })}.${rng.alnum(43)}`;
}

export const WORDS = ['alpine', 'harbor', 'velvet', 'copper', 'meadow', 'lantern', 'orbit', 'saffron', 'granite', 'willow', 'ember', 'cobalt', 'pepper', 'quartz', 'river', 'summit', 'tundra', 'violet', 'walnut', 'zephyr', 'maple', 'coral', 'falcon', 'juniper', 'marble', 'nectar', 'onyx', 'prairie', 'raven', 'sierra'];

export function slug(rng: Rng, n = rng.int(1, 4)): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(rng.pick(WORDS));
  return parts.join('-');
}

/** Ordinary site paths (no query). */
export function benignPath(rng: Rng): string {
  return rng.weighted<() => string>([
    [6, () => '/'],
    [10, () => `/products/${slug(rng)}`],
    [6, () => `/category/${rng.pick(['shoes', 'jackets', 'outdoor', 'kitchen', 'garden', 'books'])}/${rng.pick(['', 'sale', 'new'])}`],
    [8, () => `/blog/${rng.int(2015, 2025)}/${String(rng.int(1, 12)).padStart(2, '0')}/${slug(rng, rng.int(2, 6))}`],
    [5, () => `/static/js/${rng.pick(['app', 'vendor', 'runtime', 'main'])}.${rng.hex(8)}.js`],
    [4, () => `/static/css/${rng.pick(['site', 'print', 'theme'])}.${rng.hex(8)}.css`],
    [5, () => `/images/${slug(rng, 2)}-${rng.int(100, 2000)}x${rng.int(100, 2000)}.${rng.pick(['webp', 'jpg', 'png', 'avif', 'gif', 'svg'])}`],
    [6, () => `/api/v${rng.int(1, 3)}/${rng.pick(['users', 'orders', 'items', 'carts', 'sessions', 'notifications'])}/${rng.int(1, 99999)}`],
    [3, () => `/docs/${rng.pick(['guide', 'api', 'faq', 'reference'])}/${slug(rng, 2)}.html`],
    [3, () => '/account/settings'],
    [2, () => `/user/${rng.lower(rng.int(4, 10))}/profile`],
    [2, () => rng.pick(['/favicon.ico', '/robots.txt', '/sitemap.xml', '/manifest.json', '/apple-touch-icon.png', '/.well-known/security.txt', '/feed.rss', '/humans.txt'])],
    [3, () => `/index.php`],
    [2, () => `/wiki/${rng.pick(['Main_Page', 'Special:Search', 'Help:Contents', `${rng.pick(WORDS)}_(disambiguation)`, 'Caf%C3%A9', 'Stra%C3%9Fe'])}`],
    [2, () => `/fonts/${rng.pick(['inter', 'roboto', 'source-sans'])}-v${rng.int(10, 30)}-latin-${rng.pick(['regular', '700'])}.woff2`],
    [2, () => `/downloads/${slug(rng, 2)}-${rng.int(1, 9)}.${rng.int(0, 20)}.${rng.int(0, 9)}.${rng.pick(['tar.gz', 'zip', 'pdf', 'dmg', 'msi'])}`],
  ])();
}

export const NAMES = ['Anna Schmidt', "Liam O'Connor", 'Sofía García', 'Chen Wei', 'Olga Petrova', 'Jean-Luc Dubois', 'Aiyana Smith', 'Mohammed Al-Farsi', 'Zoë Müller', 'Björn Andersson', "D'Angelo Brown", 'Yuki Tanaka', 'Renée Lefèvre', 'Priya Natarajan', 'Kwame Mensah'];

export function email(rng: Rng): string {
  return `${rng.pick(['anna', 'liam.oconnor', "o'neil", 'sofia_g', 'chen.wei', 'olga+news', 'jl.dubois', 'b.andersson', 'priya.n', 'kmensah'])}${rng.chance(0.3) ? rng.int(1, 99) : ''}@${rng.pick(['example.com', 'example.org', 'mail.example.net'])}`;
}

export const STREETS = ['Hauptstraße 12', '221B Baker Street', 'Rue de Rivoli 5', 'Calle Mayor 3, 2º izq.', '1600 Amphitheatre Pkwy', '10 Downing St', 'Av. Paulista, 1578 - Bela Vista', "O'Connell Street 14", 'Karl-Marx-Allee 70/72', 'P.O. Box 1234'];

/** Benign free text in several languages and registers (UTF-8 byte strings). */
export function freeText(rng: Rng, min = 20, max = 400): string {
  const sentences = [
    'Great product, arrived on time and works as described.',
    "I've been using this for three weeks now & it's still going strong.",
    'Would you recommend the 42 or the 43 for wide feet?',
    'The instructions say "tighten by hand" but mine needed a wrench.',
    'Delivery was late (again) - 3 days instead of 1.',
    'Is there a discount for orders over 100€?',
    'Die Qualität ist super, aber der Versand dauerte zu lange.',
    "C'est exactement ce que je cherchais, merci beaucoup !",
    'Muy buena relación calidad-precio; la recomiendo.',
    'とても使いやすいです。また購入したいと思います。',
    'Отличный товар, рекомендую всем!',
    '非常好，物流很快。',
    'Rated 5/5 — would buy again :)',
    'Price: $19.99 + tax; shipping is free above $50.',
    'My order #A-10293 never arrived, please check.',
    'Select the size first, then the colour, or the button stays grey.',
    'Where can I find the user manual (PDF)?',
    'Works with Windows 10/11 and macOS 14; not sure about Linux.',
    'Dimensions: 30 x 20 x 10 cm, weight approx. 1.2 kg.',
    'The "Pro" version has 2x the battery; the regular one is fine for me.',
    "Don't forget to update the firmware before first use!",
    'Tested at -10°C and +40°C without problems.',
    "My grandmother's recipe: 2 cups flour, 1/2 cup sugar, 3 eggs.",
    'Meeting moved to 3:30pm; room 4.12 is booked.',
    'Please call me back at +44 20 7946 0958 or +1 (555) 010-0199.',
    'Hmm... not sure; maybe ask support?',
    'Follow-up to ticket 55812: the issue is fixed after a restart.',
    '50% off until Friday — use the code SPRING24 at checkout.',
    'A & B are both valid; choose either one.',
    'Thanks!! 😀👍',
  ];
  let s = '';
  const target = rng.int(min, max);
  while (s.length < target) s += (s ? ' ' : '') + rng.pick(sentences);
  return utf8(s);
}

export const SEARCH_TERMS = [
  'running shoes', 'waterproof jacket size M', 'kids bike 20"', "women's hiking boots", "men's 5' 11\" jeans length", 'O\'Reilly learning python', 'rock \'n\' roll vinyl', 'usb-c to hdmi adapter 4k',
  '"noise cancelling" headphones', 'laptop < 1000', 'coffee & tea', '100% cotton t-shirt', 'C# vs C++ performance', 'node.js readFile example', 'how to center a div', 'python list comprehension if else',
  'what does 1=1 mean', 'select dropdown default value html', 'union station chicago hours', 'drop shipping business ideas', 'sleep apnea treatment', 'order by price', 'insert coin sound effect',
  'where to buy', 'update firmware router', 'delete facebook account', 'script writing tips', 'alert sound iphone', 'javascript tutorial for beginners', 'php vs python', 'bash vs zsh', 'etc etc',
  'café crème recipe', 'Müller Straße 5 öffnungszeiten', 'crème brûlée', '東京 天気', 'Привет мир', 'résumé template word', 'naïve bayes', 'Smørrebrød', 'çay bardağı', '서울 맛집', 'ﺎﻠﻋﺮﺒﻳﺓ', 'Ελληνικά μαθήματα',
  'size 10.5', '#hashtag trends', 'email@example.com', 'tom & jerry', "it's complicated", 'first-aid kit', 'wi-fi extender', "kid's", '50/50 raffle', 'a+b=c', 'x^2 + y^2', '~/.bashrc aliases',
  'java 17 records', 'log4j configuration file', 'spring boot actuator', 'wordpress plugin', 'docker compose up', 'git rebase -i', 'kubectl get pods', 'nginx location regex', 'ssh key permissions',
  'or', 'and', 'not', 'null', 'true', 'select', 'from', "''", '"', '-', '--', '...', '?', '*', 'a*b',
];
