/**
 * Protocol-level traffic: what CRS's protocol enforcement (920/921/922) looks at — methods,
 * versions, missing or odd headers, restricted headers, content types and charsets, byte
 * ranges, URL-encoding errors, NUL and raw 8-bit bytes, smuggling and response-splitting
 * strings, malformed JSON/XML/multipart bodies, oversized bodies, absolute-form targets.
 * Some of these are requests one HTTP front end rejects and the other accepts: the report
 * keeps those apart as front-end differences.
 */
import type { Rng } from './prng.js';
import type { FidelityRequest } from './types.js';
import { browserHeaders, benignPath, host, type Headers } from './common.js';
import { toolHeaders } from './place.js';
import { formPairs } from './benign.js';
import { componentEncode } from './encode.js';

type Gen = (rng: Rng) => Omit<FidelityRequest, 'id'>;

function preq(family: string, carrier: string, method: string, target: string, headers: Headers, note: string, extra: Partial<FidelityRequest> = {}): Omit<FidelityRequest, 'id'> {
  return { kind: 'protocol', family, carrier, encoding: 'plain', method, target, version: 'HTTP/1.1', headers, note, ...extra };
}

const methods: Gen = (rng) => {
  const m = rng.pick(['PUT', 'DELETE', 'PATCH', 'TRACE', 'PROPFIND', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'SEARCH', 'PURGE', 'REPORT', 'DEBUG', 'TRACK', 'FOO', 'CONNECT', 'OPTIONS', 'HEAD']);
  const target = m === 'CONNECT' ? `${host(rng)}:443` : benignPath(rng);
  const headers = toolHeaders(rng);
  const body = m === 'PUT' || m === 'PATCH' || m === 'PROPFIND' ? Buffer.from(m === 'PROPFIND' ? '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:allprop/></d:propfind>' : '{"name":"x"}', 'latin1') : undefined;
  if (body) headers.push(['Content-Type', m === 'PROPFIND' ? 'application/xml' : 'application/json']);
  if (m === 'PROPFIND') headers.push(['Depth', '1']);
  const r = preq('method', 'method', m, target, headers, `method ${m}`);
  if (body) r.body = body;
  return r;
};

const versions: Gen = (rng) => {
  const v = rng.pick(['HTTP/1.0', 'HTTP/1.0', 'HTTP/1.0', 'HTTP/1.2', 'HTTP/2.0', 'HTTP/0.9', 'HTTP/3.0', 'HTTP/1.1']);
  const headers = rng.chance(0.5) ? toolHeaders(rng) : browserHeaders(rng);
  if (v === 'HTTP/1.0' && rng.chance(0.5)) headers.splice(headers.findIndex(([n]) => n === 'Host'), 1);
  return preq('version', 'request-line', 'GET', benignPath(rng), headers, `version ${v}${headers.some(([n]) => n === 'Host') ? '' : ' without Host'}`, { version: v });
};

const hostHeader: Gen = (rng) => {
  const kind = rng.pick(['numeric', 'numeric-port', 'ipv6', 'empty', 'missing', 'localhost', 'odd-chars', 'duplicate', 'port-only', 'underscore']);
  const headers = browserHeaders(rng);
  const i = headers.findIndex(([n]) => n === 'Host');
  switch (kind) {
    case 'numeric': headers[i] = ['Host', `${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`]; break;
    case 'numeric-port': headers[i] = ['Host', `127.0.0.1:${rng.int(80, 9000)}`]; break;
    case 'ipv6': headers[i] = ['Host', '[::1]:8080']; break;
    case 'empty': headers[i] = ['Host', '']; break;
    case 'missing': headers.splice(i, 1); break;
    case 'localhost': headers[i] = ['Host', 'localhost']; break;
    case 'odd-chars': headers[i] = ['Host', rng.pick(['www.example.com:80:80', 'www.example.com@evil.example', 'www.example.com/evil', 'exa mple.com', "www.example.com'"])]; break;
    case 'duplicate': headers.splice(i + 1, 0, ['Host', 'evil.example']); break;
    case 'port-only': headers[i] = ['Host', ':8080']; break;
    default: headers[i] = ['Host', 'my_host.example.com'];
  }
  return preq('host-header', 'header', 'GET', benignPath(rng), headers, `Host ${kind}`);
};

