// A Dialpad-style server written from the Dialpad document, the wire notes
// and Dialpad's OpenAPI spec alone (shared/seeds/004_6d35c4b6eec4d939.txt,
// shared/protocols/dialpad.md, dialpad_api_spec.json), for judging evtap's
// Dialpad client: the websockets and event-subscription REST resources
// (B2, B3), URL tokens that expire after a short lifetime (B4), the
// receive-only socket at /events/<token> cut abruptly at the token's exp
// (B7), raw or HS256-signed frames (B5), and a generator whose ledger
// records every event it made and every connection it went to.

import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { Generator, SUBSCRIPTION_TYPES, bodyProblem, newId } from './dialpad.mjs';
import { decode, sign, verify } from './jwt.mjs';
import { readBody } from './voipbin-server.mjs';

/** DialpadServer serves one company whose API key is apiKey. */
export class DialpadServer {
  constructor({ apiKey, lifetimeS = 3600, rate = 10, pageSize = 20 }) {
    Object.assign(this, { apiKey, lifetimeS, rate, pageSize });
    this.tokenKey = `judge-token-key-${newId()}`;
    this.user = newId();
    this.gen = new Generator(this.user);
    this.websockets = new Map(); // id -> {id, secret}
    this.subs = new Map(); // id -> {id, type, endpoint, body}
    this.rest = [];
    this.conns = [];
    this.refusals = [];
    this.events = [];
    this.wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    this.http = createServer((req, res) => this.route(req, res).catch((e) => send(res, 500, { error: { code: 500, message: String(e) } })));
    this.http.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  async start() {
    await new Promise((r) => this.http.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${this.http.address().port}`;
    this.timer = setInterval(() => this.publishNext(), 1000 / this.rate);
    return this;
  }

  async stop() {
    clearInterval(this.timer);
    for (const c of this.conns) {
      clearTimeout(c.expiry);
      c.ws.terminate();
    }
    this.http.closeAllConnections?.();
    await new Promise((r) => this.http.close(r));
  }

  /** token mints a URL token (B4): typ vnd.dialpad.websocket+jwt, sub, iat, exp = iat + lifetime. */
  token(sub) {
    const iat = Math.floor(Date.now() / 1000);
    return sign({ sub, exp: iat + this.lifetimeS, iss: 'https://judge.dialpad.example', iat }, this.tokenKey, { alg: 'HS256', typ: 'vnd.dialpad.websocket+jwt' });
  }

  wsURL(sub) {
    return `${this.url.replace(/^http/, 'ws')}/events/${this.token(sub)}`;
  }

  websocketProto(w) {
    const out = { id: w.id, websocket_url: this.wsURL(`endpoint:${w.id}:*`) };
    if (w.secret) out.signature = { algo: 'HS256', secret: w.secret, type: 'jwt' };
    return out;
  }

  subProto(s) {
    const w = this.websockets.get(s.endpoint);
    const out = { ...s.fields, id: s.id, enabled: s.fields.enabled ?? true };
    if (w) {
      out.websocket = { id: w.id, websocket_url: this.wsURL(`endpoint:${w.id}:${s.type}:${s.id}`) };
      if (w.secret) out.websocket.signature = { algo: 'HS256', secret: w.secret, type: 'jwt' };
    }
    return out;
  }

  async route(req, res) {
    const url = new URL(req.url, 'http://x');
    const raw = await readBody(req);
    let body;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = Symbol.for('bad json');
    }
    const rec = { at: Date.now(), method: req.method, path: url.pathname, query: url.search, raw, body, auth: req.headers.authorization };
    this.rest.push(rec);
    const reply = (status, obj) => {
      rec.status = status;
      rec.reply = obj;
      send(res, status, obj);
    };
    // B2: Authorization: Bearer <key> or ?apikey=.
    const bearer = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if ((bearer ?? url.searchParams.get('apikey')) !== this.apiKey) return reply(401, { error: { code: 401, message: 'invalid or missing API key' } });
    // Scripted refusals: throttle(method, path) answers 429 with a Retry-After (B2's rate limits).
    const t = this.throttle?.(req.method, url.pathname);
    if (t) {
      rec.status = 429;
      res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': String(t) });
      res.end(JSON.stringify({ error: { code: 429, message: 'rate limit exceeded' } }));
      return;
    }
    if (body === Symbol.for('bad json')) return reply(400, { error: { code: 400, message: 'the body is not JSON' } });
    const parts = url.pathname.split('/').filter(Boolean); // api v2 websockets {id}
    if (parts[0] !== 'api' || parts[1] !== 'v2') return reply(404, { error: { code: 404, message: 'not found' } });
    const [, , coll, a, b] = parts;
    if (coll === 'websockets') return this.websocketsRoute(req.method, a, body ?? {}, url, reply);
    if (coll === 'subscriptions' && SUBSCRIPTION_TYPES[a]) return this.subsRoute(req.method, a, b, body ?? {}, url, reply);
    return reply(404, { error: { code: 404, message: 'not found' } });
  }

  websocketsRoute(method, id, body, url, reply) {
    if (!id && method === 'POST') {
      if (body.secret !== undefined && body.secret !== null && typeof body.secret !== 'string') return reply(400, { error: { code: 400, message: 'secret: not a string' } });
      const w = { id: newId(), secret: body.secret || null };
      this.websockets.set(w.id, w);
      return reply(200, this.websocketProto(w));
    }
    if (!id && method === 'GET') return reply(200, this.page([...this.websockets.values()].map((w) => this.websocketProto(w)), url));
    const w = this.websockets.get(String(id));
    if (!w) return reply(404, { error: { code: 404, message: `websocket ${id} not found` } });
    if (method === 'GET') return reply(200, this.websocketProto(w));
    if (method === 'PATCH') {
      w.secret = body.secret || null;
      return reply(200, this.websocketProto(w));
    }
    if (method === 'DELETE') {
      this.websockets.delete(w.id);
      return reply(200, this.websocketProto(w));
    }
    return reply(405, { error: { code: 405, message: 'method not allowed' } });
  }

  subsRoute(method, type, id, body, url, reply) {
    if (!id && method === 'POST') {
      const problem = bodyProblem(type, body);
      if (problem) return reply(400, { error: { code: 400, message: problem } });
      const endpoint = body.endpoint_id === undefined || body.endpoint_id === null ? null : String(body.endpoint_id);
      if (endpoint && !this.websockets.has(endpoint)) return reply(404, { error: { code: 404, message: `endpoint_id ${endpoint}: no such websocket` } });
      const { endpoint_id: _, ...fields } = body;
      const s = { id: newId(), type, endpoint, fields, created: Date.now() };
      this.subs.set(s.id, s);
      return reply(200, this.subProto(s));
    }
    if (!id && method === 'GET') return reply(200, this.page([...this.subs.values()].filter((s) => s.type === type).map((s) => this.subProto(s)), url));
    const s = this.subs.get(String(id));
    if (!s || s.type !== type) return reply(404, { error: { code: 404, message: `subscription ${id} not found` } });
    if (method === 'GET') return reply(200, this.subProto(s));
    if (method === 'PATCH') {
      const merged = { ...s.fields, ...body };
      const problem = bodyProblem(type, merged);
      if (problem) return reply(400, { error: { code: 400, message: problem } });
      const { endpoint_id: ep, ...fields } = merged;
      if (ep !== undefined && ep !== null) s.endpoint = String(ep);
      s.fields = fields;
      return reply(200, this.subProto(s));
    }
    if (method === 'DELETE') {
      this.subs.delete(s.id);
      return reply(200, this.subProto(s));
    }
    return reply(405, { error: { code: 405, message: 'method not allowed' } });
  }

  page(items, url) {
    const start = Number(url.searchParams.get('cursor') ?? 0) || 0;
    const out = { items: items.slice(start, start + this.pageSize) };
    if (start + this.pageSize < items.length) out.cursor = String(start + this.pageSize);
    return out;
  }

  /** scopeOf checks a URL token and returns {websocket, sub?, exp} or {error}. */
  scopeOf(token) {
    const d = decode(token);
    if (!d || !verify(token, this.tokenKey)) return { error: 'bad token' };
    if (d.payload.exp * 1000 <= Date.now()) return { error: 'expired token' };
    const m = /^endpoint:(\d+):(?:\*|(\w+):(\d+))$/.exec(d.payload.sub ?? '');
    if (!m || !this.websockets.has(m[1])) return { error: 'no such websocket' };
    if (m[3] && !this.subs.has(m[3])) return { error: 'no such subscription' };
    return { websocket: m[1], sub: m[3] ?? null, exp: d.payload.exp * 1000, iat: d.payload.iat * 1000 };
  }

  upgrade(req, socket, head) {
    const url = new URL(req.url, 'http://x');
    const m = /^\/events\/([^/]+)$/.exec(url.pathname);
    const scope = m ? this.scopeOf(m[1]) : { error: 'no such path' };
    if (Date.now() < (this.refuseUntil ?? 0)) {
      this.refusals.push({ at: Date.now(), why: 'server down' });
      socket.resetAndDestroy?.() ?? socket.destroy();
      return;
    }
    if (scope.error) {
      // B5: the real answer to a bad token is not documented; 401 here.
      this.refusals.push({ at: Date.now(), why: scope.error });
      const body = JSON.stringify({ error: { code: 401, message: scope.error } });
      socket.end(`HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = { id: this.conns.length + 1, ws, ...scope, openedAt: Date.now(), closedAt: null, closedBy: null, received: [] };
      this.conns.push(conn);
      // B7: the connection ends at the token's exp, abruptly (1006).
      conn.expiry = setTimeout(() => this.cut(conn, 'token expired'), Math.max(0, scope.exp - Date.now()));
      ws.on('message', (data) => conn.received.push(String(data))); // B5: client frames are ignored
      ws.on('close', () => {
        clearTimeout(conn.expiry);
        conn.closedAt ??= Date.now();
        conn.closedBy ??= 'client';
      });
      ws.on('error', () => {});
    });
  }

