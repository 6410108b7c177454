import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { Waf } from '../../src/engine/index.js';
import { vpatchFastify } from '../../src/adapters/fastify.js';
import type { AdapterTransaction } from '../../src/adapters/node-http.js';

const RULES = `
SecRuleEngine On
SecRequestBodyAccess On
SecResponseBodyAccess On
SecResponseBodyMimeType text/plain application/json
SecRule REQUEST_HEADERS:Content-Type "^application/json" "id:10,phase:1,pass,nolog,t:lowercase,ctl:requestBodyProcessor=JSON"
SecRule REQUEST_URI "@contains blockme" "id:1,phase:1,deny,status:403,log,msg:'uri'"
SecRule ARGS "@contains attack" "id:2,phase:2,deny,status:403,log,msg:'args'"
SecRule RESPONSE_BODY "@contains SECRET" "id:3,phase:4,deny,status:403,log,msg:'leak'"
SecRule RESPONSE_HEADERS:X-Debug "@streq on" "id:4,phase:3,deny,status:403,log,msg:'debug header'"
`;

let app: FastifyInstance;
let base = '';
const seen: number[][] = [];

before(async () => {
  const waf = Waf.compile([{ text: RULES, name: 'inline' }]);
  app = Fastify();
  await app.register(vpatchFastify, { waf, onTransaction: (tx: AdapterTransaction) => seen.push(tx.matchedRules.map((m) => m.id)) });
  app.post('/echo', async (req) => ({ body: req.body }));
  app.get('/hello', async (_req, reply) => reply.type('text/plain').send('hello'));
  app.get('/secret', async (_req, reply) => reply.type('text/plain').send('the SECRET is out'));
  app.get('/debug', async (_req, reply) => reply.header('x-debug', 'on').type('text/plain').send('dbg'));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
after(() => app.close());

async function call(path: string, init: RequestInit = {}): Promise<{ status: number; text: string }> {
  const r = await fetch(base + path, init);
  return { status: r.status, text: await r.text() };
}

test('passes clean requests; the route handler gets the inspected body, parsed', async () => {
  assert.deepEqual(await call('/hello'), { status: 200, text: 'hello' });
  const j = await call('/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ q: 'fine' }) });
  assert.equal(j.status, 200, j.text);
  assert.deepEqual(JSON.parse(j.text), { body: { q: 'fine' } });
});

test('blocks in phases 1, 2, 3 and 4', async () => {
  assert.equal((await call('/hello?blockme')).status, 403);
  assert.equal((await call('/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ q: 'attack' }) })).status, 403);
  assert.equal((await call('/debug')).status, 403);
  const s = await call('/secret');
  assert.equal(s.status, 403);
  assert.doesNotMatch(s.text, /SECRET/);
  assert.ok(seen.some((ids) => ids.includes(3)));
});
