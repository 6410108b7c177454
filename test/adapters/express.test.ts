import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Waf } from '../../src/engine/index.js';
import { vpatchExpress } from '../../src/adapters/express.js';

const RULES = `
SecRuleEngine On
SecRequestBodyAccess On
SecResponseBodyAccess On
SecResponseBodyMimeType text/plain application/json
SecRule REQUEST_HEADERS:Content-Type "^application/json" "id:10,phase:1,pass,nolog,t:lowercase,ctl:requestBodyProcessor=JSON"
SecRule REQUEST_URI "@contains blockme" "id:1,phase:1,deny,status:403,log,msg:'uri'"
SecRule ARGS "@contains attack" "id:2,phase:2,deny,status:403,log,msg:'args'"
SecRule RESPONSE_BODY "@contains SECRET" "id:3,phase:4,deny,status:403,log,msg:'leak'"
`;

let server: http.Server;
let base = '';
const seen: Array<{ id: number[]; interrupted: boolean }> = [];

before(async () => {
  const waf = Waf.compile([{ text: RULES, name: 'inline' }]);
  const app = express();
  app.use(vpatchExpress(waf, { onTransaction: (tx, info) => seen.push({ id: tx.matchedRules.map((m) => m.id), interrupted: info.interruption !== null }) }));
  app.use(express.json());
  app.use(express.urlencoded({ extended: false }));
  app.post('/echo', (req, res) => res.json({ body: req.body as unknown }));
  app.get('/secret', (_req, res) => res.type('text/plain').send('the SECRET is out'));
  app.get('/hello', (_req, res) => res.type('text/plain').send('hello'));
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => {
  server.close(() => r());
  server.closeAllConnections();
}));

async function call(path: string, init: RequestInit = {}): Promise<{ status: number; text: string }> {
  const r = await fetch(base + path, init);
  return { status: r.status, text: await r.text() };
}

test('passes clean requests; body parsers downstream read the inspected body', async () => {
  assert.deepEqual(await call('/hello'), { status: 200, text: 'hello' });
  const j = await call('/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ q: 'fine', n: [1, 2] }) });
  assert.equal(j.status, 200);
  assert.deepEqual(JSON.parse(j.text), { body: { q: 'fine', n: [1, 2] } });
  const f = await call('/echo', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&b=two' });
  assert.deepEqual(JSON.parse(f.text), { body: { a: '1', b: 'two' } });
});

test('blocks in phase 1, phase 2 (JSON and form bodies) and phase 4', async () => {
  assert.equal((await call('/hello?blockme')).status, 403);
  const j = await call('/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ q: 'an attack' }) });
  assert.equal(j.status, 403);
  assert.equal((await call('/echo', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'q=attack' })).status, 403);
  const s = await call('/secret');
  assert.equal(s.status, 403);
  assert.doesNotMatch(s.text, /SECRET/);
  assert.ok(seen.some((t) => t.interrupted && t.id.includes(3)));
});