const missingHeaders: Gen = (rng) => {
  const kind = rng.pick(['no-accept', 'no-ua', 'empty-ua', 'empty-accept', 'bare', 'no-accept-post']);
  let headers: Headers;
  let body: Buffer | undefined;
  if (kind === 'bare') headers = [['Host', host(rng)]];
  else {
    headers = toolHeaders(rng);
    if (kind === 'no-accept' || kind === 'no-accept-post') headers = headers.filter(([n]) => n !== 'Accept');
    if (kind === 'no-ua') headers = headers.filter(([n]) => n !== 'User-Agent');
    if (kind === 'empty-ua') headers = headers.map(([n, v]) => [n, n === 'User-Agent' ? '' : v]);
    if (kind === 'empty-accept') headers = headers.map(([n, v]) => [n, n === 'Accept' ? '' : v]);
    if (kind === 'no-accept-post') {
      headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
      body = Buffer.from('a=1&b=2');
    }
  }
  const r = preq('missing-headers', 'header', body ? 'POST' : 'GET', benignPath(rng), headers, kind);
  if (body) r.body = body;
  return r;
};

const restrictedHeaders: Gen = (rng) => {
  const [name, value] = rng.pick<[string, string]>([
    ['Proxy', `http://${host(rng)}:8080`], ['Content-Encoding', 'gzip'], ['Lock-Token', '<opaquelocktoken:x>'], ['Content-Range', 'bytes 0-10/100'], ['If', '(<urn:x>)'], ['X-HTTP-Method-Override', 'PUT'], ['X-HTTP-Method', 'DELETE'],
    ['X-Method-Override', 'PATCH'], ['X-Middleware-Subrequest', 'middleware:middleware:middleware:middleware:middleware'], ['Expect', '100-continue'], ['Accept-Charset', 'utf-8, iso-8859-1;q=0.5'], ['Proxy-Connection', 'keep-alive'], ['Max-Forwards', '0'], ['Via', '1.1 proxy.example'],
  ]);
  const post = name === 'Expect' || name === 'Content-Encoding' || rng.chance(0.3);
  const headers = browserHeaders(rng, post ? { contentType: 'application/x-www-form-urlencoded' } : {});
  headers.push([rng.chance(0.2) ? name.toLowerCase() : name, value]);
  const r = preq('restricted-header', 'header', post ? 'POST' : 'GET', benignPath(rng), headers, `${name}: ${value}`);
  if (post) r.body = Buffer.from(formPairs([['a', 'b'], ['c', 'd']]));
  return r;
};

const contentTypes: Gen = (rng) => {
  const kind = rng.pick(['text-plain', 'octet', 'charset-utf7', 'charset-ibm', 'no-ctype', 'ctype-get', 'json-charset', 'weird-multipart', 'csv', 'yaml', 'missing-semicolon', 'uppercase', 'form-charset-latin1', 'x-amf', 'json-plus', 'duplicate-ctype']);
  let ct: string | null;
  let body: Buffer = Buffer.from('{"a":1}');
  let method = 'POST';
  switch (kind) {
    case 'text-plain': ct = 'text/plain'; body = Buffer.from('hello world'); break;
    case 'octet': ct = 'application/octet-stream'; body = rng.bytes(64); break;
    case 'charset-utf7': ct = 'application/x-www-form-urlencoded; charset=utf-7'; body = Buffer.from('a=%2BADw-script%2BAD4-'); break;
    case 'charset-ibm': ct = 'application/json; charset=ibm037'; break;
    case 'no-ctype': ct = null; body = Buffer.from('a=1&b=2'); break;
    case 'ctype-get': ct = 'application/json'; method = 'GET'; break;
    case 'json-charset': ct = 'application/json; charset=utf-8; charset=utf-7'; break;
    case 'weird-multipart': ct = 'multipart/form-data'; body = Buffer.from('--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n'); break;
    case 'csv': ct = 'text/csv'; body = Buffer.from('a,b\n1,2\n'); break;
    case 'yaml': ct = 'application/x-yaml'; body = Buffer.from('a: 1\n'); break;
    case 'missing-semicolon': ct = 'application/x-www-form-urlencoded charset=utf-8'; body = Buffer.from('a=1'); break;
    case 'uppercase': ct = 'APPLICATION/JSON'; break;
    case 'form-charset-latin1': ct = 'application/x-www-form-urlencoded; charset=ISO-8859-1'; body = Buffer.from('name=M%FCller'); break;
    case 'x-amf': ct = 'application/x-amf'; body = rng.bytes(32); break;
    case 'json-plus': ct = 'application/vnd.api+json'; break;
    default: ct = 'application/json'; break;
  }
  const headers = toolHeaders(rng);
  if (ct !== null) headers.push(['Content-Type', ct]);
  if (kind === 'duplicate-ctype') headers.push(['Content-Type', 'text/plain']);
  return preq('content-type', 'header', method, rng.pick(['/api/v1/items', '/submit', '/form']), headers, `Content-Type ${kind}`, { body });
};

