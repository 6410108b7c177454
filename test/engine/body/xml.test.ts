import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileXPath, evaluateXPath, parseXml } from '../../../src/engine/body/index.js';

const ERROR = 'XML parsing error: XML: Failed parsing document.';

/** XML:/* and XML://@* as CRS reads them. */
function crsView(body: string): { root: string[]; attrs: string[]; error: string | null } {
  const r = parseXml(body);
  return {
    root: r.doc ? evaluateXPath(r.doc, '/*') : [],
    attrs: r.doc ? evaluateXPath(r.doc, '//@*') : [],
    error: r.error,
  };
}

// Checked against libmodsecurity 3.0.9 + libxml2 (Debian 12).
const cases: Array<{ name: string; body: string; root: string[]; attrs: string[]; error?: string }> = [
  {
    name: 'text content, entities, CDATA; comments and PIs left out',
    body: '<a x="1" y="t\tu\nv">\n  <b z="2">hi &amp; &#65;&#x42;</b><![CDATA[<cd>]]><!--c--><?pi x?>tail</a>',
    root: ['\n  hi & AB<cd>tail'],
    attrs: ['1', 't u v', '2'],
  },
  { name: 'namespace declarations are not attributes', body: '<a xmlns="urn:x" xmlns:p="urn:p" p:q="1">t</a>', root: ['t'], attrs: ['1'] },
  { name: 'internal entity expands', body: '<!DOCTYPE a [<!ENTITY e "hello">]><a>&e;</a>', root: ['hello'], attrs: [] },
  { name: 'external entity is never loaded (XXE)', body: '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>', root: [''], attrs: [] },
  { name: 'undeclared entity with an external DTD is a warning only', body: '<!DOCTYPE a SYSTEM "x.dtd"><a>&undef;</a>', root: [''], attrs: [] },
  { name: 'ISO-8859-1 declared encoding', body: '<?xml version="1.0" encoding="ISO-8859-1"?><a>\xe9</a>', root: ['\xc3\xa9'], attrs: [] },
  { name: 'UTF-8 stays UTF-8 bytes', body: '<a>\xc3\xa9</a>', root: ['\xc3\xa9'], attrs: [] },
  { name: 'UTF-8 BOM', body: '\xef\xbb\xbf<a>bom</a>', root: ['bom'], attrs: [] },
  { name: 'prolog, CRLF normalisation, escaped attribute', body: '<?xml version="1.0"?>\n<!-- c -->\n<r><x a="&lt;&quot;">1</x>\r\n<y>2</y></r>\n', root: ['1\n2'], attrs: ['<"'] },
  { name: 'whitespace around the root', body: '  <a>ws</a>  ', root: ['ws'], attrs: [] },
  // Not well formed: the partial tree stays readable, as with libxml2.
  { name: 'mismatched tag', body: '<a><b>x</a>', root: ['x'], attrs: [], error: ERROR },
  { name: 'junk after the root', body: '<a>x</a>junk', root: ['x'], attrs: [], error: ERROR },
  { name: 'invalid UTF-8', body: '<a>\xe9</a>', root: [''], attrs: [], error: ERROR },
  { name: 'undeclared entity', body: '<a>&undef;</a>', root: [''], attrs: [], error: ERROR },
  { name: 'two roots', body: '<a/><b/>', root: [''], attrs: [], error: ERROR },
  { name: 'duplicate attribute', body: '<a b="1" b="2"/>', root: [], attrs: [], error: ERROR },
  { name: 'control character', body: '<a>\x01</a>', root: [''], attrs: [], error: ERROR },
  { name: ']]> in text', body: '<a>]]></a>', root: [''], attrs: [], error: ERROR },
  { name: 'NUL character reference', body: '<a>&#0;</a>', root: [''], attrs: [], error: ERROR },
  { name: 'empty body', body: '', root: [], attrs: [], error: ERROR },
];

for (const c of cases) {
  test(`xml: ${c.name}`, () => {
    const v = crsView(c.body);
    assert.deepEqual(v.root, c.root);
    assert.deepEqual(v.attrs, c.attrs);
    assert.equal(v.error, c.error ?? null);
  });
}

test('xml: billion laughs does not expand', () => {
  const lol = '<!DOCTYPE l [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><l>&c;&c;&c;</l>';
  const v = crsView(lol);
  assert.deepEqual(v.root, ['']);
});

test('xml: expansion of a large internal entity is capped', () => {
  const big = 'x'.repeat(100_000);
  const body = `<!DOCTYPE l [<!ENTITY e "${big}">]><l>${'&e;'.repeat(200)}</l>`;
  const r = parseXml(body);
  assert.equal(r.error, ERROR);
});

