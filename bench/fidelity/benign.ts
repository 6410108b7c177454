/**
 * Benign traffic: page views, searches, form posts, JSON and XML APIs, uploads — with the
 * things real users type (quotes, apostrophes, code, non-ASCII, long text).
 */
import type { Rng } from './prng.js';
import type { FidelityRequest } from './types.js';
import { componentEncode, formEncode, jsonString, utf8, xmlAttr, xmlText } from './encode.js';
import { NAMES, SEARCH_TERMS, STREETS, WORDS, apiHeaders, benignPath, browserHeaders, cookieHeader, email, freeText, host, slug, type Headers } from './common.js';

type Gen = (rng: Rng) => Omit<FidelityRequest, 'id'>;

function req(family: string, carrier: string, method: string, target: string, headers: Headers, body?: Buffer, note = '', encoding = 'form'): Omit<FidelityRequest, 'id'> {
  const r: Omit<FidelityRequest, 'id'> = { kind: 'benign', family, carrier, encoding, method, target, version: 'HTTP/1.1', headers, note };
  if (body !== undefined) r.body = body;
  return r;
}

/** `a=1&b=2` from pairs, each value encoded the way a browser form does. */
export function formPairs(pairs: Array<[string, string]>, enc: (s: string) => string = formEncode): string {
  return pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
}

function queryPairs(rng: Rng): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const n = rng.int(1, 6);
  const pool: Array<() => [string, string]> = [
    () => ['page', String(rng.int(1, 40))],
    () => ['sort', rng.pick(['price_asc', 'price_desc', 'newest', 'rating', 'relevance'])],
    () => ['size', rng.pick(['S', 'M', 'L', 'XL', '42', '10.5'])],
    () => ['color', rng.pick(['red', 'navy blue', 'black/white', 'grün'])],
    () => ['utm_source', rng.pick(['newsletter', 'google', 'facebook', 'partner-site'])],
    () => ['utm_medium', rng.pick(['email', 'cpc', 'social'])],
    () => ['utm_campaign', `${rng.pick(['spring', 'summer', 'bf'])}_${rng.int(2020, 2025)}`],
    () => ['gclid', rng.alnum(40)],
    () => ['fbclid', `IwAR${rng.alnum(50)}`],
    () => ['ref', rng.pick(['home', 'footer', 'nav', 'email'])],
    () => ['lang', rng.pick(['en', 'de', 'fr', 'pt-BR', 'zh-Hans'])],
    () => ['id', String(rng.int(1, 999999))],
    () => ['limit', String(rng.pick([10, 20, 50, 100]))],
    () => ['offset', String(rng.int(0, 500))],
    () => ['filter[brand]', rng.pick(WORDS)],
    () => ['filter[price][min]', String(rng.int(0, 100))],
    () => ['tags[]', rng.pick(WORDS)],
    () => ['from', `2024-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`],
    () => ['ts', String(1700000000000 + rng.int(0, 99999999))],
    () => ['callback', `jQuery${rng.digits(20)}_${rng.digits(13)}`],
    () => ['_', String(1700000000000 + rng.int(0, 99999999))],
    () => ['v', rng.hex(8)],
    () => ['returnUrl', `/account/orders?page=${rng.int(1, 5)}`],
    () => ['next', `https://${host(rng)}/checkout/`],
    () => ['q', rng.pick(SEARCH_TERMS)],
    () => ['fields', 'id,name,price,stock'],
    () => ['include', 'author,comments.author'],
    () => ['date', `${rng.int(1, 28)}/${rng.int(1, 12)}/2024`],
    () => ['coords', `${(rng.next() * 180 - 90).toFixed(5)},${(rng.next() * 360 - 180).toFixed(5)}`],
  ];
  for (let i = 0; i < n; i++) pairs.push(rng.pick(pool)());
  return pairs;
}

