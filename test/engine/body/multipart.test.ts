import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMultipart } from '../../../src/engine/body/index.js';
import type { MultipartOptions, MultipartResult } from '../../../src/engine/body/index.js';

// Every expectation here was checked against libmodsecurity 3.0.9 (Debian 12), except
// where a comment says v3 ≥ 3.0.10 (rejectInvalidHeaderNames, MULTIPART_PART_HEADERS
// without line endings).

const CT = 'multipart/form-data; boundary=b';
const OPTS: MultipartOptions = { fileLimit: 100 };
const cd = (name: string, extra = ''): string => `Content-Disposition: form-data; name="${name}"${extra}\r\n`;
const field = (name: string, value: string): string => `--b\r\n${cd(name)}\r\n${value}\r\n`;
const END = '--b--\r\n';
const E = (msg: string): string => 'Multipart parsing error: Multipart: ' + msg;

function parse(body: string, ct = CT, opts: MultipartOptions = OPTS): MultipartResult {
  return parseMultipart(body, ct, opts);
}

/** Flags that differ from 0, for compact assertions. */
function raised(r: MultipartResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(r.flags)) if (v !== 0) out[k] = v;
  return out;
}

test('multipart: fields, file part and MULTIPART_PART_HEADERS', () => {
  const body =
    field('a', 'v1') +
    `--b\r\ncontent-disposition: form-data; name="e"\r\n\r\n\r\n` +
    `--b\r\n${cd('f', '; filename="x.txt"')}Content-Type: text/plain\r\n\r\nf1\r\nf2\r\n` +
    END;
  const r = parse(body);
  assert.equal(r.error, null);
  assert.deepEqual(r.args, [['a', 'v1'], ['e', '']]);
  assert.deepEqual(r.files, [{ fieldName: 'f', filename: 'x.txt', size: 6, contentType: 'text/plain', content: '' }]);
  assert.deepEqual(r.partHeaders, [
    ['a', 'Content-Disposition: form-data; name="a"'],
    ['e', 'content-disposition: form-data; name="e"'],
    ['f', 'Content-Disposition: form-data; name="f"; filename="x.txt"'],
    ['f', 'Content-Type: text/plain'],
  ]);
  assert.deepEqual(r.names, ['a', 'e', 'f']);
  assert.deepEqual(r.filenames, ['x.txt']);
  assert.equal(r.lastName, 'f');
  assert.equal(r.lastFilename, 'x.txt');
  // v3 sets MULTIPART_UNMATCHED_BOUNDARY to 2 once a second boundary of ours is seen.
  assert.deepEqual(raised(r), { MULTIPART_UNMATCHED_BOUNDARY: 2 });
});

test('multipart: line breaks inside a field value are dropped (v3 quirk)', () => {
  const r = parse(field('a', 'l1\r\nl2\nl3') + END);
  assert.deepEqual(r.args, [['a', 'l1l2l3']]);
});

test('multipart: saved files give FILES_TMP_CONTENT without line breaks; size counts them', () => {
  const r = parse(`--b\r\n${cd('f', '; filename="a.txt"')}\r\nl1\r\nl2\nl3\r\n\r\nl5\r\n` + END, CT, { fileLimit: 100, saveFiles: true });
  assert.equal(r.files[0]!.content, 'l1l2l3l5');
  assert.equal(r.files[0]!.size, 15);
});

test('multipart: long lines are handled in 4096-byte pieces', () => {
  const r = parse(`--b\r\n${cd('f', '; filename="a"')}\r\n${'A'.repeat(5000)}${'B'.repeat(5000)}\r\nC\r\n` + END, CT, { fileLimit: 0, saveFiles: true });
  assert.equal(r.files[0]!.size, 10003);
  assert.equal(r.files[0]!.content, 'A'.repeat(5000) + 'B'.repeat(5000) + 'C');
});

test('multipart: RFC 2046 boundary characters', () => {
  const bd = "0123456789AaBbZz '()+_,-./:=?";
  const r = parse(`--${bd}\r\n${cd('a')}\r\nv\r\n--${bd}--\r\n`, `multipart/form-data; boundary=${bd}`);
  assert.equal(r.error, null);
  assert.deepEqual(r.args, [['a', 'v']]);
});

test('multipart: a line starting with our boundary plus junk aborts (final check then wins)', () => {
  const r = parse(field('a', 'v') + '--bb\r\n' + END);
  assert.equal(r.error, E('Final boundary missing.'));
  assert.deepEqual(r.args, []);
  assert.equal(r.flags.MULTIPART_STRICT_ERROR, 1);
});