const ranges: Gen = (rng) => {
  const kind = rng.pick(['many', 'reverse', 'huge-first', 'normal', 'request-range', 'negative']);
  let value: string;
  switch (kind) {
    case 'many': value = 'bytes=' + Array.from({ length: rng.int(6, 40) }, (_, i) => `${i * 10}-${i * 10 + 5}`).join(','); break;
    case 'reverse': value = `bytes=${rng.int(100, 999)}-${rng.int(1, 99)}`; break;
    case 'huge-first': value = `bytes=0-18446744073709551615`; break;
    case 'request-range': value = 'bytes=0-1,2-3'; break;
    case 'negative': value = `bytes=-${rng.int(1, 500)}`; break;
    default: value = `bytes=0-${rng.int(100, 9999)}`;
  }
  const headers = toolHeaders(rng);
  headers.push([kind === 'request-range' ? 'Request-Range' : 'Range', value]);
  return preq('range', 'header', 'GET', rng.pick(['/downloads/big.iso', '/video.mp4', '/', '/files/report.pdf']), headers, `Range ${kind}`);
};

const urlOddities: Gen = (rng) => {
  const kind = rng.pick(['bad-pct', 'nul', 'raw-8bit', 'raw-utf8', 'invalid-utf8', 'double', 'pct-u', 'fullwidth', 'dot-segments', 'encoded-slash', 'long-path', 'many-args', 'semicolon-params', 'empty-args', 'backslash', 'fragment', 'absolute-form', 'ctl-byte', 'bad-pct-body']);
  const headers = browserHeaders(rng);
  let target: string;
  let body: Buffer | undefined;
  let method = 'GET';
  switch (kind) {
    case 'bad-pct': target = `/search?q=${rng.pick(['100%', '%zz', '%4', 'a%%b', '%u12', '%G1'])}`; break;
    case 'nul': target = rng.pick([`/search?q=abc%00def`, `/file.php%00.jpg`, `/x?name=%00`]); break;
    case 'raw-8bit': target = `/search?q=caf\xe9&city=M\xfcnchen`; break;
    case 'raw-utf8': target = `/wiki/Caf\xc3\xa9?q=\xe6\x9d\xb1\xe4\xba\xac`; break;
    case 'invalid-utf8': target = `/search?q=${rng.pick(['%c3%28', '%e2%82', '%ff%fe', '%f0%28%8c%bc', '%c0%af'])}`; break;
    case 'double': target = `/search?q=${rng.pick(['%2527', '%253Cscript%253E', '%252e%252e%252f', '%25%32%37'])}`; break;
    case 'pct-u': target = `/search?q=%u0027%u003c${rng.lower(3)}`; break;
    case 'fullwidth': target = `/search?q=${componentEncode('\xef\xbc\x9cscript\xef\xbc\x9e')}`; break;
    case 'dot-segments': target = rng.pick(['/a/./b/../c', '/static//js///app.js', '/images/../index.html', '/./', '/a/b/../../../c']); break;
    case 'encoded-slash': target = rng.pick(['/files/a%2fb', '/api/v1/users%2F42', '/a%5cb']); break;
    case 'long-path': target = '/' + Array.from({ length: rng.int(50, 200) }, () => rng.lower(rng.int(3, 10))).join('/'); break;
    case 'many-args': target = '/search?' + Array.from({ length: rng.int(100, 300) }, (_, i) => `a${i}=${rng.int(0, 9)}`).join('&'); break;
    case 'semicolon-params': target = `/shop;jsessionid=${rng.alnum(32)}?item=${rng.int(1, 99)}`; break;
    case 'empty-args': target = rng.pick(['/search?&&&', '/search?=', '/search?a', '/search?a=&=b', '/search?a=1&a=2&a=3']); break;
    case 'backslash': target = rng.pick(['/static\\js\\app.js', '/a\\..\\b']); break;
    case 'fragment': target = '/page#section'; break;
    case 'absolute-form': target = `http://${headers[0]![1]}/products/${rng.lower(5)}`; break;
    case 'ctl-byte': target = rng.pick(['/search?q=a\x01b', '/x\x7fy', '/search?q=a\tb']); break;
    default:
      method = 'POST';
      target = '/submit';
      headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
      body = Buffer.from(rng.pick(['a=%zz&b=1', 'q=100%', 'x=%u0027', 'n=%00', 'p=%c0%ae%c0%ae%2f']));
  }
  const r = preq('url', 'target', method, target, headers, `URL ${kind}`);
  if (body) r.body = body;
  return r;
};