const browse: Gen = (rng) => {
  const path = benignPath(rng);
  const withQuery = rng.chance(0.55) && !/\.(js|css|woff2|png|jpg|webp|avif|gif|svg|ico)$/.test(path);
  const enc = rng.pick([formEncode, componentEncode]);
  const target = withQuery ? `${path}?${formPairs(queryPairs(rng), enc)}` : path;
  const isAsset = /\.(js|css|woff2|png|jpg|webp|avif|gif|svg|ico)$/.test(path);
  const extra: Headers = [];
  if (isAsset && rng.chance(0.4)) extra.push(['If-None-Match', `W/"${rng.hex(16)}"`]);
  if (isAsset && rng.chance(0.2)) extra.push(['If-Modified-Since', 'Wed, 21 Feb 2024 07:28:00 GMT']);
  if (/\.(pdf|zip|tar\.gz|dmg|msi)$/.test(path) && rng.chance(0.5)) extra.push(['Range', `bytes=${rng.int(0, 1000)}-`]);
  if (rng.chance(0.1)) extra.push(['DNT', '1']);
  if (rng.chance(0.05)) extra.push(['Cache-Control', rng.pick(['max-age=0', 'no-cache'])]);
  const headers = browserHeaders(rng, isAsset ? { accept: rng.pick(['*/*', 'text/css,*/*;q=0.1', 'image/avif,image/webp,*/*']), extra } : { extra });
  const method = rng.chance(0.04) ? 'HEAD' : 'GET';
  return req('browse', withQuery ? 'query' : 'path', method, target, headers, undefined, `${method} ${path}`, enc === formEncode ? 'form' : 'component');
};

const search: Gen = (rng) => {
  let term = rng.pick(SEARCH_TERMS);
  if (rng.chance(0.2)) term += ' ' + rng.pick(SEARCH_TERMS);
  const bytes = utf8(term);
  const enc = rng.weighted<(s: string) => string>([[6, formEncode], [3, componentEncode], [1, (s) => componentEncode(s).replace(/%27/g, "'")]]);
  const param = rng.pick(['q', 'query', 'search', 's', 'keywords', 'term']);
  const extra = rng.chance(0.5) ? `&${formPairs(queryPairs(rng))}` : '';
  const path = rng.pick(['/search', '/products/search', '/', '/find', '/api/v1/search', '/wiki/Special:Search']);
  const target = `${path}?${param}=${enc(bytes)}${extra}`;
  const xhr = path.startsWith('/api');
  return req('search', 'query', 'GET', target, browserHeaders(rng, { xhr }), undefined, `search ${JSON.stringify(term)}`);
};

