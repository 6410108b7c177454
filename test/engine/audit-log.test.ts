import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ascTime } from '../../src/engine/audit-log.js';
import { Waf } from '../../src/engine/index.js';

test('time_stamp uses asctime layout in local time', () => {
  assert.equal(ascTime(new Date(2026, 10, 3, 9, 5, 1)), 'Tue Nov  3 09:05:01 2026');
  assert.equal(ascTime(new Date(2026, 0, 23, 19, 16, 0)), 'Fri Jan 23 19:16:00 2026');
});

test('audit record carries the parts SecAuditLogParts asks for, and the messages of audited rules', () => {
  const waf = Waf.fromText(`
SecAuditEngine RelevantOnly
SecAuditLogParts ABFHZ
SecComponentSignature "test-rules/1.0"
SecRule ARGS:q "@contains evil" "id:5,phase:1,deny,status:403,msg:'evil',tag:'t1'"
SecRule ARGS:q "@contains quiet" "id:6,phase:1,pass,log,noauditlog"`);
  const tx = waf.newTransaction({ id: 'abc' });
  tx.processConnection('192.0.2.1', 5555, '127.0.0.1', 80);
  tx.processUri('/x?q=evil', 'GET', 'HTTP/1.1');
  tx.addRequestHeader('Host', 'h.example');
  tx.processRequestHeaders();
  tx.processLogging();
  assert.ok(tx.isAuditRelevant);
  const { transaction: t } = tx.auditLogEntry();
  assert.equal(t.unique_id, 'abc');
  assert.equal(t.client_ip, '192.0.2.1');
  assert.equal(t.request.uri, '/x?q=evil');
  assert.deepEqual(t.request.headers, { Host: 'h.example' });
  assert.equal(t.request.body, undefined);
  assert.equal(t.response.http_code, 403);
  assert.deepEqual(t.producer.components, ['test-rules/1.0']);
  assert.equal(t.messages?.length, 1);
  assert.equal(t.messages?.[0]?.details.ruleId, '5');
  assert.deepEqual(t.messages?.[0]?.details.tags, ['t1']);

  const quiet = waf.newTransaction();
  quiet.processUri('/x?q=quiet', 'GET', 'HTTP/1.1');
  quiet.processRequestHeaders();
  quiet.processLogging();
  assert.equal(quiet.isAuditRelevant, false);
});