test('xml: 100k nested elements', () => {
  const n = 100_000;
  const r = parseXml('<a>'.repeat(n) + 'deep' + '</a>'.repeat(n));
  assert.equal(r.error, null);
  assert.deepEqual(evaluateXPath(r.doc!, '/*'), ['deep']);
  assert.equal(evaluateXPath(r.doc!, '//a').length, n);
});

test('xml: 10 MB body with many attributes', () => {
  const item = '<i k="v" n="1">t</i>';
  const count = Math.ceil((10 * 1024 * 1024) / item.length);
  const r = parseXml('<r>' + item.repeat(count) + '</r>');
  assert.equal(r.error, null);
  assert.equal(evaluateXPath(r.doc!, '//@*').length, count * 2);
  assert.equal(evaluateXPath(r.doc!, '/*')[0]!.length, count);
});

test('xml: unterminated 10 MB document', () => {
  const r = parseXml('<a b="' + 'x'.repeat(10 * 1024 * 1024));
  assert.equal(r.error, ERROR);
});

// XPath subset.
const doc = parseXml(
  '<?xml version="1.0"?><r xmlns:p="urn:p"><u id="1" role="admin">alice</u><u id="2">bob<!--x--></u>' +
    '<g><u id="3">carol</u><v>  spaced   out </v></g><p:s p:k="pv">ns</p:s><t><![CDATA[cd]]></t></r>',
).doc!;

const xpathCases: Array<{ expr: string; ns?: Record<string, string>; values: string[] }> = [
  { expr: '/*', values: ['alicebobcarol  spaced   out nscd'] },
  { expr: '/r/u', values: ['alice', 'bob'] },
  { expr: 'r/u', values: ['alice', 'bob'] },
  { expr: '//u', values: ['alice', 'bob', 'carol'] },
  { expr: '//u/@id', values: ['1', '2', '3'] },
  { expr: '//@*', values: ['1', 'admin', '2', '3', 'pv'] },
  { expr: '//u[@role]', values: ['alice'] },
  { expr: "//u[@id='2']", values: ['bob'] },
  { expr: '//u[@id!=2]', values: ['alice', 'carol'] },
  { expr: '//u[2]', values: ['bob'] },
  { expr: '//u[last()]', values: ['bob', 'carol'] },
  { expr: '(//u)[last()]', values: ['carol'] },
  { expr: '//u[position() > 1]', values: ['bob'] },
  { expr: "//u[text()='carol']", values: ['carol'] },
  { expr: "//u[contains(., 'li')]", values: ['alice'] },
  { expr: "//u[starts-with(@role, 'ad') and @id = 1]", values: ['alice'] },
  { expr: '//g/*', values: ['carol', '  spaced   out '] },
  { expr: '//v/text()', values: ['  spaced   out '] },
  { expr: "//*[normalize-space(.)='spaced out']", values: ['  spaced   out '] },
  { expr: '//u/..', values: ['alicebobcarol  spaced   out nscd', 'carol  spaced   out '] },
  { expr: '//u[@id=3]/ancestor::*', values: ['alicebobcarol  spaced   out nscd', 'carol  spaced   out '] },
  { expr: '//comment()', values: ['x'] },
  { expr: '//t/text()', values: ['cd'] },
  { expr: '//u | //v', values: ['alice', 'bob', 'carol', '  spaced   out '] },
  { expr: '//s', values: [] },
  { expr: '//p:s', ns: { p: 'urn:p' }, values: ['ns'] },
  { expr: '//p:*/@p:k', ns: { p: 'urn:p' }, values: ['pv'] },
  { expr: '//p:s', values: [] },
  { expr: "//u[count(../u) = 2][1]", values: ['alice'] },
  { expr: '//u[string-length(.) = 3]', values: ['bob'] },
  { expr: "//u[not(@role)]", values: ['bob', 'carol'] },
  { expr: "//*[local-name()='s']", values: ['ns'] },
  { expr: '/descendant::u[1]', values: ['alice'] },
  { expr: 'count(//u)', values: [] },
];

for (const c of xpathCases) {
  test(`xpath: ${c.expr}`, () => {
    assert.deepEqual(evaluateXPath(doc, c.expr, c.ns), c.values);
  });
}

for (const bad of ['//u[', '$x', '//following::u', 'id("1")', '//u[@id="1"', '', '/r/u)']) {
  test(`xpath: unsupported or malformed "${bad}" is reported and yields nothing`, () => {
    const c = compileXPath(bad);
    assert.equal(c.ok, false);
    if (!c.ok) assert.match(c.error, /^unsupported XPath expression/);
    assert.deepEqual(evaluateXPath(doc, bad), []);
  });
}
