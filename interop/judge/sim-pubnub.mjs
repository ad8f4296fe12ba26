// Judges the PubNub transport of `evtap sim ringcentral` with a raw PubNub
// v2 long-poll client written from the documents alone (not the npm SDK):
// OAuth, the REST subscription with PubNub delivery, then its own HTTP loop
// from ringcentral-pubnub.md §6 — handshake, tt cursor, hold, AES-128-ECB
// decryption, catch-up after a gap, the 100-message queue — and renewals,
// deletes and the documented error bodies.
//
//   node sim-pubnub.mjs --evtap /path/to/evtap

import { evtapBin, main } from './lib/args.mjs';
import { brief, request } from './lib/http.mjs';
import { Judge, expect, sleep } from './lib/judge.mjs';
import { MESSAGE_STORE, PRESENCE, TIMETOKEN, decrypt, envelopeProblems, ttLess } from './lib/pubnub.mjs';
import { requireHelp, startSim } from './lib/proc.mjs';

const CLIENT_ID = 'judge-client-id';
const CLIENT_SECRET = 'judge-client-secret';
const JWT = 'judge.jwt.credential';
const HOLD_MS = 1500;

main(async () => {
  const bin = evtapBin('sim-pubnub.mjs');
  requireHelp(bin, ['sim', 'ringcentral'], ['--pubnub-hold', '--pubnub-lifetime', '--rate', '--jwt']);
  const common = ['--client-id', CLIENT_ID, '--client-secret', CLIENT_SECRET, '--jwt', JWT];
  const [sim, quiet] = await Promise.all([
    startSim(bin, 'ringcentral', [...common, '--rate', '60', '--seed', '11', '--pubnub-hold', '3s']),
    startSim(bin, 'ringcentral', [...common, '--rate', '0', '--pubnub-hold', `${HOLD_MS}ms`]),
  ]);
  const j = new Judge('sim-pubnub');
  try {
    await judge(j, sim, quiet);
  } finally {
    await Promise.all([sim.stop(), quiet.stop()]);
  }
  j.finish();
});

/** login gets an access token with the JWT grant and Basic auth (ringcentral.md §1). */
async function login(base, secret = CLIENT_SECRET) {
  return request('POST', `${base}/restapi/oauth/token`, {
    raw: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: JWT }).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${secret}`).toString('base64')}` },
  });
}

/** Poller is the judge's own PubNub v2 subscribe loop (§6.1-6.4, §9.5). */
class Poller {
  constructor(origin, sub, uuid) {
    this.origin = origin;
    this.sk = sub.deliveryMode.subscriberKey;
    this.ch = sub.deliveryMode.address;
    this.key = sub.deliveryMode.encryptionKey;
    this.uuid = uuid;
    this.messages = [];
    this.responses = [];
  }

  url(tt) {
    const q = new URLSearchParams({ heartbeat: '300', uuid: this.uuid, pnsdk: 'judge/1' });
    if (tt !== undefined) {
      q.set('tt', tt);
      q.set('tr', String(this.tr ?? 0));
    }
    return `${this.origin}/v2/subscribe/${encodeURIComponent(this.sk)}/${encodeURIComponent(this.ch)}/0?${q}`;
  }

  /** poll sends one subscribe with cursor tt (undefined: the handshake) and keeps what came. */
  async poll(tt) {
    const r = await request('GET', this.url(tt), { timeout: 15000 });
    this.responses.push({ tt, r });
    if (r.status === 200 && r.json?.t) {
      this.tt = r.json.t.t;
      this.tr = r.json.t.r;
      for (const m of r.json.m ?? []) this.messages.push(m);
    }
    return r;
  }

  /** run polls from the current cursor until stop() or until ms have passed. */
  async run(ms) {
    const end = Date.now() + ms;
    while (Date.now() < end && !this.stopped) await this.poll(this.tt);
  }

  uuids(from = 0) {
    return this.messages.slice(from).map((m) => this.open(m)?.uuid);
  }

  open(m) {
    try {
      return this.key ? decrypt(m.d, this.key) : m.d;
    } catch {
      return undefined;
    }
  }
}

