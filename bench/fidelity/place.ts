/**
 * Puts a payload into a request: which part carries it (query, path, body in four formats,
 * cookie, header, argument name) and how it is encoded there.
 */
import type { Rng } from './prng.js';
import type { FidelityRequest } from './types.js';
import { base64, componentEncode, doubleEncode, formEncode, fullEncode, jsonString, jsonUnicodeEscape, overlongEncode, rawEncode, unicodeEncode, xmlAttr, xmlText } from './encode.js';
import { apiHeaders, benignPath, browserHeaders, host, type Headers } from './common.js';
import { formPairs } from './benign.js';

export type Carrier = 'query' | 'path' | 'form' | 'json' | 'json-key' | 'xml' | 'xml-attr' | 'multipart' | 'filename' | 'cookie' | 'header-ua' | 'header-referer' | 'header-xff' | 'header-custom' | 'arg-name';

export interface PlaceOptions {
  /** Parameter names that fit the payload (`id`, `file`, `url`, ...). */
  params: string[];
  carriers: ReadonlyArray<readonly [number, Carrier]>;
  /** URL encodings to choose from for query/form/cookie/path/arg-name. */
  urlEncodings?: ReadonlyArray<readonly [number, string]>;
  /** Override the request path. */
  path?: string;
}

const DEFAULT_URL_ENCODINGS: ReadonlyArray<readonly [number, string]> = [[10, 'raw'], [8, 'component'], [5, 'form'], [2, 'full'], [2, 'double'], [1, 'unicode'], [1, 'lower']];

export function urlEncodeAs(encoding: string, bytes: string): string {
  switch (encoding) {
    case 'raw': return rawEncode(bytes);
    case 'component': return componentEncode(bytes);
    case 'form': return formEncode(bytes);
    case 'full': return fullEncode(bytes);
    case 'lower': return fullEncode(bytes, true);
    case 'double': return doubleEncode(bytes);
    case 'unicode': return unicodeEncode(bytes);
    case 'overlong': return overlongEncode(bytes);
    case 'none': return bytes;
    default: throw new Error(`unknown URL encoding ${encoding}`);
  }
}