const smuggling: Gen = (rng) => {
  const kind = rng.pick(['smuggle-arg', 'split-arg', 'split-header-arg', 'crlf-argname', 'cl-te', 'te-obfuscated', 'chunked-ok', 'te-http10', 'cl-mismatch-lower', 'header-lf']);
  const h = host(rng);
  const base = toolHeaders(rng);
  switch (kind) {
    case 'smuggle-arg':
      return preq('smuggling', 'query', 'GET', `/page?x=${componentEncode(`a\r\n\r\nGET /admin HTTP/1.1\r\nHost: ${h}\r\n\r\n`)}`, base, 'request line in argument');
    case 'split-arg':
      return preq('smuggling', 'query', 'GET', `/redirect?to=${rng.pick(['%0d%0aSet-Cookie:%20session=evil', '%0d%0aContent-Length:%200%0d%0a%0d%0aHTTP/1.1%20200%20OK', '%0aLocation:%20http://evil.example', 'x%0d%0a%0d%0a<script>alert(1)</script>'])}`, base, 'response splitting in argument');
    case 'split-header-arg':
      return preq('smuggling', 'form', 'POST', '/lang', [...base, ['Content-Type', 'application/x-www-form-urlencoded']], 'header injection in body', { body: Buffer.from(`lang=en%0d%0aX-Injected:%20yes&x=${rng.pick(['1', '%0d%0aRefresh:%200;url=http://evil.example'])}`) });
    case 'crlf-argname':
      return preq('smuggling', 'arg-name', 'GET', `/page?${rng.pick(['a%0d%0aX-Foo: bar=1', 'x%0aSet-Cookie:a=1=2', '%0d%0aLocation:%20/x=1'])}`.replace(/ /g, '%20'), base, 'CRLF in argument name');
    case 'cl-te':
      return preq('smuggling', 'framing', 'POST', '/submit', [...base, ['Content-Type', 'application/x-www-form-urlencoded'], ['Content-Length', '9'], ['Transfer-Encoding', 'chunked']], 'Content-Length with Transfer-Encoding', { rawFraming: true, body: Buffer.from('4\r\na=12\r\n0\r\n\r\n') });
    case 'te-obfuscated':
      return preq('smuggling', 'framing', 'POST', '/submit', [...base, ['Content-Type', 'application/x-www-form-urlencoded'], ['Transfer-Encoding', rng.pick(['chunked, identity', 'identity, chunked', ' chunked', 'xchunked', 'Chunked'])]], 'obfuscated Transfer-Encoding', { rawFraming: true, body: Buffer.from('4\r\na=12\r\n0\r\n\r\n') });
    case 'chunked-ok':
      return { ...preq('smuggling', 'framing', 'POST', '/submit', [...base, ['Content-Type', 'application/x-www-form-urlencoded']], 'chunked body (benign framing)'), chunked: true, body: Buffer.from(formPairs([['name', 'value'], ['x', String(rng.int(1, 99))]])) };
    case 'te-http10':
      return preq('smuggling', 'framing', 'POST', '/submit', [...base, ['Content-Type', 'application/x-www-form-urlencoded'], ['Transfer-Encoding', 'chunked']], 'chunked on HTTP/1.0', { version: 'HTTP/1.0', rawFraming: true, body: Buffer.from('4\r\na=12\r\n0\r\n\r\n') });
    case 'cl-mismatch-lower':
      return preq('smuggling', 'framing', 'POST', '/submit', [...base, ['Content-Type', 'application/x-www-form-urlencoded'], ['content-length', '3']], 'lower-case content-length', { rawFraming: true, body: Buffer.from('a=1') });
    default:
      return preq('smuggling', 'header', 'GET', '/', [...base, ['X-Foo', rng.pick(['bar\tbaz', 'a  b', 'caf\xe9', '\xe2\x82\xac'])]], 'odd bytes in a header value');
  }
};