test('multipart: final boundary without line ending', () => {
  const r = parse(field('a', 'val') + '--b--');
  assert.equal(r.error, null);
  assert.deepEqual(r.args, [['a', 'val']]);
});

test('multipart: empty body is not an error', () => {
  const r = parse('');
  assert.equal(r.error, null);
  assert.deepEqual(r.args, []);
});

test('multipart: header folding joins with a space', () => {
  const r = parse(`--b\r\nContent-Disposition: form-data;\r\n name="a"\r\n\r\nv\r\n` + END);
  assert.deepEqual(r.args, [['a', 'v']]);
  assert.deepEqual(r.partHeaders, [['a', 'Content-Disposition: form-data; name="a"']]);
});

test('multipart: a repeated part header is dropped silently', () => {
  const r = parse(`--b\r\n${cd('a')}${cd('q')}X-A: 1\r\n\r\nv\r\n` + END);
  assert.deepEqual(r.args, [['a', 'v']]);
  assert.equal(r.error, null);
  assert.deepEqual(r.partHeaders, [['a', 'Content-Disposition: form-data; name="a"'], ['a', 'X-A: 1']]);
});

const paramCases: Array<{ name: string; cd: string; args: Array<[string, string]>; files?: string[]; error?: string; flags?: Record<string, number> }> = [
  { name: 'single quotes', cd: "form-data; name='ab'", args: [['ab', 'v']], flags: { MULTIPART_INVALID_QUOTING: 1, MULTIPART_STRICT_ERROR: 1 } },
  { name: "' inside double quotes is fine", cd: `form-data; name="a'b"`, args: [["a'b", 'v']] },
  { name: "' in an unquoted value", cd: "form-data; name=a'b", args: [["a'b", 'v']], flags: { MULTIPART_INVALID_QUOTING: 1, MULTIPART_STRICT_ERROR: 1 } },
  { name: 'escapes in quoted values', cd: 'form-data; name="a\\"b\\\\c\\d"', args: [['a"b\\c\\d', 'v']] },
  { name: 'unterminated quote ends the header', cd: 'form-data; name="abc', args: [['abc', 'v']] },
  { name: 'filename makes a file part', cd: 'form-data; name="f"; filename="../../etc/passwd"', args: [], files: ['../../etc/passwd'] },
  { name: 'filename* alongside filename', cd: "form-data; name=\"f\"; filename=\"a.txt\"; filename*=UTF-8''%C3%A9.txt", args: [], files: ['a.txt'] },
  // The C-D error leaves the part in its header state: the next boundary is then
  // "data that contains our boundary" (invalid part), and the last error wins.
  { name: 'filename* alone', cd: "form-data; name=\"f\"; filename*=UTF-8''a.txt", args: [], error: E('Final boundary missing.'), flags: { MULTIPART_INVALID_PART: 1, MULTIPART_STRICT_ERROR: 1 } },
  { name: 'unknown parameter', cd: 'form-data; name="a"; foo="x"', args: [], error: E('Final boundary missing.'), flags: { MULTIPART_INVALID_PART: 1, MULTIPART_STRICT_ERROR: 1 } },
  { name: 'duplicate name', cd: 'form-data; name="a"; name="b"', args: [], error: E('Final boundary missing.'), flags: { MULTIPART_INVALID_PART: 1, MULTIPART_STRICT_ERROR: 1 } },
  { name: 'junk after a quoted value', cd: 'form-data; name="a"x', args: [], error: E('Final boundary missing.'), flags: { MULTIPART_INVALID_QUOTING: 1, MULTIPART_INVALID_PART: 1, MULTIPART_STRICT_ERROR: 1 } },
  { name: 'no name', cd: 'form-data', args: [], error: E('Final boundary missing.'), flags: { MULTIPART_INVALID_PART: 1, MULTIPART_STRICT_ERROR: 1 } },
  { name: 'not form-data', cd: 'Form-Data; name="a"', args: [], error: E('Final boundary missing.'), flags: { MULTIPART_INVALID_PART: 1, MULTIPART_STRICT_ERROR: 1 } },
  { name: 'trailing semicolon', cd: 'form-data; name="a";', args: [['a', 'v']] },
];

