// A RingCentral-PubNub-style server written from the documents alone
// (shared/seeds/003_79631420b2af22bb.txt, shared/protocols/ringcentral-pubnub.md,
// ringcentral.md §1 and §4-6), for judging evtap's PubNub transport. Two
// listeners, as in production: the RingCentral platform (OAuth, REST
// subscriptions with PubNub delivery, renew by PUT, delete) and the PubNub
// origin (the v2 long-poll with a hold, the tt cursor and a 100-message
// queue per channel, /time/0, presence). A generator publishes
// AES-128-ECB-encrypted notifications to every live subscription's channel,
// and the ledger keeps every publish, every poll and what each answered.

import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { PRESENCE, encrypt, newKey, nextTimetoken, rcError, ttLess } from './pubnub.mjs';
import { readBody } from './voipbin-server.mjs';

const QUEUE = 100; // messages per channel (§6.4)
const QUEUE_AGE_MS = 20 * 60e3; // and 20 minutes

/** RcPubNubServer: clientId/clientSecret/jwt are the credentials it accepts. */
export class RcPubNubServer {
  constructor({ clientId, clientSecret, jwt, lifetimeS = 900, holdMs = 280e3, rate = 10, rotateOnRenew = false, offsetTimes = false }) {
    // offsetTimes: times as "2013-09-13T13:58:57.187+0000", which the SDKs also read (§3.3).
    Object.assign(this, { clientId, clientSecret, jwt, lifetimeS, holdMs, rate, rotateOnRenew, offsetTimes });
    this.subKey = `sub-c-${randomUUID()}`;
    this.ownerId = String(100000000 + Math.floor(Math.random() * 8e8));
    this.tokens = new Map(); // access token -> expiry
    this.subs = new Map(); // id -> subscription
    this.channels = new Map(); // address -> {queue: [{tt, env, at}], waiters: Set}
    this.logins = [];
    this.rest = [];
    this.polls = [];
    this.times = [];
    this.presence = [];
    this.published = [];
    this.faults = { renew: [], subscribe: [] }; // queued answers for the next PUT / subscribe
    this.platform = createServer((req, res) => this.platformRoute(req, res).catch((e) => json(res, 500, { message: String(e) })));
    this.pubnub = createServer((req, res) => this.pubnubRoute(req, res));
  }

  async start() {
    await Promise.all([
      new Promise((r) => this.platform.listen(0, '127.0.0.1', r)),
      new Promise((r) => this.pubnub.listen(0, '127.0.0.1', r)),
    ]);
    this.url = `http://127.0.0.1:${this.platform.address().port}`;
    this.origin = `http://127.0.0.1:${this.pubnub.address().port}`;
    this.timer = setInterval(() => this.publishAll(), 1000 / this.rate);
    return this;
  }

  async stop() {
    clearInterval(this.timer);
    for (const ch of this.channels.values()) for (const w of ch.waiters) w.finish?.();
    for (const s of [this.platform, this.pubnub]) {
      s.closeAllConnections?.();
      await new Promise((r) => s.close(r));
    }
  }

  // ---- the RingCentral platform ---------------------------------------------

