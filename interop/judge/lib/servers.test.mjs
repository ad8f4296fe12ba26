// The judge's servers keep ledgers the connect-*.mjs checks trust, so
// their own behaviour is tested here: what they send, what they refuse,
// and that a reset poll or a drop is never counted as a delivery.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { DialpadServer } from './dialpad-server.mjs';
import { request } from './http.mjs';
import { sleep, waitFor } from './judge.mjs';
import { PRESENCE } from './pubnub.mjs';
import { RcPubNubServer } from './rcpubnub-server.mjs';
import { PERM } from './voipbin.mjs';
import { VoipbinServer } from './voipbin-server.mjs';
import { open, refusal } from './wsclient.mjs';

test('VoIPBin server: login, the 401 envelope, a 3-part prefix twice per event, a bad topic dropped without a close frame', async () => {
  const C = randomUUID();
  const A = randomUUID();
  const s = await new VoipbinServer({ customerId: C, users: [{ username: 'u', password: 'p', agent: { id: A, customer_id: C, permission: PERM.admin } }], signingKey: 'k', rate: 50 }).start();
  try {
    assert.equal((await request('POST', `${s.url}/auth/login`, { body: { username: 'u', password: 'x' } })).status, 400);
    const r = await request('POST', `${s.url}/auth/login`, { body: { username: 'u', password: 'p' } });
    assert.equal(r.status, 200);
    const ws = `${s.url.replace('http', 'ws')}/v1.0/ws`;
    const denied = await refusal(ws);
    assert.equal(denied.status, 401);
    assert.equal(JSON.parse(denied.body).error.reason, 'AUTHENTICATION_REQUIRED');
    const c = await open(`${ws}?token=${r.json.token}`);
    c.send(JSON.stringify({ type: 'subscribe', topics: [`customer_id:${C}:call`] }));
    await waitFor(3000, () => c.messages.length >= 10, 'test', 'frames');
    await s.drop(s.conns[0]);
    const counts = new Map();
    for (const t of c.texts()) counts.set(t, (counts.get(t) ?? 0) + 1);
    assert.ok([...counts.values()].every((n) => n === 2), 'each call event twice');
    assert.equal(s.conns[0].sent.length, c.messages.length, 'the ledger counts exactly what arrived');
    assert.equal((await c.closed).code, 1006);
    const d = await open(`${ws}?token=${r.json.token}`);
    d.send(JSON.stringify({ type: 'subscribe', topics: ['customer_id:nope:call'] }));
    assert.equal((await d.closedWithin(2000))?.code, 1006);
  } finally {
    await s.stop();
  }
});

test('Dialpad server: the socket is cut at exp without a close frame; events only for subscriptions in scope', async () => {
  // iat has whole seconds: a 2 s lifetime leaves 1-2 s.
  const s = await new DialpadServer({ apiKey: 'key', lifetimeS: 2, rate: 100 }).start();
  try {
    const auth = { Authorization: 'Bearer key' };
    assert.equal((await request('GET', `${s.url}/api/v2/websockets`)).status, 401);
    const w = (await request('POST', `${s.url}/api/v2/websockets`, { body: {}, headers: auth })).json;
    const sub = await request('POST', `${s.url}/api/v2/subscriptions/sms`, { body: { endpoint_id: w.id }, headers: auth });
    assert.equal(sub.status, 400);
    assert.match(sub.text, /direction/);
    assert.equal((await request('POST', `${s.url}/api/v2/subscriptions/sms`, { body: { endpoint_id: w.id, direction: 'all' }, headers: auth })).status, 200);
    const c = await open(w.websocket_url);
    const info = await c.closedWithin(3000);
    assert.equal(info?.code, 1006);
    assert.ok(c.messages.length > 0 && c.texts().every((t) => 'from_number' in JSON.parse(t)), 'SMS events only');
    assert.equal(s.conns[0].closedBy, 'token expired');
    const delivered = s.events.reduce((n, ev) => n + ev.deliveries.length, 0);
    assert.equal(delivered, c.messages.length, 'the ledger counts exactly what arrived');
    assert.equal((await refusal(w.websocket_url)).status, 401, 'an expired token is refused');
  } finally {
    await s.stop();
  }
});

test('RingCentral-PubNub server: handshake, hold, cursor, a 100-message queue; a reset poll is no delivery', async () => {
  const s = await new RcPubNubServer({ clientId: 'id', clientSecret: 'sec', jwt: 'j', lifetimeS: 121, holdMs: 300, rate: 1 }).start();
  try {
    const tok = await request('POST', `${s.url}/restapi/oauth/token`, {
      raw: 'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=j',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from('id:sec').toString('base64')}` },
    });
    assert.equal(tok.status, 200);
    const sub = (await request('POST', `${s.url}/restapi/v1.0/subscription`, { body: { eventFilters: [PRESENCE], deliveryMode: { transportType: 'PubNub' } }, headers: { Authorization: `bearer ${tok.json.access_token}` } })).json;
    assert.ok(sub.deliveryMode.encryptionKey);
    clearInterval(s.timer);
    const url = (tt) => `${s.origin}/v2/subscribe/${sub.deliveryMode.subscriberKey}/${sub.deliveryMode.address}/0?uuid=t${tt ? `&tt=${tt}` : ''}`;
    const hs = await request('GET', url());
    assert.deepEqual(hs.json.m, []);
    const held = await request('GET', url(hs.json.t.t));
    assert.ok(held.ms >= 250 && held.json.m.length === 0 && held.json.t.t === hs.json.t.t);
    // A poll held, then reset: publishing right after must not count it as delivered.
    const pending = request('GET', url(hs.json.t.t)).catch((e) => e);
    await waitFor(1000, () => s.held.size === 1, 'test', 'a held poll');
    s.resetPolls();
    s.publish(s.subs.get(sub.id));
    assert.ok((await pending) instanceof Error);
    assert.equal(s.polls.filter((p) => p.uuids.length).length, 0, 'no delivery recorded for the reset poll');
    for (let i = 0; i < 120; i++) s.publish(s.subs.get(sub.id));
    const all = await request('GET', url(hs.json.t.t));
    assert.equal(all.json.m.length, 100);
    assert.equal(s.published.filter((p) => p.evicted).length, 21);
    await sleep(10);
  } finally {
    await s.stop();
  }
});