const formPost: Gen = (rng) => {
  const kind = rng.pick(['login', 'register', 'comment', 'checkout', 'contact', 'newsletter', 'profile', 'review']);
  const pairs: Array<[string, string]> = [];
  const csrf = (): void => void pairs.push([rng.pick(['csrf_token', '_token', 'authenticity_token', 'csrfmiddlewaretoken', '__RequestVerificationToken']), rng.alnum(40)]);
  switch (kind) {
    case 'login':
      csrf();
      pairs.push(['username', rng.chance(0.5) ? email(rng) : rng.lower(rng.int(4, 12))], ['password', rng.alnum(8) + rng.pick(['!', '#', '$', "'", '"', '&', '%', '(', '-', '?', '=']) + rng.digits(2)]);
      if (rng.chance(0.5)) pairs.push(['remember', 'on']);
      break;
    case 'register':
      csrf();
      pairs.push(['name', utf8(rng.pick(NAMES))], ['email', email(rng)], ['password', rng.alnum(12)], ['password_confirm', rng.alnum(12)], ['terms', '1']);
      break;
    case 'comment':
      pairs.push(['author', utf8(rng.pick(NAMES))], ['email', email(rng)], ['comment', freeText(rng, 30, 900)], ['post_id', String(rng.int(1, 9999))]);
      break;
    case 'checkout':
      csrf();
      pairs.push(['first_name', utf8(rng.pick(NAMES).split(' ')[0]!)], ['last_name', utf8(rng.pick(NAMES).split(' ').slice(1).join(' '))], ['street', utf8(rng.pick(STREETS))], ['zip', rng.digits(5)], ['city', utf8(rng.pick(['Berlin', 'München', 'Paris', 'São Paulo', 'Zürich', 'New York', "L'Aquila", 'Kraków']))], ['country', rng.pick(['DE', 'FR', 'US', 'BR', 'CH', 'PL'])], ['phone', rng.pick(['+49 30 1234567', '(555) 010-0199', '+33 1 23 45 67 89'])], ['notes', rng.chance(0.5) ? freeText(rng, 10, 120) : '']);
      break;
    case 'contact':
      pairs.push(['name', utf8(rng.pick(NAMES))], ['email', email(rng)], ['subject', utf8(rng.pick(['Order question', 'Return & refund', "Can't log in", 'Feedback — great shop!', 'Rechnung #4411']))], ['message', freeText(rng, 50, 1500)]);
      break;
    case 'newsletter':
      pairs.push(['email', email(rng)], ['lists[]', 'weekly'], ['lists[]', 'offers']);
      break;
    case 'profile':
      csrf();
      pairs.push(['display_name', utf8(rng.pick(NAMES))], ['bio', freeText(rng, 10, 300)], ['website', `https://${rng.pick(WORDS)}.example.org/`], ['timezone', rng.pick(['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'UTC'])]);
      break;
    default:
      pairs.push(['rating', String(rng.int(1, 5))], ['title', utf8(rng.pick(['Love it', 'Not bad', "Doesn't fit", 'Top!', 'Meh.']))], ['body', freeText(rng, 30, 600)], ['recommend', rng.pick(['yes', 'no'])]);
  }
  const body = Buffer.from(formPairs(pairs), 'latin1');
  const ct = rng.chance(0.85) ? 'application/x-www-form-urlencoded' : 'application/x-www-form-urlencoded; charset=UTF-8';
  const path = `/${rng.pick(['account', 'user', 'shop', 'blog', 'support', ''])}/${kind}`.replace('//', '/');
  return req('form-post', 'form', 'POST', path, browserHeaders(rng, { contentType: ct, origin: true }), body, `${kind} form`);
};

function jsonValue(rng: Rng, depth = 0): unknown {
  const r = rng.int(0, depth > 2 ? 5 : 8);
  switch (r) {
    case 0: return rng.int(-1000, 100000);
    case 1: return Math.round(rng.next() * 100000) / 100;
    case 2: return rng.chance(0.5);
    case 3: return null;
    case 4: return rng.pick(WORDS);
    case 5: return Buffer.from(freeText(rng, 5, 80), 'latin1').toString('utf8');
    case 6: return Array.from({ length: rng.int(0, 4) }, () => jsonValue(rng, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = rng.int(1, 4); i > 0; i--) o[rng.pick(['id', 'name', 'title', 'qty', 'price', 'meta', 'tags', 'note', 'options', 'enabled', 'createdAt', 'items', 'address', 'sku'])] = jsonValue(rng, depth + 1);
      return o;
    }
  }
}

const jsonApi: Gen = (rng) => {
  const shape = rng.pick(['order', 'profile', 'event', 'graphql', 'search', 'generic', 'batch', 'settings']);
  let obj: unknown;
  switch (shape) {
    case 'order':
      obj = { customerId: rng.int(1, 99999), currency: rng.pick(['EUR', 'USD']), items: Array.from({ length: rng.int(1, 6) }, () => ({ sku: `SKU-${rng.int(1000, 9999)}`, qty: rng.int(1, 5), price: rng.int(100, 99999) / 100, name: Buffer.from(utf8(`${rng.pick(WORDS)} ${rng.pick(['shoe', 'jacket', 'mug', 'lamp', 'book'])}`), 'latin1').toString('utf8') })), shipping: { name: rng.pick(NAMES), street: rng.pick(STREETS), zip: rng.digits(5), country: 'DE' }, coupon: rng.chance(0.3) ? 'SPRING24' : null, gift: rng.chance(0.2) };
      break;
    case 'profile':
      obj = { name: rng.pick(NAMES), email: email(rng), bio: Buffer.from(freeText(rng, 10, 200), 'latin1').toString('utf8'), links: [`https://${rng.pick(WORDS)}.example.com`], notifications: { email: true, sms: false } };
      break;
    case 'event':
      obj = { event: rng.pick(['page_view', 'add_to_cart', 'click', 'scroll', 'purchase']), ts: 1717000000000 + rng.int(0, 9999999), url: `https://${host(rng)}${benignPath(rng)}`, ua: 'Mozilla/5.0 (X11; Linux x86_64)', screen: { w: 1920, h: 1080 }, props: jsonValue(rng) };
      break;
    case 'graphql':
      obj = { operationName: 'GetProduct', query: `query GetProduct($id: ID!) { product(id: $id) { id name price { amount currency } reviews(first: ${rng.int(1, 20)}) { edges { node { rating text } } } } }`, variables: { id: String(rng.int(1, 99999)) } };
      break;
    case 'search':
      obj = { query: Buffer.from(utf8(rng.pick(SEARCH_TERMS)), 'latin1').toString('utf8'), filters: { price: { gte: rng.int(0, 50), lte: rng.int(51, 500) }, inStock: true, brands: rng.sample(WORDS, rng.int(0, 3)) }, sort: [{ field: 'price', order: 'asc' }], page: rng.int(1, 9) };
      break;
    case 'batch':
      obj = Array.from({ length: rng.int(2, 8) }, () => ({ op: rng.pick(['add', 'replace', 'test']), path: `/items/${rng.int(0, 9)}/qty`, value: rng.int(0, 9) }));
      break;
    case 'settings':
      obj = { theme: 'dark', locale: rng.pick(['de-DE', 'en-US', 'ja-JP']), shortcuts: { save: 'Ctrl+S', search: '/', quote: "'" }, signature: Buffer.from(freeText(rng, 10, 80), 'latin1').toString('utf8') };
      break;
    default:
      obj = jsonValue(rng);
      if (typeof obj !== 'object' || obj === null) obj = { value: obj };
  }
  const text = JSON.stringify(obj, null, rng.chance(0.2) ? 2 : undefined);
  const body = Buffer.from(text, 'utf8');
  const ct = rng.weighted([[6, 'application/json'], [3, 'application/json; charset=utf-8'], [1, 'application/json;charset=UTF-8']] as const);
  const method = rng.weighted([[12, 'POST'], [1, 'PUT'], [1, 'PATCH']] as const);
  const path = shape === 'graphql' ? '/graphql' : `/api/v${rng.int(1, 3)}/${shape.endsWith('s') ? shape : shape + 's'}${rng.chance(0.4) ? `/${rng.int(1, 9999)}` : ''}`;
  const headers = rng.chance(0.5) ? browserHeaders(rng, { xhr: true, contentType: ct, origin: true }) : apiHeaders(rng, { contentType: ct });
  return req('json-api', 'json', method, path, headers, body, `${method} ${shape} JSON (${body.length} B)`, 'json');
};

const apiGet: Gen = (rng) => {
  const path = rng.pick(['/api/v1/me', '/api/v2/orders', '/api/v1/products', '/api/v1/notifications', '/api/v3/search', '/v1/status', '/health', '/api/v1/items/' + rng.int(1, 9999)]);
  const q = rng.chance(0.6) ? `?${formPairs(queryPairs(rng), componentEncode)}` : '';
  const headers = rng.chance(0.5) ? apiHeaders(rng) : browserHeaders(rng, { xhr: true });
  const method = rng.weighted([[20, 'GET'], [1, 'DELETE']] as const);
  return req('api-get', 'query', method, path + q, headers, undefined, `${method} ${path}`, 'component');
};

const multipart: Gen = (rng) => {
  const boundary = rng.pick([`----WebKitFormBoundary${rng.alnum(16)}`, `---------------------------${rng.digits(28)}`, `${rng.hex(32)}`, `----geckoformboundary${rng.hex(32)}`]);
  const parts: Buffer[] = [];
  const field = (name: string, value: string): void => {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`, 'latin1'));
  };
  const file = (name: string, filename: string, type: string, data: Buffer): void => {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`, 'latin1'), data, Buffer.from('\r\n', 'latin1'));
  };
  const kind = rng.pick(['avatar', 'document', 'csv', 'gallery', 'text', 'logfile']);
  if (rng.chance(0.6)) field('_token', rng.alnum(40));
  switch (kind) {
    case 'avatar': {
      const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), rng.bytes(rng.int(200, 4000))]);
      field('display_name', utf8(rng.pick(NAMES)));
      file('avatar', utf8(rng.pick(['me.png', 'photo (1).png', 'profilbild_groß.png', "john's pic.png", 'IMG_2041.PNG'])), 'image/png', png);
      break;
    }
    case 'document': {
      const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n', 'latin1'), rng.bytes(rng.int(500, 8000)), Buffer.from('\n%%EOF\n')]);
      field('title', utf8(rng.pick(['Invoice March', 'Vertrag (unterschrieben)', 'CV – 2024', 'Quarterly report Q3'])));
      file('document', rng.pick(['invoice-2024-03.pdf', 'contract signed.pdf', 'cv_2024.pdf', 'report-q3.pdf']), 'application/pdf', pdf);
      break;
    }
    case 'csv': {
      const rows = ['id,name,email,city'];
      for (let i = 0; i < rng.int(3, 40); i++) rows.push(`${i + 1},"${rng.pick(NAMES)}",${email(rng)},"${rng.pick(['Berlin', 'Paris', 'Köln', 'New York, NY'])}"`);
      file('import', 'contacts.csv', rng.pick(['text/csv', 'application/vnd.ms-excel']), Buffer.from(rows.join('\r\n'), 'utf8'));
      field('has_header', 'on');
      break;
    }
    case 'gallery': {
      field('album', rng.pick(WORDS));
      for (let i = 0; i < rng.int(2, 4); i++) file('photos[]', `DSC_${rng.digits(4)}.jpg`, 'image/jpeg', Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), rng.bytes(rng.int(300, 3000))]));
      field('caption', freeText(rng, 10, 100));
      break;
    }
    case 'logfile': {
      // A support upload of a web server log: request lines inside a file.
      const lines: string[] = [];
      for (let i = 0; i < rng.int(3, 30); i++) lines.push(`203.0.113.${rng.int(1, 254)} - - [${rng.int(10, 28)}/Oct/2024:13:${rng.int(10, 59)}:${rng.int(10, 59)} +0000] "${rng.pick(['GET', 'POST', 'HEAD'])} ${benignPath(rng)} HTTP/1.1" ${rng.pick([200, 200, 304, 404])} ${rng.int(100, 99999)} "-" "Mozilla/5.0"`);
      field('ticket', String(rng.int(10000, 99999)));
      file('log', rng.pick(['access.log', 'nginx-access.txt']), 'text/plain', Buffer.from(lines.join('\n') + '\n', 'latin1'));
      break;
    }
    default: {
      field('subject', utf8(rng.pick(['Bug report', 'Logs attached', 'Übersetzung'])));
      field('description', freeText(rng, 40, 500));
      file('attachment', rng.pick(['notes.txt', 'README.md', 'output.log']), 'text/plain', Buffer.from(freeText(rng, 100, 2000), 'latin1'));
    }
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  const body = Buffer.concat(parts);
  return req('multipart', 'multipart', 'POST', rng.pick(['/upload', '/account/avatar', '/documents/new', '/import/contacts', '/support/ticket']), browserHeaders(rng, { contentType: `multipart/form-data; boundary=${boundary}`, origin: true }), body, `${kind} upload (${body.length} B)`, 'multipart');
};