  cut(conn, why) {
    if (conn.closedAt) return;
    conn.closedAt = Date.now();
    conn.closedBy = why;
    clearTimeout(conn.expiry);
    conn.ws.terminate();
  }

  /** drop: stop generating, let what was sent be read, cut every open connection, refuse new ones for downMs. */
  async drop(why, downMs = 0) {
    this.paused = true;
    await new Promise((r) => setTimeout(r, 300));
    this.refuseUntil = Date.now() + downMs;
    const cut = this.live();
    for (const c of cut) this.cut(c, why);
    this.paused = false;
    return cut;
  }

  live() {
    return this.conns.filter((c) => !c.closedAt);
  }

  /** matches reports whether event ev goes to subscription s (checklist 6). */
  matches(s, ev) {
    if (s.fields.enabled === false) return false;
    if (s.type !== ev.kind) return false;
    const f = s.fields;
    if (s.type === 'call') {
      const states = f.call_states ?? ['all'];
      if (!states.includes('all') && !states.includes(ev.state)) return false;
    }
    if (s.type === 'sms' && f.direction !== 'all' && f.direction !== ev.payload.direction) return false;
    if (f.target_type && f.target_id !== undefined && f.target_id !== null) {
      const t = ev.payload.target ?? {};
      if (t.type !== f.target_type || String(t.id) !== String(f.target_id)) return false;
    }
    return true;
  }

  publishNext() {
    if (this.paused) return;
    const ev = this.gen.next();
    const text = JSON.stringify(ev.payload);
    const rec = { seq: this.events.length + 1, at: Date.now(), kind: ev.kind, text, deliveries: [], matched: [] };
    this.events.push(rec);
    rec.matched = [...this.subs.values()].filter((s) => this.matches(s, ev)).map((s) => s.id);
    for (const c of this.live()) {
      const subs = [...this.subs.values()].filter((s) => s.endpoint === c.websocket && (!c.sub || c.sub === s.id) && this.matches(s, ev));
      if (subs.length === 0) continue;
      const w = this.websockets.get(c.websocket);
      // B5: with a secret, a compact HS256 JWS of the event; raw JSON otherwise.
      const frame = w?.secret ? sign(ev.payload, w.secret) : text;
      c.ws.send(frame);
      rec.deliveries.push({ conn: c.id, secret: w?.secret ?? null });
    }
  }
}

function send(res, status, obj) {
  const body = JSON.stringify(obj);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