for (const c of paramCases) {
  test(`multipart: Content-Disposition ${c.name}`, () => {
    const r = parse(`--b\r\nContent-Disposition: ${c.cd}\r\n\r\nv\r\n` + END);
    assert.deepEqual(r.args, c.args);
    assert.deepEqual(r.files.map((f) => f.filename), c.files ?? []);
    assert.equal(r.error, c.error ?? null);
    const expected = { MULTIPART_UNMATCHED_BOUNDARY: c.error ? 0 : 2, ...(c.flags ?? {}) };
    if (expected.MULTIPART_UNMATCHED_BOUNDARY === 0) delete (expected as Record<string, number>).MULTIPART_UNMATCHED_BOUNDARY;
    assert.deepEqual(raised(r), expected);
  });
}

// Content-Type (boundary) handling: errors and flags.
const ctCases: Array<{ name: string; ct: string; error: string | null; flags: Record<string, number>; args?: Array<[string, string]> }> = [
  { name: 'quoted boundary', ct: 'multipart/form-data; boundary="b"', error: null, flags: { MULTIPART_BOUNDARY_QUOTED: 1, MULTIPART_STRICT_ERROR: 1, MULTIPART_UNMATCHED_BOUNDARY: 2 }, args: [['a', 'v']] },
  { name: 'whitespace before =', ct: 'multipart/form-data; boundary =b', error: null, flags: { MULTIPART_BOUNDARY_WHITESPACE: 1, MULTIPART_STRICT_ERROR: 1, MULTIPART_UNMATCHED_BOUNDARY: 2 }, args: [['a', 'v']] },
  { name: 'missing semicolon', ct: 'multipart/form-data boundary=b', error: null, flags: { MULTIPART_MISSING_SEMICOLON: 1, MULTIPART_STRICT_ERROR: 1, MULTIPART_UNMATCHED_BOUNDARY: 2 }, args: [['a', 'v']] },
  { name: 'charset after the boundary is tolerated', ct: CT + '; charset=UTF-8', error: null, flags: { MULTIPART_UNMATCHED_BOUNDARY: 2 }, args: [['a', 'v']] },
  { name: 'leading whitespace becomes part of the boundary', ct: 'multipart/form-data; boundary= b', error: E('No boundaries found in payload.'), flags: { MULTIPART_BOUNDARY_WHITESPACE: 1, MULTIPART_DATA_BEFORE: 1, MULTIPART_UNMATCHED_BOUNDARY: 1, MULTIPART_STRICT_ERROR: 1 } },
  { name: 'malformed', ct: 'multipart/form-data; x; boundary=b', error: E('Invalid boundary in C-T (malformed).'), flags: { MULTIPART_STRICT_ERROR: 1 } },
  { name: 'case sensitivity', ct: 'multipart/form-data; BOUNDARY=b', error: E('Invalid boundary in C-T (case sensitivity).'), flags: { MULTIPART_STRICT_ERROR: 1 } },
  { name: 'no boundary', ct: 'multipart/form-data', error: E('Boundary not found in C-T.'), flags: { MULTIPART_STRICT_ERROR: 1, MULTIPART_MISSING_SEMICOLON: 0 } },
  { name: 'two boundaries', ct: 'multipart/form-data; boundary=a; boundary=b', error: E('Multiple boundary parameters in C-T.'), flags: { MULTIPART_STRICT_ERROR: 1 } },
  { name: 'partial quote', ct: 'multipart/form-data; boundary="b', error: E('Invalid boundary in C-T (quote).'), flags: { MULTIPART_STRICT_ERROR: 1 } },
  { name: 'bad characters', ct: 'multipart/form-data; boundary=b!x', error: E('Invalid boundary in C-T (characters).'), flags: { MULTIPART_STRICT_ERROR: 1 } },
  // "boundary" without a later '=' is not counted: this boundary is valid (and unused here).
  { name: '"boundary" as the boundary', ct: 'multipart/form-data; boundary=boundary', error: E('No boundaries found in payload.'), flags: { MULTIPART_DATA_BEFORE: 1, MULTIPART_UNMATCHED_BOUNDARY: 1, MULTIPART_STRICT_ERROR: 1 } },
  { name: 'parameter name', ct: 'multipart/form-data; boundaryx=b', error: E('Invalid boundary in C-T (parameter name).'), flags: { MULTIPART_STRICT_ERROR: 1 } },
  { name: 'not form-data', ct: 'multipart/mixed; boundary=b', error: E('Invalid MIME type.'), flags: { MULTIPART_STRICT_ERROR: 1 } },
  { name: 'too long', ct: 'multipart/form-data; boundary=' + 'x'.repeat(1024), error: E('Invalid boundary in C-T (length).'), flags: { MULTIPART_STRICT_ERROR: 1 } },
  { name: 'missing header', ct: '', error: E('Content-Type header not available.'), flags: { MULTIPART_STRICT_ERROR: 1 } },
  // v3 gives up without a message on an empty boundary.
  { name: 'empty boundary', ct: 'multipart/form-data; boundary=', error: null, flags: {} },
  { name: 'empty quoted boundary', ct: 'multipart/form-data; boundary=""', error: null, flags: {} },
];