const xml: Gen = (rng) => {
  const kind = rng.pick(['soap', 'soap12', 'xmlrpc', 'order', 'rss']);
  let text: string;
  let ct: string;
  switch (kind) {
    case 'soap':
      ct = 'text/xml; charset=utf-8';
      text = `<?xml version="1.0" encoding="utf-8"?>\n<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="http://www.example.org/stock">\n  <soap:Header><m:Auth token="${rng.alnum(24)}"/></soap:Header>\n  <soap:Body>\n    <m:GetPrice><m:Item>${xmlText(rng.pick(WORDS))}</m:Item><m:Qty>${rng.int(1, 99)}</m:Qty></m:GetPrice>\n  </soap:Body>\n</soap:Envelope>\n`;
      break;
    case 'soap12':
      ct = 'application/soap+xml; charset=utf-8';
      text = `<?xml version="1.0"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><p:UpdateCustomer xmlns:p="urn:example:crm"><p:Name>${xmlText(utf8(rng.pick(NAMES)))}</p:Name><p:Note>${xmlText(freeText(rng, 10, 200))}</p:Note></p:UpdateCustomer></env:Body></env:Envelope>`;
      break;
    case 'xmlrpc':
      ct = 'text/xml';
      text = `<?xml version="1.0"?>\n<methodCall><methodName>${rng.pick(['blogger.getUsersBlogs', 'metaWeblog.getRecentPosts', 'system.listMethods', 'demo.sayHello'])}</methodName><params><param><value><string>${rng.lower(8)}</string></value></param><param><value><int>${rng.int(1, 50)}</int></value></param></params></methodCall>\n`;
      break;
    case 'order':
      ct = 'application/xml';
      text = `<?xml version="1.0" encoding="UTF-8"?>\n<!-- exported by ${rng.pick(['ShopSync', 'ERP bridge', 'order-tool'])} v${rng.int(1, 9)}.${rng.int(0, 9)} -->\n<order id="${rng.int(1000, 99999)}" xmlns="urn:example:orders"><customer email="${xmlAttr(email(rng))}">${xmlText(utf8(rng.pick(NAMES)))}</customer>${Array.from({ length: rng.int(1, 5) }, () => `<line sku="SKU-${rng.int(1000, 9999)}" qty="${rng.int(1, 9)}"/>`).join('')}<comment><![CDATA[${freeText(rng, 10, 150)}]]></comment></order>\n`;
      break;
    default:
      ct = 'application/xml; charset=utf-8';
      text = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${xmlText(rng.pick(WORDS))} news</title><item><title>${xmlText(freeText(rng, 10, 60))}</title><link>https://${host(rng)}/blog/${slug(rng)}</link><description>${xmlText(freeText(rng, 20, 300))}</description></item></channel></rss>`;
  }
  const body = Buffer.from(text, 'latin1');
  return req('xml', 'xml', 'POST', rng.pick(['/soap/StockService', '/xmlrpc.php', '/api/orders.xml', '/services/CustomerService', '/feeds/import']), apiHeaders(rng, { contentType: ct, extra: kind.startsWith('soap') ? [['SOAPAction', `"urn:example#${rng.pick(['GetPrice', 'UpdateCustomer'])}"`]] : [] }), body, `${kind} XML`, 'xml');
};