  async platformRoute(req, res) {
    const url = new URL(req.url, 'http://x');
    const raw = await readBody(req);
    const rec = { at: Date.now(), method: req.method, path: url.pathname, raw, auth: req.headers.authorization, ct: req.headers['content-type'] };
    const reply = (status, obj) => {
      rec.status = status;
      rec.reply = obj;
      if (status === 204) {
        res.writeHead(204);
        res.end();
      } else json(res, status, obj);
    };
    if (url.pathname === '/restapi/oauth/token' && req.method === 'POST') {
      this.logins.push(rec);
      return this.token(req, raw, reply);
    }
    if (url.pathname === '/restapi/oauth/revoke') return reply(200, {});
    this.rest.push(rec);
    // Later calls carry "bearer <token>": the scheme echoes token_type, matched case-insensitively (§3.1).
    const tok = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!tok || !this.tokens.has(tok) || this.tokens.get(tok) < Date.now()) return reply(401, rcError('OAU-128', 'Access token expired'));
    let body;
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      return reply(400, rcError('CMN-101', 'Parameter [body] value is invalid'));
    }
    rec.body = body;
    const m = /^\/restapi\/v1\.0\/subscription(?:\/([^/]+))?(\/renew)?\/?$/.exec(url.pathname);
    if (!m) return reply(404, rcError('CMN-102', 'Resource for parameter [path] is not found'));
    const [, id, renew] = m;
    if (!id && req.method === 'POST') return this.create(body, reply);
    if (!id && req.method === 'GET') return reply(200, { uri: `${this.url}/restapi/v1.0/subscription`, records: [...this.subs.values()].filter((s) => !s.deleted).map((s) => this.view(s)) });
    const s = this.subs.get(id);
    if (!s || s.deleted || s.expires < Date.now()) return reply(404, rcError('CMN-102', 'Resource for parameter [subscriptionId] is not found', 'subscriptionId'));
    if ((req.method === 'PUT' && !renew) || (req.method === 'POST' && renew)) {
      const fault = this.faults.renew.shift();
      if (fault) {
        rec.fault = fault;
        return reply(fault.status, fault.body);
      }
      if (Array.isArray(body.eventFilters) && body.eventFilters.length) s.eventFilters = body.eventFilters;
      if (this.rotateOnRenew) {
        // Scenario switch 20 and §9.3: the renewal answers a new key and a new channel.
        if (s.key) s.key = newKey();
        s.address = `${this.ownerId}_${randomUUID().slice(0, 8)}`;
        this.channels.set(s.address, { queue: [], waiters: new Set() });
      }
      s.expires = Date.now() + Math.min(this.lifetimeS, 900) * 1000;
      s.renewals.push({ at: Date.now(), how: renew ? 'POST /renew' : 'PUT' });
      return reply(200, this.view(s));
    }
    if (req.method === 'GET' && !renew) return reply(200, this.view(s));
    if (req.method === 'DELETE' && !renew) {
      s.deleted = Date.now();
      return reply(204);
    }
    return reply(405, rcError('CMN-405', 'Method not allowed'));
  }

  token(req, raw, reply) {
    const basic = /^basic\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const [id, secret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(/:(.*)/s) : [];
    const form = new URLSearchParams(raw);
    if (id !== this.clientId || secret !== this.clientSecret) {
      return reply(401, { error: 'invalid_client', errors: [{ errorCode: 'OAU-123', message: 'Invalid client' }], error_description: 'Invalid client' });
    }
    const grant = form.get('grant_type');
    const ok = (grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer' && form.get('assertion') === this.jwt) ||
      (grant === 'refresh_token' && this.tokens.has(`refresh:${form.get('refresh_token')}`));
    if (!ok) return reply(400, { error: 'invalid_grant', errors: [{ errorCode: 'OAU-140', message: 'Invalid resource owner credentials' }], error_description: 'Invalid resource owner credentials' });
    const access = `AT-judge-${randomUUID()}`;
    const refresh = `RT-judge-${randomUUID()}`;
    this.tokens.set(access, Date.now() + 3600e3);
    this.tokens.set(`refresh:${refresh}`, Date.now() + 604800e3);
    return reply(200, {
      access_token: access, token_type: 'bearer', expires_in: 3600, refresh_token: refresh, refresh_token_expires_in: 604800,
      scope: 'ReadPresence ReadMessages SubscriptionPubNub', owner_id: this.ownerId, endpoint_id: 'judge-ep',
    });
  }

  create(body, reply) {
    const filters = body.eventFilters;
    if (!Array.isArray(filters) || filters.length === 0 || !filters.every((f) => typeof f === 'string' && f.startsWith('/restapi/v1.0/'))) {
      return reply(400, rcError('SUB-508', `Invalid event filters: [${Array.isArray(filters) ? filters.join(', ') : ''}]`, 'eventFilters'));
    }
    if (body.deliveryMode?.transportType !== 'PubNub') return reply(400, rcError('CMN-101', 'Parameter [deliveryMode.transportType] value is invalid', 'deliveryMode.transportType'));
    // Presence filters force encryption (seed 003), as does encryption: true.
    const encrypted = body.deliveryMode.encryption === true || filters.some((f) => f.includes('/presence'));
    const id = randomUUID();
    const address = `${this.ownerId}_${randomUUID().slice(0, 8)}`;
    const s = {
      id, address, created: Date.now(), expires: Date.now() + Math.min(body.expiresIn ?? this.lifetimeS, this.lifetimeS, 900) * 1000,
      eventFilters: filters, key: encrypted ? newKey() : null, renewals: [],
    };
    if (s.expires - Date.now() < 121e3) s.expires = Date.now() + 121e3;
    this.subs.set(id, s);
    this.channels.set(address, { queue: [], waiters: new Set() });
    return reply(200, this.view(s));
  }

  view(s) {
    const iso = (ms) => (this.offsetTimes ? new Date(ms).toISOString().replace('Z', '+0000') : new Date(ms).toISOString());
    const dm = { transportType: 'PubNub', encryption: Boolean(s.key), address: s.address, subscriberKey: this.subKey, secretKey: `sec-c-${s.id.slice(0, 8)}` };
    if (s.key) Object.assign(dm, { encryptionAlgorithm: 'AES', encryptionKey: s.key });
    return {
      id: s.id, uri: `${this.url}/restapi/v1.0/subscription/${s.id}`, eventFilters: s.eventFilters,
      expirationTime: iso(s.expires), expiresIn: Math.max(0, Math.round((s.expires - Date.now()) / 1000)), status: 'Active', creationTime: iso(s.created), deliveryMode: dm,
    };
  }

  // ---- publishing ----------------------------------------------------------------

  /** publishAll publishes one notification to each live subscription's channel. */
  publishAll() {
    if (this.paused) return;
    for (const s of this.subs.values()) if (!s.deleted && s.expires > Date.now()) this.publish(s);
  }

  /**
   * publish makes one notification for s (§8.11), encrypts it if s has a
   * key, and queues it on its channel. again: an earlier notification to
   * publish once more, the same uuid under a new timetoken, as a publisher's
   * retry would (§9.6: "Drop repeats by the notification's uuid").
   */
  publish(s, again) {
    const filter = s.eventFilters.find((f) => f.includes('/presence')) ?? s.eventFilters[0] ?? PRESENCE;
    const event = filter.replace('/extension/~/', `/extension/${this.ownerId}/`);
    const n = again ?? {
      uuid: randomUUID(), event, timestamp: new Date().toISOString(), subscriptionId: s.id, ownerId: this.ownerId,
      body: {
        extensionId: Number(this.ownerId), telephonyStatus: ['NoCall', 'Ringing', 'CallConnected', 'OnHold'][this.published.length % 4],
        activeCalls: [], sequence: this.published.length + 1, presenceStatus: 'Available', userStatus: 'Available', dndStatus: 'TakeAllCalls',
        meetingStatus: 'Disconnected', allowSeeMyPresence: true, ringOnMonitoredCall: false, pickUpCallsOnHold: false, totalActiveCalls: 0, ownerId: this.ownerId,
      },
    };
    const tt = nextTimetoken();
    const env = { a: '3', f: 0, i: 'judge-publisher', p: { t: tt, r: 12 }, k: this.subKey, c: s.address, b: s.address, d: s.key ? encrypt(n, s.key) : n };
    const ch = this.channels.get(s.address);
    ch.queue.push({ tt, env, at: Date.now(), uuid: n.uuid });
    const rec = { uuid: n.uuid, tt, at: Date.now(), channel: s.address, sub: s.id, notification: n, evicted: false, repeat: Boolean(again) };
    this.published.push(rec);
    // The queue keeps 100 messages for 20 minutes, dropping the oldest (§6.4).
    while (ch.queue.length > QUEUE || (ch.queue.length && ch.queue[0].at < Date.now() - QUEUE_AGE_MS)) {
      const old = ch.queue.shift();
      const p = this.published.find((x) => x.tt === old.tt);
      if (p) p.evicted = Date.now();
    }
    for (const w of [...ch.waiters]) w.wake();
    return rec;
  }

  // ---- the PubNub origin ------------------------------------------------------------

  pubnubRoute(req, res) {
    const url = new URL(req.url, 'http://x');
    const q = url.searchParams;
    const p = url.pathname;
    if (Date.now() < (this.downUntil ?? 0)) {
      // The origin is unreachable: every request is reset.
      this.polls.push({ at: Date.now(), path: p, down: true });
      req.socket.resetAndDestroy?.() ?? req.socket.destroy();
      return;
    }
    if (p === '/time/0') {
      this.times.push(Date.now());
      return pn(res, 200, [Number(nextTimetoken())]);
    }
    let m = /^\/v2\/presence\/sub[-_]key\/([^/]+)\/channel\/([^/]+)\/(heartbeat|leave)$/.exec(p);
    if (m) {
      this.presence.push({ at: Date.now(), what: m[3], channel: decodeURIComponent(m[2]), query: url.search });
      return pn(res, 200, { status: 200, message: 'OK', service: 'Presence', ...(m[3] === 'leave' ? { action: 'leave' } : {}) });
    }
    m = /^\/v2\/subscribe\/([^/]+)\/([^/]+)\/0$/.exec(p);
    if (!m) return pn(res, 404, { status: 404, error: true, message: 'Not Found', service: 'Balancer' });
    const sk = decodeURIComponent(m[1]);
    const chans = decodeURIComponent(m[2]).split(',');
    const tt = q.get('tt');
    const rec = { at: Date.now(), path: p, channels: chans, tt, tr: q.get('tr'), query: Object.fromEntries(q), answered: null, uuids: [] };
    this.polls.push(rec);
    const fault = this.faults.subscribe.shift();
    if (fault) {
      rec.answered = Date.now();
      rec.status = fault.status;
      return pn(res, fault.status, fault.body);
    }
    if (sk !== this.subKey) {
      rec.status = 400;
      return pn(res, 400, { status: 400, error: true, message: 'Invalid Subscribe Key', service: 'Access Manager' });
    }
    const queues = chans.map((c) => this.channels.get(c)).filter(Boolean);
    const current = () => {
      const all = queues.flatMap((ch) => ch.queue).sort((a, b) => (ttLess(a.tt, b.tt) ? -1 : 1));
      return all;
    };
    const answer = (msgs, t) => {
      rec.answered = Date.now();
      rec.status = 200;
      rec.uuids = msgs.map((x) => x.uuid);
      rec.t = t;
      pn(res, 200, { t: { t, r: 12 }, m: msgs.map((x) => x.env) });
    };
    // A missing tt, tt=0 and tt= are the handshake: answered at once (§6.2, §8.7).
    if (!tt || tt === '0') {
      rec.handshake = true;
      return answer([], nextTimetoken());
    }
    const newer = () => current().filter((x) => ttLess(tt, x.tt)).slice(-QUEUE);
    const now = newer();
    if (now.length) return answer(now, now[now.length - 1].tt);
    // Nothing newer: hold until a publish or the hold expires, then m:[] with the same t (§6.4).
    const waiter = {
      socket: req.socket,
      rec,
      wake: () => {
        const got = newer();
        if (got.length) finish(() => answer(got, got[got.length - 1].tt));
      },
      finish: () => finish(() => answer([], tt)),
      // cancel forgets the poll without answering it (it is being reset).
      cancel: () => finish(() => {}),
    };
    let done = false;
    const finish = (fn) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      for (const ch of queues) ch.waiters.delete(waiter);
      this.held.delete(waiter);
      fn();
    };
    const timer = setTimeout(() => waiter.finish(), this.holdMs);
    for (const ch of queues) ch.waiters.add(waiter);
    this.held.add(waiter);
    rec.held = true;
    res.on('close', () => {
      if (!done) {
        rec.abandoned = Date.now();
        finish(() => {});
      }
    });
  }

  held = new Set();

  /** resetPolls drops every held long-poll with a TCP reset, as a network failure would (§8.15). */
  resetPolls() {
    const n = this.held.size;
    for (const w of [...this.held]) {
      w.cancel();
      w.rec.reset = Date.now();
      w.socket.resetAndDestroy?.() ?? w.socket.destroy();
    }
    return n;
  }

  /** down resets held polls and every request to the origin for ms. */
  down(ms) {
    this.downUntil = Date.now() + ms;
    return this.resetPolls();
  }
}

function json(res, status, obj) {
  const body = JSON.stringify(obj);
  res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** pn answers as the PubNub origin does, with its Content-Type on every answer, errors too (§6.7). */
function pn(res, status, obj) {
  const body = JSON.stringify(obj);
  res.writeHead(status, { 'Content-Type': 'text/javascript; charset="UTF-8"', 'Content-Length': Buffer.byteLength(body), 'Access-Control-Allow-Origin': '*' });
  res.end(body);
}