const badBodies: Gen = (rng) => {
  const kind = rng.pick(['json-broken', 'json-deep', 'json-trailing', 'xml-broken', 'xml-entity-undef', 'mp-no-final', 'mp-lf-only', 'mp-data-before', 'mp-quoted-boundary', 'mp-missing-cd', 'mp-header-folding', 'mp-unmatched', 'big-form', 'json-empty', 'json-dup-keys', 'json-bom', 'mp-semicolon-filename']);
  const headers = (ct: string): Headers => toolHeaders(rng, { contentType: ct });
  const b = `----b${rng.alnum(12)}`;
  switch (kind) {
    case 'json-broken': return preq('bad-body', 'json', 'POST', '/api/v1/items', headers('application/json'), 'broken JSON', { body: Buffer.from(rng.pick(['{"a":1,', '{a:1}', "{'a':'b'}", '[1,2,,3]', '{"a":"\\x41"}', 'null x', '{"a":tru}'])) });
    case 'json-deep': return preq('bad-body', 'json', 'POST', '/api/v1/items', headers('application/json'), 'deep JSON', { body: ((n: number) => Buffer.from('['.repeat(n) + '1' + ']'.repeat(n)))(rng.int(100, 700)) });
    case 'json-trailing': return preq('bad-body', 'json', 'POST', '/api/v1/items', headers('application/json'), 'JSON with trailing data', { body: Buffer.from('{"a":1} {"b":2}') });
    case 'xml-broken': return preq('bad-body', 'xml', 'POST', '/api/xml', headers('application/xml'), 'broken XML', { body: Buffer.from(rng.pick(['<a><b></a>', '<?xml version="1.0"?><root>', 'not xml at all', '<a attr=noquotes/>', '<a>&bogus;</a>'])) });
    case 'xml-entity-undef': return preq('bad-body', 'xml', 'POST', '/api/xml', headers('text/xml'), 'XML with undefined entity', { body: Buffer.from('<?xml version="1.0"?><r>&undefined;</r>') });
    case 'mp-no-final': return preq('bad-body', 'multipart', 'POST', '/upload', headers(`multipart/form-data; boundary=${b}`), 'multipart without final boundary', { body: Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n`) });
    case 'mp-lf-only': return preq('bad-body', 'multipart', 'POST', '/upload', headers(`multipart/form-data; boundary=${b}`), 'multipart with LF line ends', { body: Buffer.from(`--${b}\nContent-Disposition: form-data; name="a"\n\n1\n--${b}--\n`) });
    case 'mp-data-before': return preq('bad-body', 'multipart', 'POST', '/upload', headers(`multipart/form-data; boundary=${b}`), 'multipart data before first boundary', { body: Buffer.from(`preamble\r\n--${b}\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--${b}--\r\nepilogue`) });
    case 'mp-quoted-boundary': return preq('bad-body', 'multipart', 'POST', '/upload', headers(`multipart/form-data; boundary="${b}"`), 'quoted multipart boundary', { body: Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--${b}--\r\n`) });
    case 'mp-missing-cd': return preq('bad-body', 'multipart', 'POST', '/upload', headers(`multipart/form-data; boundary=${b}`), 'multipart part without Content-Disposition', { body: Buffer.from(`--${b}\r\nContent-Type: text/plain\r\n\r\n1\r\n--${b}--\r\n`) });
    case 'mp-header-folding': return preq('bad-body', 'multipart', 'POST', '/upload', headers(`multipart/form-data; boundary=${b}`), 'multipart header folding', { body: Buffer.from(`--${b}\r\nContent-Disposition: form-data;\r\n name="a"\r\n\r\n1\r\n--${b}--\r\n`) });
    case 'mp-unmatched': return preq('bad-body', 'multipart', 'POST', '/upload', headers(`multipart/form-data; boundary=${b}`), 'multipart with a near-miss boundary', { body: Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--${b}x\r\n--${b}--\r\n`) });
    case 'mp-semicolon-filename': return preq('bad-body', 'multipart', 'POST', '/upload', headers(`multipart/form-data; boundary=${b}`), 'multipart odd filename quoting', { body: Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="f"; filename="a;b.txt"; filename*=UTF-8''x.php\r\n\r\n1\r\n--${b}--\r\n`) });
    case 'big-form': return preq('bad-body', 'form', 'POST', '/submit', headers('application/x-www-form-urlencoded'), 'form body over SecRequestBodyNoFilesLimit', { body: Buffer.from('data=' + 'a'.repeat(rng.int(131073, 140000))) });
    case 'json-empty': return preq('bad-body', 'json', 'POST', '/api/v1/items', headers('application/json'), 'empty JSON body', { body: Buffer.alloc(0) });
    case 'json-dup-keys': return preq('bad-body', 'json', 'POST', '/api/v1/items', headers('application/json'), 'JSON duplicate keys', { body: Buffer.from('{"a":1,"a":"<script>x</script>","b":{"c":[1,{"d":"e"}]}}') });
    default: return preq('bad-body', 'json', 'POST', '/api/v1/items', headers('application/json'), 'JSON with BOM', { body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]) });
  }
};