/** Attack-tool headers: a script or scanner rather than a browser. */
export function toolHeaders(rng: Rng, opts: { contentType?: string; ua?: string; extra?: Headers } = {}): Headers {
  const h: Headers = [['Host', host(rng)]];
  h.push(['User-Agent', opts.ua ?? rng.pick(['curl/7.88.1', 'curl/8.5.0', 'python-requests/2.31.0', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', 'Go-http-client/1.1', 'Wget/1.21.3', 'Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0', 'python-urllib3/2.0.7', 'Java/11.0.22'])]);
  h.push(['Accept', rng.pick(['*/*', '*/*', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'application/json'])]);
  if (opts.contentType) h.push(['Content-Type', opts.contentType]);
  if (rng.chance(0.3)) h.push(['Accept-Encoding', 'gzip, deflate']);
  if (rng.chance(0.3)) h.push(['Connection', rng.pick(['close', 'keep-alive'])]);
  if (opts.extra) h.push(...opts.extra);
  return h;
}

function headersFor(rng: Rng, contentType: string | undefined, extra: Headers, opts: { ua?: string; referer?: string | null; cookie?: string | null } = {}): Headers {
  if (rng.chance(0.45)) {
    const o: Parameters<typeof toolHeaders>[1] = { extra };
    if (contentType) o.contentType = contentType;
    if (opts.ua) o.ua = opts.ua;
    const h = toolHeaders(rng, o);
    if (opts.referer) h.push(['Referer', opts.referer]);
    if (opts.cookie) h.push(['Cookie', opts.cookie]);
    return h;
  }
  const o: Parameters<typeof browserHeaders>[1] = { extra };
  if (contentType) o.contentType = contentType;
  if (opts.referer !== undefined) o.referer = opts.referer;
  if (opts.cookie !== undefined) o.cookie = opts.cookie;
  const h = browserHeaders(rng, o);
  if (opts.ua) {
    const i = h.findIndex(([n]) => n === 'User-Agent');
    if (i >= 0) h[i] = ['User-Agent', opts.ua];
  }
  return h;
}

/** A header value must not carry CR, LF or NUL (front ends would reject the request). */
function headerSafe(bytes: string): string {
  return bytes.replace(/[\r\n\0]+/g, ' ');
}

function appPath(rng: Rng, opts: PlaceOptions): string {
  return opts.path ?? rng.pick(['/index.php', '/search', '/product.php', '/api/v1/items', '/page', '/view', '/user/profile', '/cgi-bin/app.cgi', '/app/', benignPath(rng)]);
}

export function place(rng: Rng, family: string, payload: string, note: string, opts: PlaceOptions): Omit<FidelityRequest, 'id'> {
  const carrier = rng.weighted(opts.carriers);
  const param = rng.pick(opts.params);
  const urlEnc = rng.weighted(opts.urlEncodings ?? DEFAULT_URL_ENCODINGS);
  const base = { kind: 'attack' as const, family, carrier, version: 'HTTP/1.1', note };
  const filler = (): string => (rng.chance(0.5) ? `${rng.pick(['page', 'lang', 'sort', 'ref'])}=${rng.pick(['1', 'en', 'asc', 'home'])}` : '');
  const joinQ = (...parts: string[]): string => parts.filter(Boolean).join('&');
  const path = appPath(rng, opts);

  switch (carrier) {
    case 'query': {
      const f = filler();
      const target = `${path.split('?')[0]}?${rng.chance(0.5) ? joinQ(f, `${param}=${urlEncodeAs(urlEnc, payload)}`) : joinQ(`${param}=${urlEncodeAs(urlEnc, payload)}`, f)}`;
      return { ...base, encoding: urlEnc, method: 'GET', target, headers: headersFor(rng, undefined, []) };
    }
    case 'arg-name': {
      const target = `${path.split('?')[0]}?${urlEncodeAs(urlEnc, payload)}=${rng.pick(['1', 'x', 'true', ''])}`;
      return { ...base, encoding: urlEnc, method: 'GET', target, headers: headersFor(rng, undefined, []) };
    }
    case 'path': {
      const enc = urlEncodeAs(urlEnc === 'form' ? 'component' : urlEnc, payload).replace(/\?/g, '%3F');
      const prefix = rng.pick(['/static/', '/files/', '/download/', '/', '/app/view/', '/images/', '/cgi-bin/']);
      // Keep a leading slash (a request-target must start with one); the payload may bring its own.
      const target = (prefix + enc).replace(/^\/\/+/, '/');
      return { ...base, encoding: urlEnc, method: 'GET', target, headers: headersFor(rng, undefined, []) };
    }
    case 'form': {
      const body = Buffer.from(joinQ(filler(), `${param}=${urlEncodeAs(urlEnc === 'unicode' || urlEnc === 'double' ? urlEnc : rng.pick(['form', 'raw', 'component']), payload)}`, filler()), 'latin1');
      const ct = rng.chance(0.85) ? 'application/x-www-form-urlencoded' : 'application/x-www-form-urlencoded; charset=UTF-8';
      return { ...base, encoding: urlEnc, method: 'POST', target: path.split('?')[0]!, headers: headersFor(rng, ct, []), body };
    }
    case 'json': {
      const esc = rng.chance(0.2);
      const value = esc ? jsonUnicodeEscape(payload) : jsonString(payload);
      const shape = rng.int(0, 3);
      const text = shape === 0 ? `{"${param}":${value}}` : shape === 1 ? `{"data":{"${param}":${value},"page":${rng.int(1, 9)}}}` : shape === 2 ? `[{"id":${rng.int(1, 99)},"${param}":${value}}]` : `{"items":[${value},"ok"],"${param}":"x"}`;
      return { ...base, encoding: esc ? 'json-unicode' : 'json', method: 'POST', target: rng.pick(['/api/v1/search', '/api/v2/items', '/graphql', '/api/users', '/rest/data']), headers: rng.chance(0.5) ? apiHeaders(rng, { contentType: 'application/json' }) : headersFor(rng, 'application/json', []), body: Buffer.from(text, 'latin1') };
    }
    case 'json-key': {
      const text = `{${jsonString(payload)}:"${rng.pick(['1', 'x', 'value'])}","id":${rng.int(1, 99)}}`;
      return { ...base, encoding: 'json', method: 'POST', target: '/api/v1/update', headers: headersFor(rng, 'application/json', []), body: Buffer.from(text, 'latin1') };
    }
    case 'xml': {
      const cdata = rng.chance(0.3) && !payload.includes(']]>');
      const inner = cdata ? `<![CDATA[${payload}]]>` : xmlText(payload);
      const text = rng.chance(0.5)
        ? `<?xml version="1.0" encoding="UTF-8"?>\n<request><${param}>${inner}</${param}><page>1</page></request>\n`
        : `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><q:Query xmlns:q="urn:example"><q:${param}>${inner}</q:${param}></q:Query></soap:Body></soap:Envelope>`;
      return { ...base, encoding: cdata ? 'xml-cdata' : 'xml-escaped', method: 'POST', target: rng.pick(['/soap/Service', '/api/xml', '/xmlrpc.php', '/services/Query']), headers: headersFor(rng, rng.pick(['text/xml', 'application/xml', 'application/soap+xml; charset=utf-8', 'text/xml; charset=UTF-8']), []), body: Buffer.from(text, 'latin1') };
    }
    case 'xml-attr': {
      const text = `<?xml version="1.0"?><request><item ${param}="${xmlAttr(payload)}" id="${rng.int(1, 99)}"/></request>`;
      return { ...base, encoding: 'xml-escaped', method: 'POST', target: '/api/xml', headers: headersFor(rng, 'application/xml', []), body: Buffer.from(text, 'latin1') };
    }
    case 'multipart': {
      const boundary = `----WebKitFormBoundary${rng.alnum(16)}`;
      const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${rng.pick(['title', 'name'])}"\r\n\r\n${rng.pick(['hello', 'test', 'report'])}\r\n--${boundary}\r\nContent-Disposition: form-data; name="${param}"\r\n\r\n${payload}\r\n--${boundary}--\r\n`, 'latin1');
      return { ...base, encoding: 'multipart', method: 'POST', target: rng.pick(['/upload', '/contact', '/submit', '/profile/update']), headers: headersFor(rng, `multipart/form-data; boundary=${boundary}`, []), body };
    }
    case 'filename': {
      const boundary = `----WebKitFormBoundary${rng.alnum(16)}`;
      const fname = payload.replace(/["\r\n]/g, (c) => (c === '"' ? '%22' : ''));
      const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fname}"\r\nContent-Type: ${rng.pick(['application/octet-stream', 'text/plain', 'image/png'])}\r\n\r\n${rng.pick(['hello world', 'GIF89a....', 'data,1,2,3'])}\r\n--${boundary}--\r\n`, 'latin1');
      return { ...base, encoding: 'multipart', method: 'POST', target: rng.pick(['/upload', '/media/upload', '/attachments']), headers: headersFor(rng, `multipart/form-data; boundary=${boundary}`, []), body };
    }
    case 'cookie': {
      const enc = urlEnc === 'raw' ? rawEncode(payload, '') : urlEncodeAs(urlEnc === 'form' ? 'component' : urlEnc, payload);
      const value = rng.chance(0.1) ? base64(payload) : enc;
      const cookie = rng.chance(0.5) ? `${param}=${value}` : `session=${rng.hex(32)}; ${param}=${value}; theme=dark`;
      return { ...base, encoding: value === enc ? urlEnc : 'base64', method: 'GET', target: benignPath(rng), headers: headersFor(rng, undefined, [], { cookie }) };
    }
    case 'header-ua':
      return { ...base, encoding: 'plain', method: 'GET', target: benignPath(rng), headers: headersFor(rng, undefined, [], { ua: headerSafe(payload) }) };
    case 'header-referer': {
      const ref = rng.chance(0.5) ? headerSafe(payload) : `https://${host(rng)}/search?q=${componentEncode(payload)}`;
      return { ...base, encoding: ref.startsWith('https://') ? 'component' : 'plain', method: 'GET', target: benignPath(rng), headers: headersFor(rng, undefined, [], { referer: ref }) };
    }
    case 'header-xff':
      return { ...base, encoding: 'plain', method: 'GET', target: benignPath(rng), headers: headersFor(rng, undefined, [[rng.pick(['X-Forwarded-For', 'X-Real-IP', 'X-Client-IP', 'Forwarded']), headerSafe(payload)]]) };
    default: {
      const name = rng.pick(['X-Api-Version', 'X-Custom-Header', 'X-Search', 'X-Token', 'Authorization', 'X-Original-URL', 'Accept-Language', 'X-Correlation-ID', 'Origin']);
      return { ...base, encoding: 'plain', method: 'GET', target: benignPath(rng), headers: headersFor(rng, undefined, [[name, headerSafe(payload)]]) };
    }
  }
}

export const ALL_CARRIERS: ReadonlyArray<readonly [number, Carrier]> = [
  [30, 'query'], [14, 'form'], [10, 'json'], [2, 'json-key'], [5, 'xml'], [1, 'xml-attr'], [6, 'multipart'], [7, 'cookie'], [3, 'header-ua'], [3, 'header-referer'], [2, 'header-xff'], [3, 'header-custom'], [3, 'arg-name'], [2, 'path'],
];

export { formPairs };
