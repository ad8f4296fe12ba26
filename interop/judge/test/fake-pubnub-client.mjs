#!/usr/bin/env node
// A stand-in for `evtap connect ringcentral --transport pubnub --headless`,
// written from ringcentral-pubnub.md §9 (the client checklist), so the
// judge's connect-pubnub.mjs can be tried before evtap's own client lands
// and shown to fail on a broken client: FAKE_BUG names one bug to have
// (rehandshake: a new handshake after a drop instead of resuming the
// cursor; nodedupe: no de-duplication; nogap: no gap after a long outage).
// It is not evtap and judges nothing.

import { createDecipheriv } from 'node:crypto';

const argv = process.argv.slice(2);
if (argv.includes('--help')) {
  process.stdout.write('Connect to a RingCentral account.\n\nUsage:\n  evtap connect ringcentral [flags]\n\nFlags:\n  --transport --pubnub-origin --server --client-id --client-secret --jwt --filter --headless\n');
  process.exit(0);
}
const flag = (name) => argv[argv.indexOf(name) + 1];
const bug = process.env.FAKE_BUG ?? '';
const server = flag('--server');
const origin = flag('--pubnub-origin');
const filters = [flag('--filter')];
const t0 = Date.now();
const print = (kind, payload) => process.stdout.write(`${JSON.stringify({ t: new Date().toISOString(), off: (Date.now() - t0) / 1000, kind, ...payload })}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let token;
let sub;
let stopping = false;
const seen = new Set();

async function rest(method, path, body) {
  const r = await fetch(`${server}${path}`, { method, headers: { Authorization: `bearer ${token}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : undefined };
}

async function login() {
  const r = await fetch(`${server}/restapi/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from(`${flag('--client-id')}:${flag('--client-secret')}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: flag('--jwt') }).toString(),
  });
  if (r.status !== 200) {
    print('state', { state: { phase: 'rejected', cause: `login answered ${r.status}` } });
    process.exit(3);
  }
  token = (await r.json()).access_token;
}

async function create() {
  const r = await rest('POST', '/restapi/v1.0/subscription', { eventFilters: filters, deliveryMode: { transportType: 'PubNub' } });
  sub = r.json;
  print('subscription', { subscription: { id: sub.id, status: sub.status } });
}

function decrypt(d) {
  if (typeof d !== 'string') return d;
  const x = createDecipheriv('aes-128-ecb', Buffer.from(sub.deliveryMode.encryptionKey, 'base64'), null);
  return JSON.parse(Buffer.concat([x.update(Buffer.from(d, 'base64')), x.final()]).toString('utf8'));
}

async function pollLoop() {
  let tt;
  let tr;
  let channel = sub.deliveryMode.address;
  let away = null;
  for (;;) {
    if (stopping) return;
    if (sub.deliveryMode.address !== channel) {
      channel = sub.deliveryMode.address;
      tt = undefined;
    }
    const q = new URLSearchParams({ heartbeat: '300', uuid: 'fake', pnsdk: 'fake/1' });
    if (tt) {
      q.set('tt', tt);
      q.set('tr', tr);
    }
    const ctl = new AbortController();
    pollLoop.abort = () => ctl.abort();
    let r;
    try {
      const res = await fetch(`${origin}/v2/subscribe/${sub.deliveryMode.subscriberKey}/${channel}/0?${q}`, { signal: ctl.signal });
      r = { status: res.status, json: await res.json() };
    } catch {
      if (stopping) return;
      away ??= Date.now();
      if (bug === 'rehandshake') tt = undefined;
      await sleep(300);
      continue;
    }
    if (r.status === 403 || r.status === 400) {
      print('state', { state: { phase: 'rejected', cause: `PubNub answered ${r.status}: access denied` } });
      return;
    }
    const m = r.json.m ?? [];
    if (tt && m.length >= 100 && bug !== 'nogap') print('gap', { gap: { start: new Date(away ?? Date.now()).toISOString(), end: new Date().toISOString(), reason: 'the catch-up filled the 100-message queue' } });
    away = null;
    for (const env of m) {
      const n = decrypt(env.d);
      const dup = seen.has(n.uuid);
      if (bug !== 'nodedupe') seen.add(n.uuid);
      print('event', { event: { provider: 'ringcentral', id: n.uuid, body: n, ...(dup ? { duplicate: true } : {}), seal: { via: 'AES', ok: true } } });
    }
    tt = r.json.t.t;
    tr = String(r.json.t.r);
  }
}

async function renewLoop() {
  for (;;) {
    await sleep(10000);
    if (stopping) return;
    if (Date.now() >= Date.parse(sub.expirationTime) - 120e3) {
      const r = await rest('PUT', `/restapi/v1.0/subscription/${sub.id}`, { eventFilters: filters });
      if (r.status === 200) sub = r.json;
      else {
        const from = Date.now();
        await create();
        print('gap', { gap: { start: new Date(from).toISOString(), end: new Date().toISOString(), reason: 'subscription re-created' } });
        pollLoop.abort?.();
      }
    }
  }
}

process.on('SIGINT', async () => {
  stopping = true;
  pollLoop.abort?.();
  await fetch(`${origin}/v2/presence/sub-key/${sub.deliveryMode.subscriberKey}/channel/${sub.deliveryMode.address}/leave?uuid=fake`).catch(() => {});
  await rest('DELETE', `/restapi/v1.0/subscription/${sub.id}`).catch(() => {});
  process.exit(0);
});

await login();
await create();
renewLoop();
await pollLoop();
await new Promise(() => {});