for (const c of ctCases) {
  test(`multipart: C-T ${c.name}`, () => {
    const r = parse(field('a', 'v') + END, c.ct);
    assert.equal(r.error, c.error);
    const flags = { ...c.flags };
    for (const k of Object.keys(flags)) if (flags[k] === 0) delete flags[k];
    assert.deepEqual(raised(r), flags);
    assert.deepEqual(r.args, c.args ?? []);
  });
}

// One crafted body per flag.
const flagCases: Array<{ flag: string; body: string; ct?: string; opts?: MultipartOptions; error?: string | null; also?: Record<string, number> }> = [
  { flag: 'MULTIPART_BOUNDARY_QUOTED', ct: 'multipart/form-data; boundary="b"', body: field('a', 'v') + END },
  { flag: 'MULTIPART_BOUNDARY_WHITESPACE', ct: 'multipart/form-data; boundary\t=b', body: field('a', 'v') + END },
  { flag: 'MULTIPART_DATA_BEFORE', body: 'junk\r\n' + field('a', 'v') + END },
  { flag: 'MULTIPART_DATA_AFTER', body: field('a', 'v') + END + 'junk' },
  { flag: 'MULTIPART_HEADER_FOLDING', body: `--b\r\nContent-Disposition: form-data;\r\n\tname="a"\r\n\r\nv\r\n` + END },
  { flag: 'MULTIPART_INVALID_HEADER_FOLDING', body: `--b\r\nContent-Disposition: form-data;\r\n\x0b name="a"\r\n\r\nv\r\n` + END, also: { MULTIPART_HEADER_FOLDING: 1 } },
  { flag: 'MULTIPART_INVALID_PART', body: `--b\r\n${cd('a')}\r\n--b--` },
  { flag: 'MULTIPART_INVALID_QUOTING', body: `--b\r\nContent-Disposition: form-data; name='a'\r\n\r\nv\r\n` + END },
  { flag: 'MULTIPART_LF_LINE', body: `--b\nContent-Disposition: form-data; name="a"\n\nv\n--b--\n` },
  { flag: 'MULTIPART_CRLF_LF_LINES', body: `--b\r\n${cd('a')}\r\nval\n--b--\r\n`, also: { MULTIPART_LF_LINE: 1 } },
  { flag: 'MULTIPART_MISSING_SEMICOLON', ct: 'multipart/form-data boundary=b', body: field('a', 'v') + END },
  { flag: 'MULTIPART_UNMATCHED_BOUNDARY', body: `--b\r\n${cd('a')}\r\nv\r\n--c\r\n--b--\r\n` },
  { flag: 'MULTIPART_FILE_LIMIT_EXCEEDED', opts: { fileLimit: 1, saveFiles: true }, body: `--b\r\n${cd('f', '; filename="a"')}\r\nx\r\n--b\r\n${cd('g', '; filename="b"')}\r\ny\r\n` + END, error: E('Upload file limit exceeded 1. Use SecUploadFileLimit to change the limit.') },
];

for (const c of flagCases) {
  test(`multipart flag: ${c.flag}`, () => {
    const r = parse(c.body, c.ct ?? CT, c.opts ?? OPTS);
    assert.ok(r.flags[c.flag]! >= 1, `${c.flag} should be raised`);
    if (c.flag !== 'MULTIPART_UNMATCHED_BOUNDARY' && c.flag !== 'MULTIPART_CRLF_LF_LINES') assert.equal(r.flags.MULTIPART_STRICT_ERROR, 1);
    for (const [k, v] of Object.entries(c.also ?? {})) assert.equal(r.flags[k], v, k);
    assert.equal(r.error, c.error ?? null);
  });
}

