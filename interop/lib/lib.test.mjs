// Unit tests of the interop harness itself (node --test lib/lib.test.mjs): a check that
// cannot fail would make every SDK run look green.

import test from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { parseConfig } from './config.mjs';
import { canonical } from './scenario.mjs';
import { StepError, waitUntil } from './run.mjs';
import { Wire } from './wire.mjs';

const creds = ['--client-id', 'a', '--client-secret', 'b', '--jwt', 'c'];

test('flags override the environment and the control URL defaults under the server', () => {
  const cfg = parseConfig(['--server', 'http://127.0.0.1:9/', ...creds], { RINGCENTRAL_SERVER_URL: 'http://127.0.0.1:1', RINGCENTRAL_JWT: 'env' });
  assert.equal(cfg.server, 'http://127.0.0.1:9');
  assert.equal(cfg.jwt, 'c');
  assert.equal(cfg.control, 'http://127.0.0.1:9/_evtap/');
  assert.equal(cfg.accessTokenTTL, undefined);
});

test('missing, unknown and off-machine settings are refused with what is wrong', () => {
  assert.throws(() => parseConfig(['--server', 'http://127.0.0.1:9'], {}), /missing --client-id .* --jwt/);
  assert.throws(() => parseConfig(['--sever=x', ...creds], {}), /unknown argument "--sever=x"/);
  assert.throws(() => parseConfig(['--server', 'http://example.com', ...creds], {}), /must be on loopback/);
  assert.throws(() => parseConfig(['--server', 'http://127.0.0.1:9', ...creds, '--access-token-ttl', '60'], {}), /above 60/);
  assert.throws(() => parseConfig(['--server', 'http://127.0.0.1:9', '--jwt'], {}), /--jwt needs a value/);
});

test('canonical ignores key order but not values, array order or types', () => {
  assert.equal(canonical({ b: 1, a: [1, { d: 2, c: 'x' }] }), canonical({ a: [1, { c: 'x', d: 2 }], b: 1 }));
  assert.notEqual(canonical({ a: [1, 2] }), canonical({ a: [2, 1] }));
  assert.notEqual(canonical({ a: 1 }), canonical({ a: '1' }));
  assert.notEqual(canonical({ a: null }), canonical({}));
});

test('waitUntil resolves with the value, or fails after its deadline saying what it saw', async () => {
  let n = 0;
  assert.equal(await waitUntil('n', 1000, () => (++n >= 3 ? n : 0)), 3);
  await assert.rejects(waitUntil('never', 60, () => false, () => 'still nothing'),
    (e) => e instanceof StepError && /never: not within 60 ms; now: still nothing/.test(e.message));
});

// fakeExtension is the part of an @rc-ex/ws WebSocketExtension Wire uses.
function fakeExtension() {
  const ws = new EventEmitter();
  ws.addEventListener = (type, f) => ws.on(type, f);
  ws.sent = [];
  ws.send = (d) => ws.sent.push(d);
  const wse = { ws, eventEmitter: new EventEmitter() };
  const deliver = (socket, meta, body) => socket.emit('message', { data: JSON.stringify(body ? [meta, body] : [meta]) });
  return { wse, ws, deliver };
}

const note = (seq) => ({ type: 'ServerNotification', wsc: { token: 't', sequence: seq } });

test('Wire finds repeated and skipped sequences, and restarts numbering on a new session', () => {
  const { wse, ws, deliver } = fakeExtension();
  const wire = new Wire();
  wire.attach(wse);
  for (const s of [2, 3, 4]) deliver(ws, note(s), {});
  assert.deepEqual(wire.sequenceProblems(), []);

  // Successful recovery on a new socket continues the same session.
  const ws2 = fakeExtension().ws;
  wse.eventEmitter.emit('newWebSocketObject', ws2);
  deliver(ws2, { type: 'ConnectionDetails' }, { recoveryState: 'Successful' });
  deliver(ws2, note(5), {});
  assert.deepEqual(wire.sequenceProblems(), []);
  deliver(ws2, note(5), {});
  deliver(ws2, note(7), {});
  assert.deepEqual(wire.sequenceProblems(), ['5 then 5', '5 then 7']);

  // A Failed recovery starts a new session whose numbering starts over.
  const fresh = new Wire();
  fresh.attach(wse);
  deliver(ws, note(8), {});
  deliver(ws, { type: 'ConnectionDetails' }, { recoveryState: 'Failed' });
  deliver(ws, note(2), {});
  assert.deepEqual(fresh.sequenceProblems(), []);
});

test('Wire counts subscription POSTs only', () => {
  const { wse, ws } = fakeExtension();
  const wire = new Wire();
  wire.attach(wse);
  const req = (method, path) => ws.send(JSON.stringify([{ type: 'ClientRequest', messageId: 'm', method, path }, {}]));
  req('POST', '/restapi/v1.0/subscription');
  req('POST', '/restapi/v1.0/subscription/');
  req('PUT', '/restapi/v1.0/subscription/abc');
  req('POST', '/restapi/v1.0/subscription/abc/renew');
  ws.send(JSON.stringify([{ type: 'Heartbeat', messageId: 'h' }]));
  assert.equal(wire.posts, 2);
  assert.equal(ws.sent.length, 5, 'every frame still reaches the socket');
});