async function judge(j, sim, quiet) {
  const base = sim.url;
  const tok = await j.check('OAuth: the JWT grant with Basic auth answers an access token', async () => {
    const r = await login(base);
    expect(r.status === 200 && typeof r.json?.access_token === 'string' && typeof r.json.expires_in === 'number' && /^bearer$/i.test(r.json.token_type),
      'ringcentral.md §1; ringcentral-pubnub.md §3.1', '200 {"access_token","token_type":"bearer","expires_in",…}', brief(r));
    return r.json.access_token;
  });
  await j.check('OAuth: the refresh_token grant answers a new access token; revoke answers 200', async () => {
    const first = await login(base);
    const r = await request('POST', `${base}/restapi/oauth/token`, {
      raw: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: first.json.refresh_token }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}` },
    });
    expect(r.status === 200 && typeof r.json?.access_token === 'string', 'ringcentral.md §1 (refresh: grant_type=refresh_token&refresh_token=…); ringcentral-pubnub.md §8.1', '200 with an access token', brief(r));
    const v = await request('POST', `${base}/restapi/oauth/revoke`, {
      raw: new URLSearchParams({ token: r.json.access_token }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}` },
    });
    expect(v.status === 200, 'ringcentral-pubnub.md §8.1 ("Answer /restapi/oauth/revoke with 200")', '200', brief(v));
  });
  await j.check('OAuth: a wrong client secret is refused', async () => {
    const r = await login(base, 'not-the-secret');
    expect(r.status === 400 || r.status === 401, 'ringcentral.md §1', '400 or 401', brief(r));
  });
  if (!tok) return;
  // The scheme echoes token_type "bearer": lower case, as the SDKs send it (§3.1).
  const auth = { Authorization: `bearer ${tok}` };
  const rest = (method, path, body) => request(method, `${base}/restapi/v1.0/subscription${path}`, { body, headers: auth });
  const create = (body) => rest('POST', '', body);

  const sub = await j.check('POST /subscription with a presence filter: 200, encryption forced, AES key, channel and sub key', async () => {
    const r = await create({ eventFilters: [PRESENCE], deliveryMode: { transportType: 'PubNub' } });
    expect(r.status === 200 && r.json, 'seed 003; ringcentral-pubnub.md §3.2 ("200 with the subscription (not 201)")', '200', brief(r));
    const s = r.json;
    for (const f of ['id', 'uri', 'creationTime', 'expirationTime', 'status', 'eventFilters', 'deliveryMode']) {
      expect(f in s, 'seed 003; ringcentral-pubnub.md §8.2', `field ${f}`, s);
    }
    expect(s.uri.endsWith(`/restapi/v1.0/subscription/${s.id}`) && s.status === 'Active', 'seed 003', 'uri …/restapi/v1.0/subscription/<id>, status Active', s);
    const life = (Date.parse(s.expirationTime) - Date.parse(s.creationTime)) / 1000;
    expect(Math.abs(life - 900) < 2 && (s.expiresIn === undefined || s.expiresIn === 900), 'ringcentral-pubnub.md §3.4/§8.2 (default 900 s)', 'expirationTime 900 s after creationTime', { creationTime: s.creationTime, expirationTime: s.expirationTime, expiresIn: s.expiresIn });
    const d = s.deliveryMode;
    expect(d.transportType === 'PubNub' && d.encryption === true && d.encryptionAlgorithm === 'AES' && typeof d.address === 'string' && typeof d.subscriberKey === 'string',
      'seed 003 (presence forces encryption)', 'deliveryMode {transportType PubNub, encryption true, address, subscriberKey, encryptionAlgorithm AES, encryptionKey}', d);
    expect(Buffer.from(d.encryptionKey ?? '', 'base64').length === 16, 'ringcentral-pubnub.md §5.1', 'encryptionKey: 16 bytes in base64', d.encryptionKey);
    return s;
  });
  await j.check('a message-store filter without encryption: no encryptionKey, plain notifications', async () => {
    const r = await create({ eventFilters: [MESSAGE_STORE], deliveryMode: { transportType: 'PubNub' } });
    expect(r.status === 200, 'seed 003', '200', brief(r));
    const d = r.json.deliveryMode;
    expect(d.encryption === false && !d.encryptionKey, 'ringcentral.md §4 ("encryptionAlgorithm and encryptionKey only when encryption is true")', 'encryption false, no key', d);
    const p = new Poller(base, r.json, 'judge-plain');
    await p.poll();
    const t0 = Date.now();
    while (p.messages.length === 0 && Date.now() - t0 < 5000) await p.poll(p.tt);
    expect(p.messages.length > 0, 'ringcentral-pubnub.md §6.4', 'messages on the channel', p.responses.map((x) => brief(x.r)));
    const m = p.messages[0];
    expect(m.d && typeof m.d === 'object' && m.d.event && m.d.uuid, 'ringcentral-pubnub.md §6.3 ("With encryption:false the server sends the notification object itself as d")', 'd as the notification object', m);
    await rest('DELETE', `/${r.json.id}`);
  });
  await j.check('expiresIn above 900 is capped at 900', async () => {
    const r = await create({ eventFilters: [PRESENCE], deliveryMode: { transportType: 'PubNub' }, expiresIn: 5000 });
    expect(r.status === 200, 'ringcentral-pubnub.md §3.4', '200', brief(r));
    const life = (Date.parse(r.json.expirationTime) - Date.parse(r.json.creationTime)) / 1000;
    expect(life <= 901, 'ringcentral-pubnub.md §3.4 ("at most 900 s")', 'a lifetime of at most 900 s', life);
    await rest('DELETE', `/${r.json.id}`);
  });
  await j.check('expiresIn 60 still gets an expirationTime more than 120 s ahead', async () => {
    const r = await create({ eventFilters: [PRESENCE], deliveryMode: { transportType: 'PubNub' }, expiresIn: 60 });
    expect(r.status === 200, 'ringcentral-pubnub.md §3.4', '200', brief(r));
    const ahead = (Date.parse(r.json.expirationTime) - Date.now()) / 1000;
    expect(ahead > 120, 'ringcentral-pubnub.md §3.4 ("Clients refuse anything that expires within 120 s: return an expirationTime at least 121 s ahead")', 'more than 120 s ahead', ahead);
    await rest('DELETE', `/${r.json.id}`);
  });
  if (!sub) return;

  // --- §6: the long-poll ------------------------------------------------------
  const a = new Poller(base, sub, 'judge-a');
  const hs = await j.check('handshake without tt: answered at once with a 17-digit t and no messages', async () => {
    const r = await a.poll();
    expect(r.status === 200 && r.ms < 1000, 'ringcentral-pubnub.md §6.2/§8.7 ("answer at once")', '200 at once', { ...brief(r), ms: r.ms });
    expect(TIMETOKEN.test(r.json?.t?.t) && Number.isInteger(r.json.t.r) && Array.isArray(r.json.m) && r.json.m.length === 0,
      'ringcentral-pubnub.md §6.3/§6.4', '{"t":{"t":"<17 digits>","r":<int>},"m":[]}', r.json);
    const ct = r.headers.get('content-type') ?? '';
    expect(/application\/json|text\/javascript/.test(ct), 'ringcentral-pubnub.md §6.7/§8.12', 'Content-Type application/json or text/javascript', ct);
    return r.json.t.t;
  });
  for (const form of ['tt=0', 'tt=']) {
    await j.check(`handshake with ${form}: answered at once, no messages`, async () => {
      const url = a.url().replace('heartbeat=300', `heartbeat=300&${form}`);
      const r = await request('GET', url);
      expect(r.status === 200 && r.ms < 1000 && TIMETOKEN.test(r.json?.t?.t) && r.json.m.length === 0, 'ringcentral-pubnub.md §6.2 ("a missing tt, tt=0 and tt= all as the handshake")', 'an immediate handshake answer', { ...brief(r), ms: r.ms });
    });
  }
  if (!hs) return;
  const b = new Poller(base, sub, 'judge-b');
  const c = new Poller(base, sub, 'judge-c');
  await Promise.all([b.poll(), c.poll()]);
  const handshakes = { b: b.tt, c: c.tt, at: Date.now() };
  await j.check('messages: the §6.3 envelope, p.t above the cursor, t = the newest p.t, oldest first, decrypted with AES-128-ECB', async () => {
    const before = a.tt;
    const r = await a.poll(a.tt);
    expect(r.status === 200 && r.json.m.length > 0, 'ringcentral-pubnub.md §6.4', 'messages (the emulator publishes at --rate 60)', brief(r));
    const m = r.json.m;
    for (const e of m) {
      const probs = envelopeProblems(e, sub.deliveryMode.address);
      expect(probs.length === 0, 'ringcentral-pubnub.md §6.3', 'the envelope fields real clients check', { probs, envelope: e });
      expect(ttLess(before, e.p.t), 'ringcentral-pubnub.md §6.4 ("only messages whose timetoken is greater than the tt sent")', `p.t > ${before}`, e.p.t);
      expect(typeof e.d === 'string', 'ringcentral-pubnub.md §6.3 ("d is the base64 ciphertext when the subscription has an encryptionKey")', 'a string d', e.d);
    }
    for (let i = 1; i < m.length; i++) expect(ttLess(m[i - 1].p.t, m[i].p.t), 'ringcentral-pubnub.md §6.4 ("oldest first")', 'p.t increasing', m.map((x) => x.p.t));
    expect(r.json.t.t === m[m.length - 1].p.t, 'ringcentral-pubnub.md §6.4 ("t is the newest message\'s timetoken")', m[m.length - 1].p.t, r.json.t.t);
    for (const e of m) {
      let n;
      try {
        n = decrypt(e.d, sub.deliveryMode.encryptionKey);
      } catch (err) {
        expect(false, 'ringcentral-pubnub.md §5.1', 'AES-128-ECB, PKCS#7, the key base64-decoded, no IV', String(err));
      }
      expect(typeof n.uuid === 'string' && typeof n.event === 'string' && typeof n.timestamp === 'string' && n.body && typeof n.body === 'object',
        'seed 003 ("Each notification has the same common structure"); §8.11', '{uuid, event, timestamp, subscriptionId, ownerId, body}', n);
      expect(n.subscriptionId === sub.id, 'ringcentral-pubnub.md §8.11', `subscriptionId ${sub.id}`, n.subscriptionId);
      expect(/^\/restapi\/v1\.0\/account\/[^/]+\/extension\/[^/]+\/presence/.test(n.event), 'ringcentral-pubnub.md §8.11 ("event is the filter\'s path")', 'a presence event path', n.event);
      expect(['NoCall', 'Ringing', 'CallConnected', 'OnHold', 'ParkedCall'].includes(n.body.telephonyStatus), 'ringcentral.md §6 (detailed presence)', 'body.telephonyStatus', n.body);
    }
  });
  // a keeps polling for 4 s; b comes back after 1 s (under 100 messages at 60 a
  // second), c after 3 s (over 100).
  const running = a.run(4000);
  /** seen is what a received with p.t in (after, upTo], in order. */
  const seen = (after, upTo) => a.messages.filter((m) => ttLess(after, m.p.t) && !ttLess(upTo, m.p.t)).map((m) => a.open(m)?.uuid);
  await j.check('catch-up: a cursor away for 1 s gets everything published meanwhile, at once and in one answer', async () => {
    await sleep(1000 - (Date.now() - handshakes.at));
    const r = await b.poll(b.tt);
    expect(r.status === 200 && r.ms < 1000, 'ringcentral-pubnub.md §6.4/§8.8 ("answer at once with every queued message")', 'an immediate answer', { ...brief(r), ms: r.ms });
    const got = b.uuids();
    await sleep(300); // a's poll holding those messages has answered
    const want = seen(handshakes.b, b.tt);
    expect(want.length > 0 && want.length < 100 && JSON.stringify(got) === JSON.stringify(want), 'ringcentral-pubnub.md §6.4 ("resuming with an old tt returns what is still queued")',
      'exactly what the continuous cursor saw over the same timetokens', { got: got.length, want: want.length, missing: want.filter((u) => !got.includes(u)).length });
  });
  await j.check('the queue holds 100: a cursor away for 3 s at 60 a second gets the newest 100', async () => {
    await sleep(3000 - (Date.now() - handshakes.at));
    const r = await c.poll(c.tt);
    expect(r.status === 200, 'ringcentral-pubnub.md §6.4', '200', brief(r));
    const got = c.uuids();
    await sleep(300);
    const all = seen(handshakes.c, c.tt);
    expect(all.length > 100, 'judge', 'more than 100 published while c was away', all.length);
    expect(got.length === 100, 'ringcentral-pubnub.md §6.4/§8.9 ("a queue of 100 messages … dropping the oldest on overflow")', '100 messages', got.length);
    expect(JSON.stringify(all.slice(-100)) === JSON.stringify(got), 'ringcentral-pubnub.md §6.4 ("overflow drops the oldest")',
      'the newest 100, in order', { first: got[0], indexInContinuous: all.indexOf(got[0]), of: all.length });
  }, 20000);
  await running;
  await j.check('a continuous cursor: every notification once, p.t strictly increasing', async () => {
    const u = a.uuids();
    expect(u.length > 100 && u.every(Boolean) && new Set(u).size === u.length, 'ringcentral-pubnub.md §6.4 (the cursor)', 'distinct notifications', { total: u.length, repeats: u.length - new Set(u).size });
    const ts = a.messages.map((m) => m.p.t);
    for (let i = 1; i < ts.length; i++) expect(ttLess(ts[i - 1], ts[i]), 'ringcentral-pubnub.md §6.3 ("It must grow strictly with each publish")', 'increasing p.t', ts.slice(Math.max(0, i - 2), i + 1));
  });
  await j.check('replaying an old cursor gives the same messages again', async () => {
    const first = a.responses.find((x) => x.tt && x.r.json?.m?.length > 0);
    const r = await request('GET', a.url(first.tt));
    const again = (r.json?.m ?? []).map((m) => m.p.t);
    const before = first.r.json.m.map((m) => m.p.t);
    // Messages may have aged out of the 100-message queue since; those still in it come back in the same order.
    const kept = before.filter((t) => again.includes(t));
    expect(kept.length > 0 || again.length === 100, 'ringcentral-pubnub.md §6.4 (the server keeps no cursor of its own)', 'the same messages for the same tt', { before: before.length, again: again.length });
  });

  // --- hold, on the quiet emulator (--rate 0, --pubnub-hold 1.5s) --------------
  await j.check(`an empty long-poll is held --pubnub-hold (${HOLD_MS} ms) and answers m:[] with the same t`, async () => {
    const tq = await login(quiet.url);
    const s = await request('POST', `${quiet.url}/restapi/v1.0/subscription`, { body: { eventFilters: [PRESENCE], deliveryMode: { transportType: 'PubNub' } }, headers: { Authorization: `Bearer ${tq.json.access_token}` } });
    expect(s.status === 200, 'seed 003', '200', brief(s));
    const p = new Poller(quiet.url, s.json, 'judge-hold');
    await p.poll();
    const t = p.tt;
    const r = await p.poll(t);
    expect(r.status === 200 && r.json.m.length === 0 && r.json.t.t === t, 'ringcentral-pubnub.md §6.4 ("returns 200 with m:[] and the same t")', `{"t":{"t":"${t}",…},"m":[]}`, r.json);
    expect(r.ms >= HOLD_MS - 200 && r.ms < HOLD_MS + 1500, 'ringcentral-pubnub.md §6.4/§8.8 (held; shorter by flag)', `held about ${HOLD_MS} ms`, r.ms);
  });

  // --- §6.5-6.7 ----------------------------------------------------------------
  await j.check('/time/0 answers [<17-digit timetoken>]', async () => {
    const r = await request('GET', `${base}/time/0?uuid=judge&pnsdk=judge`);
    expect(r.status === 200 && Array.isArray(r.json) && r.json.length === 1 && TIMETOKEN.test(String(r.json[0])), 'ringcentral-pubnub.md §6.5', '[17959736056780004]-like', brief(r));
    expect(/application\/json|text\/javascript/.test(r.headers.get('content-type') ?? ''), 'ringcentral-pubnub.md §8.12 ("on every response")', 'a JSON Content-Type', r.headers.get('content-type'));
  });
  for (const what of ['heartbeat', 'leave']) {
    await j.check(`presence ${what}: 200 JSON`, async () => {
      const r = await request('GET', `${base}/v2/presence/sub-key/${sub.deliveryMode.subscriberKey}/channel/${sub.deliveryMode.address}/${what}?uuid=judge-x&heartbeat=300`);
      expect(r.status === 200 && r.json && !r.json.error, 'ringcentral-pubnub.md §6.6/§8.13', '200 {"status":200,"message":"OK","service":"Presence"}', brief(r));
      expect(/application\/json|text\/javascript/.test(r.headers.get('content-type') ?? ''), 'ringcentral-pubnub.md §8.12 ("on every response")', 'a JSON Content-Type', r.headers.get('content-type'));
    });
  }
  await j.check('an unknown subscribe key: 400 in the Access Manager shape, with a JSON Content-Type', async () => {
    const r = await request('GET', `${base}/v2/subscribe/sub-c-not-a-key/${sub.deliveryMode.address}/0?uuid=judge`);
    expect(r.status === 400 && r.json?.error === true && r.json.status === 400, 'ringcentral-pubnub.md §6.7/§8.14', '400 {"status":400,"error":true,…}', brief(r));
    expect(/application\/json|text\/javascript/.test(r.headers.get('content-type') ?? ''), 'ringcentral-pubnub.md §6.7 ("on errors too")', 'a JSON Content-Type', r.headers.get('content-type'));
    expect(typeof r.json.message === 'string' && typeof r.json.service === 'string', 'ringcentral-pubnub.md §6.7 (clients classify on error, status, message and service)', 'message and service', r.json);
  });

  // --- §3: renew, read, delete ---------------------------------------------------
  await j.check('PUT with the filters renews: same id, channel, sub key and key; a later expirationTime', async () => {
    await sleep(1100);
    const r = await rest('PUT', `/${sub.id}`, { eventFilters: [PRESENCE] });
    expect(r.status === 200, 'seed 003 (PUT … automatically renews)', '200', brief(r));
    const s = r.json;
    expect(s.id === sub.id && s.deliveryMode.address === sub.deliveryMode.address && s.deliveryMode.subscriberKey === sub.deliveryMode.subscriberKey && s.deliveryMode.encryptionKey === sub.deliveryMode.encryptionKey,
      'ringcentral-pubnub.md §8.3 ("Keep id, address and subscriberKey stable … Keep encryptionKey too")', 'the same id, address, subscriberKey and encryptionKey', s);
    expect(Date.parse(s.expirationTime) > Date.parse(sub.expirationTime), 'seed 003', 'a new, later expirationTime', [sub.expirationTime, s.expirationTime]);
  });
  await j.check('PUT with an empty body also renews', async () => {
    const r = await request('PUT', `${base}/restapi/v1.0/subscription/${sub.id}`, { headers: auth });
    expect(r.status === 200 && r.json?.id === sub.id, 'seed 003 ("either with filters or with an empty body")', '200 with the subscription', brief(r));
  });
  await j.check('POST /subscription/{id}/renew renews', async () => {
    const r = await rest('POST', `/${sub.id}/renew`, {});
    expect(r.status === 200 && r.json?.id === sub.id, 'seed 003 (POST …/renew)', '200 with the subscription', brief(r));
  });
  await j.check('GET the subscription, and the list holds it', async () => {
    const r = await rest('GET', `/${sub.id}`);
    expect(r.status === 200 && r.json?.id === sub.id, 'ringcentral-pubnub.md §3.2', '200 with the subscription', brief(r));
    const l = await rest('GET', '');
    expect(l.status === 200 && Array.isArray(l.json?.records) && l.json.records.some((s) => s.id === sub.id) && typeof l.json.uri === 'string',
      'ringcentral-pubnub.md §3.2', '200 {uri, records:[…]} holding it', brief(l));
  });
  await j.check('DELETE: 204 with no body, then 404 CMN-102 with a top-level errorCode and message', async () => {
    const d = await rest('DELETE', `/${sub.id}`);
    expect(d.status === 204 && d.text === '', 'seed 003 ("HTTP/1.1 204 No Content")', '204, empty', brief(d));
    const g = await rest('GET', `/${sub.id}`);
    expect(g.status === 404 && g.json?.errorCode === 'CMN-102' && typeof g.json.message === 'string' && Array.isArray(g.json.errors),
      'ringcentral-pubnub.md §3.5/§8.5', '404 {"errorCode":"CMN-102","message":…,"errors":[…]}', brief(g));
  });
  await j.check('after DELETE nothing more is published on the channel', async () => {
    await sleep(300);
    const p = new Poller(base, sub, 'judge-after-delete');
    await p.poll();
    const r = await p.poll(p.tt);
    expect(r.status === 200 && r.json.m.length === 0, 'seed 003 ("it would not be sent to the client application anymore"); ringcentral-pubnub.md §8.6', 'a held poll answering m:[]', { status: r.status, messages: r.json?.m?.length });
  });
  await j.check('renewing an unknown id: 404 CMN-102', async () => {
    const r = await rest('PUT', '/no-such-subscription', { eventFilters: [PRESENCE] });
    expect(r.status === 404 && r.json?.errorCode === 'CMN-102', 'ringcentral-pubnub.md §3.5', '404 CMN-102', brief(r));
  });
  await j.check('without a token: 401', async () => {
    const r = await request('GET', `${base}/restapi/v1.0/subscription`);
    expect(r.status === 401, 'ringcentral-pubnub.md §3.5 (OAU-…)', '401', brief(r));
  });
}