const preflight: Gen = (rng) => {
  const h = host(rng);
  const headers: Headers = [['Host', rng.pick(['api.example.net', h])], ['Accept', '*/*'], ['Access-Control-Request-Method', rng.pick(['POST', 'PUT', 'DELETE', 'PATCH'])], ['Access-Control-Request-Headers', rng.pick(['content-type', 'authorization,content-type', 'x-requested-with'])], ['Origin', `https://${h}`], ['User-Agent', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'], ['Sec-Fetch-Mode', 'cors'], ['Referer', `https://${h}/`], ['Accept-Encoding', 'gzip, deflate, br'], ['Accept-Language', 'en-US,en;q=0.9']];
  return req('preflight', 'headers', 'OPTIONS', `/api/v1/${rng.pick(['orders', 'cart', 'users/me'])}`, headers, undefined, 'CORS preflight', 'plain');
};

/** Long values: long query strings, long cookies, long comments, big JSON. */
const longValues: Gen = (rng) => {
  const which = rng.pick(['query', 'cookie', 'form', 'json', 'header']);
  const long = freeText(rng, 1500, 6000);
  switch (which) {
    case 'query':
      return req('long-values', 'query', 'GET', `/share?text=${componentEncode(long.slice(0, 3000))}&url=${componentEncode(`https://${host(rng)}/blog/${slug(rng, 6)}`)}`, browserHeaders(rng), undefined, 'long query');
    case 'cookie': {
      const extra = [`tracking=${Buffer.from(long.slice(0, 2000), 'latin1').toString('base64')}`];
      return req('long-values', 'cookie', 'GET', benignPath(rng), browserHeaders(rng, { cookie: cookieHeader(rng, extra) }), undefined, 'long cookie');
    }
    case 'form':
      return req('long-values', 'form', 'POST', '/blog/comment', browserHeaders(rng, { contentType: 'application/x-www-form-urlencoded' }), Buffer.from(formPairs([['comment', long], ['post', String(rng.int(1, 999))]]), 'latin1'), 'long comment');
    case 'json': {
      const items = Array.from({ length: rng.int(50, 200) }, (_, i) => ({ id: i, name: `${rng.pick(WORDS)} ${rng.pick(WORDS)}`, price: rng.int(100, 9999) / 100, tags: rng.sample(WORDS, 3), inStock: rng.chance(0.7) }));
      return req('long-values', 'json', 'POST', '/api/v1/catalog/import', apiHeaders(rng, { contentType: 'application/json' }), Buffer.from(JSON.stringify({ items }), 'utf8'), 'big JSON', 'json');
    }
    default:
      return req('long-values', 'header', 'GET', benignPath(rng), browserHeaders(rng, { extra: [['X-Client-State', Buffer.from(long.slice(0, 3000), 'latin1').toString('base64url')]] }), undefined, 'long custom header', 'plain');
  }
};

/** Benign text that looks a little like code or markup: forum posts, snippets, markdown. */
const tricky: Gen = (rng) => {
  const snippets = [
    "for (let i = 0; i < items.length; i++) { total += items[i].price; }",
    'if (a > b && b > c) { return a; }',
    "const name = user?.name ?? 'anonymous';",
    'def greet(name):\n    return f"Hello, {name}!"',
    "SELECT name, price FROM products WHERE price < 20 ORDER BY price;",
    'UPDATE settings SET theme = \'dark\' WHERE user_id = 42;',
    'git commit -m "fix: handle empty list"',
    'npm install --save-dev typescript',
    'ls -la ~/projects | grep src',
    '<b>bold</b> and <i>italic</i> are supported',
    '**Note:** use `Array.prototype.map()` for this.',
    '# Heading\n\n- item one\n- item two\n\n> quoted text',
    'The formula is =SUM(A1:A10)/COUNT(A1:A10)',
    'Regex: ^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$',
    'C:\\Users\\anna\\Documents\\report.docx',
    '/home/anna/notes/todo.txt',
    'println!("{:?}", vec![1, 2, 3]);',
    'x = [i**2 for i in range(10) if i % 2 == 0]',
    'Use `docker run -p 8080:80 nginx` to start it.',
    'The <select> element needs an <option> child.',
    'I paid 3 x 19.99 = 59.97 in total.',
    'echo $HOME prints your home directory',
    "He said: 'it's fine' and left.",
    'Wait -- what? That costs 1,000 dollars?!',
    'See https://example.org/docs?id=5&lang=en#section-2',
  ];
  const text = utf8(rng.pick(snippets) + (rng.chance(0.4) ? '\n\n' + rng.pick(snippets) : ''));
  const carrier = rng.pick(['form', 'json', 'query', 'multipart']);
  if (carrier === 'form') return req('tricky-benign', 'form', 'POST', rng.pick(['/forum/reply', '/wiki/edit', '/snippets/new', '/questions/ask']), browserHeaders(rng, { contentType: 'application/x-www-form-urlencoded', origin: true }), Buffer.from(formPairs([['title', utf8(rng.pick(['Question about loops', 'Help with SQL', 'Markdown test', 'Shell one-liner']))], ['body', text], ['tags', 'help']]), 'latin1'), 'code snippet in forum post');
  if (carrier === 'json') return req('tricky-benign', 'json', 'POST', '/api/v1/notes', browserHeaders(rng, { xhr: true, contentType: 'application/json', origin: true }), Buffer.from(`{"title":"snippet","content":${jsonString(text)},"lang":"${rng.pick(['js', 'py', 'sql', 'sh', 'md'])}"}`, 'latin1'), 'code snippet in JSON', 'json');
  if (carrier === 'query') return req('tricky-benign', 'query', 'GET', `/search?q=${formEncode(text.slice(0, 200))}`, browserHeaders(rng), undefined, 'code snippet in search');
  const boundary = `----WebKitFormBoundary${rng.alnum(16)}`;
  const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="message"\r\n\r\n${text}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="snippet.txt"\r\nContent-Type: text/plain\r\n\r\n${text}\r\n--${boundary}--\r\n`, 'latin1');
  return req('tricky-benign', 'multipart', 'POST', '/paste', browserHeaders(rng, { contentType: `multipart/form-data; boundary=${boundary}` }), body, 'code snippet upload', 'multipart');
};

export const BENIGN: Array<[number, string, Gen]> = [
  [22, 'browse', browse],
  [14, 'search', search],
  [12, 'form-post', formPost],
  [12, 'json-api', jsonApi],
  [8, 'api-get', apiGet],
  [7, 'multipart', multipart],
  [6, 'xml', xml],
  [3, 'preflight', preflight],
  [6, 'long-values', longValues],
  [10, 'tricky-benign', tricky],
];