const cookies: Gen = (rng) => {
  const value = rng.pick(['novalue', '$Version=1; session="abc"; $Path=/', '', 'a=b; a=c', 'x="quoted value"', '=nokey', 'a=1;;b=2', 'a=1; b', 'x=%zz', 'session=abc%00def', 'theme=dark;lang=de', 'x=' + 'y'.repeat(rng.int(4000, 7000)), 'a=\xe4\xf6\xfc']);
  return preq('cookie', 'cookie', 'GET', benignPath(rng), browserHeaders(rng, { cookie: value }), `cookie ${JSON.stringify(value.slice(0, 30))}`);
};

const headerOddities: Gen = (rng) => {
  const kind = rng.pick(['many-headers', 'long-header', 'dup-ua', 'lowercase-all', 'x-forwarded', 'underscore-name', 'numeric-name', 'empty-value', 'utf8-value', 'tab-value']);
  let headers = browserHeaders(rng);
  switch (kind) {
    case 'many-headers': for (let i = 0; i < rng.int(30, 90); i++) headers.push([`X-Custom-${i}`, rng.alnum(10)]); break;
    case 'long-header': headers.push(['X-Long', rng.alnum(rng.int(4000, 7000))]); break;
    case 'dup-ua': headers.push(['User-Agent', 'SecondAgent/1.0']); break;
    case 'lowercase-all': headers = headers.map(([n, v]) => [n.toLowerCase(), v]); break;
    case 'x-forwarded': headers.push(['X-Forwarded-For', `${rng.int(1, 223)}.${rng.int(0, 255)}.1.1, 10.0.0.1`], ['X-Forwarded-Proto', 'https'], ['X-Forwarded-Host', host(rng)]); break;
    case 'underscore-name': headers.push(['X_Forwarded_For', '127.0.0.1']); break;
    case 'numeric-name': headers.push(['123', 'abc']); break;
    case 'empty-value': headers.push(['X-Empty', '']); break;
    case 'utf8-value': headers.push(['X-Name', '\xc3\x9cber Caf\xc3\xa9']); break;
    default: headers.push(['X-Tab', 'a\tb']);
  }
  return preq('header-oddity', 'header', 'GET', benignPath(rng), headers, `headers ${kind}`);
};

export const PROTOCOL: Array<[number, string, Gen]> = [
  [6, 'method', methods],
  [3, 'version', versions],
  [5, 'host-header', hostHeader],
  [5, 'missing-headers', missingHeaders],
  [6, 'restricted-header', restrictedHeaders],
  [6, 'content-type', contentTypes],
  [3, 'range', ranges],
  [10, 'url', urlOddities],
  [5, 'smuggling', smuggling],
  [8, 'bad-body', badBodies],
  [3, 'cookie', cookies],
  [4, 'header-oddity', headerOddities],
];