test('multipart flag: MULTIPART_UNMATCHED_BOUNDARY is 1 for a foreign boundary on the last line', () => {
  const r = parse(`--b\r\n${cd('a')}\r\nx --b y\r\n` + END);
  // Seen as 1 inside the part, then set to 2 by the final boundary of ours.
  assert.equal(r.flags.MULTIPART_UNMATCHED_BOUNDARY, 2);
  const only = parse(`--b\r\n${cd('a')}\r\nx --b y\r\n`);
  assert.equal(only.flags.MULTIPART_UNMATCHED_BOUNDARY, 1);
  assert.equal(only.error, E('Final boundary missing.'));
});

test('multipart flag: MULTIPART_STRICT_ERROR is 0 for a clean body and ignores CRLF_LF and UNMATCHED', () => {
  assert.equal(parse(field('a', 'v') + END).flags.MULTIPART_STRICT_ERROR, 0);
});

// Errors (REQBODY_ERROR_MSG as v3 words it, including which error wins).
const errorCases: Array<{ name: string; body: string; error: string; args?: Array<[string, string]>; flags?: Record<string, number> }> = [
  { name: 'no final boundary', body: field('a', 'val'), error: E('Final boundary missing.') },
  { name: 'no boundaries at all', body: 'hello\r\nworld\r\n', error: E('No boundaries found in payload.'), flags: { MULTIPART_DATA_BEFORE: 1, MULTIPART_STRICT_ERROR: 1 } },
  { name: 'invalid boundary line (overwritten by the final check)', body: field('a', 'val') + '--bX\r\n' + END, error: E('Final boundary missing.'), flags: { MULTIPART_STRICT_ERROR: 1, MULTIPART_UNMATCHED_BOUNDARY: 2 } },
  { name: 'whitespace before a boundary', body: `-- b\r\n${cd('a')}\r\nv\r\n` + END, error: E('No boundaries found in payload.'), flags: { MULTIPART_STRICT_ERROR: 1 } },
  { name: 'part without Content-Disposition swallows the next boundary', body: `--b\r\nX: y\r\n\r\nval\r\n` + field('z', 'zz') + END, error: E('Invalid part header (colon missing): --b\r\n'), args: [['z', 'zz']], flags: { MULTIPART_INVALID_PART: 1, MULTIPART_STRICT_ERROR: 1, MULTIPART_UNMATCHED_BOUNDARY: 2 } },
  { name: 'folding without a header', body: `--b\r\n name="a"\r\n${cd('a')}\r\nval\r\n` + END, error: E('Invalid part header (folding error).'), args: [['a', 'val']], flags: { MULTIPART_HEADER_FOLDING: 1, MULTIPART_STRICT_ERROR: 1, MULTIPART_UNMATCHED_BOUNDARY: 2 } },
  { name: 'header name missing', body: `--b\r\n${cd('a')}: x\r\n\r\nv\r\n` + END, error: E('Invalid part header (header name missing).'), args: [['a', 'v']], flags: { MULTIPART_UNMATCHED_BOUNDARY: 2 } },
  { name: 'NUL byte in part headers', body: `--b\r\nContent-Disposition: form-data; name="a"\0\r\n\r\nzz\r\n` + END, error: E('Final boundary missing.'), flags: { MULTIPART_INVALID_PART: 1, MULTIPART_STRICT_ERROR: 1 } },
  { name: 'part header line over 4096 bytes', body: `--b\r\n${cd('a')}X-Long: ${'y'.repeat(5000)}\r\n\r\nv\r\n` + END, error: E('Final boundary missing.'), flags: { MULTIPART_STRICT_ERROR: 1 } },
  { name: 'data after the final boundary', body: field('a', 'v') + END + '\r\n', error: '', args: [['a', 'v']], flags: { MULTIPART_DATA_AFTER: 1, MULTIPART_STRICT_ERROR: 1, MULTIPART_UNMATCHED_BOUNDARY: 2 } },
  // libmodsecurity ≥ 3.0.10 (and its regression suite); 3.0.9 accepted the header.
  { name: 'invalid character in a header name', body: `--b\r\n\x0eContent-Disposition: form-data; name="a"\r\n${cd('b')}\r\nv\r\n` + END, error: E('Invalid part header (contains invalid character).'), args: [['b', 'v']], flags: { MULTIPART_UNMATCHED_BOUNDARY: 2 } },
];

for (const c of errorCases) {
  test(`multipart error: ${c.name}`, () => {
    const r = parse(c.body);
    assert.equal(r.error, c.error === '' ? null : c.error);
    assert.deepEqual(r.args, c.args ?? []);
    if (c.flags) assert.deepEqual(raised(r), c.flags);
  });
}

test('multipart: 3.0.9 mode accepts header names with control characters', () => {
  const r = parse(`--b\r\n\x0eContent-Disposition: form-data; name="a"\r\n${cd('b')}\r\nv\r\n` + END, CT, { fileLimit: 100, rejectInvalidHeaderNames: false });
  assert.equal(r.error, null);
  assert.deepEqual(r.partHeaders[0], ['b', '\x0eContent-Disposition: form-data; name="a"']);
});

test('multipart: go-ftw style CRLF body (CRS 922110 shape)', () => {
  const data = '--boundary\nContent-Disposition: form-data; name="_charset_"\n\nutf-7\n--boundary\nContent-Disposition: form-data; name="test"\nContent-Type: text/plain; charset=utf-7\n\n+AGAAZQBjAGgAbwAgACIAaABlAGwAbABvACIAYA-\n--boundary--\n';
  const r = parse(data.replace(/\n/g, '\r\n'), 'multipart/form-data; boundary=boundary');
  assert.equal(r.error, null);
  assert.deepEqual(r.args, [['_charset_', 'utf-7'], ['test', '+AGAAZQBjAGgAbwAgACIAaABlAGwAbABvACIAYA-']]);
  assert.deepEqual(r.partHeaders[2], ['test', 'Content-Type: text/plain; charset=utf-7']);
  assert.equal(r.flags.MULTIPART_STRICT_ERROR, 0);
});

// Hostile inputs: linear work, errors instead of crashes.
test('multipart: 10 MB single field', () => {
  const v = 'x'.repeat(10 * 1024 * 1024);
  const r = parse(field('a', v) + END);
  assert.equal(r.error, null);
  assert.equal(r.args[0]![1].length, v.length);
});

test('multipart: 10 MB of lines that almost look like boundaries', () => {
  const line = ' --bb --b x\r\n';
  const r = parse(`--b\r\n${cd('a')}\r\n` + line.repeat(Math.ceil((10 * 1024 * 1024) / line.length)) + END);
  assert.equal(r.error, null);
  assert.equal(r.flags.MULTIPART_UNMATCHED_BOUNDARY, 2);
});

test('multipart: 10 MB without any line break', () => {
  const r = parse('y'.repeat(10 * 1024 * 1024));
  assert.equal(r.error, E('No boundaries found in payload.'));
});

test('multipart: 10 MB body without a boundary match, with a NUL byte', () => {
  const r = parse(`--b\r\n${cd('a')}\r\n\0` + 'z\r\n'.repeat(3_000_000) + END);
  assert.equal(r.error, null);
  assert.equal(r.args[0]![1].length, 1 + 3_000_000);
});

test('multipart: 50 000 parts', () => {
  let body = '';
  const parts: string[] = [];
  for (let i = 0; i < 50_000; i++) parts.push(field('p' + i, 'v' + i));
  body = parts.join('') + END;
  const r = parse(body);
  assert.equal(r.error, null);
  assert.equal(r.args.length, 50_000);
  assert.deepEqual(r.args[49_999], ['p49999', 'v49999']);
});

test('multipart: debug messages keep every error and the end-of-parse warnings (for v3 regression debug_log checks)', () => {
  const r = parse(`--b\r\nContent-Disposition: form-data; name="f"; filename*=UTF-8''a.txt\r\n\r\nv\r\n` + END, 'multipart/form-data; boundary="b"');
  assert.equal(r.error, E('Final boundary missing.'));
  assert.ok(r.debug.includes('Multipart: Warning: no filename= but filename*:a.txt.'));
  assert.ok(r.debug.includes(`Multipart: Invalid Content-Disposition header (-21): form-data; name="f"; filename*=UTF-8''a.txt`));
  assert.ok(r.debug.includes('Multipart: Warning: boundary was quoted.'));
  assert.ok(r.debug.includes('Multipart: Warning: invalid part parsing.'));
  const t = parse(field('a', 'v') + END, CT + '; charset=UTF-8');
  assert.deepEqual(t.debug, ['Multipart: Invalid parameter after boundary in C-T (tolerated).']);
  const lf = parse(`--b\nContent-Disposition: form-data; name="a"\n\nv\n--b--\n`);
  assert.ok(lf.debug.includes('Multipart: Warning: incorrect line endings used (LF).'));
});
