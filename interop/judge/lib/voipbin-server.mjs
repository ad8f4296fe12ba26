// A VoIPBin-style server written from the VoIPBin document and the wire
// notes alone (shared/seeds/002_43648be1f13a3606.txt,
// shared/protocols/voipbin.md), for judging evtap's VoIPBin client:
// POST /auth/login (A0), the credential order and the 401 envelope (A2),
// the topic grammar and permissions (A4), raw-prefix matching with every
// event published under all its topic strings (A5, A7), no acks, a drop
// without a close frame on a bad topic or a binary frame (A3), pings with a
// pong deadline (A9, shorter by option). It keeps a ledger of everything:
// logins, handshakes, connections, subscribe frames, each frame it sent and
// under which topic string.

import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { decode, sign, verify } from './jwt.mjs';
import { Generator, PERM, expireString, matching, publishedTopics, topicProblem } from './voipbin.mjs';

/**
 * VoipbinServer: users are [{username, password, agent}], agent being the
 * Agent claim {id, customer_id, permission, …}; accessKeys act as
 * CustomerAdmin of customerId with no agent id (A2).
 */
export class VoipbinServer {
  constructor({ customerId, users, accessKeys = [], signingKey, pingMs = 10000, pongTimeoutMs = 60000, rate = 20, wrapped = false, tokenTtlMs = 7 * 86400e3 }) {
    // wrapped: the legacy frame {"type":"<event type>","data":{…}} the
    // documents still describe, instead of the bare resource HEAD sends (A6).
    Object.assign(this, { customerId, users, accessKeys, signingKey, pingMs, pongTimeoutMs, rate, wrapped, tokenTtlMs });
    this.gen = new Generator(customerId, users.map((u) => u.agent.id));
    this.logins = [];
    this.handshakes = [];
    this.conns = [];
    this.events = [];
    this.wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    this.http = createServer((req, res) => this.route(req, res));
    this.http.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  async start() {
    await new Promise((r) => this.http.listen(0, '127.0.0.1', r));
    this.port = this.http.address().port;
    this.url = `http://127.0.0.1:${this.port}`;
    this.timer = setInterval(() => this.publishNext(), 1000 / this.rate);
    return this;
  }

  async stop() {
    clearInterval(this.timer);
    for (const c of this.conns) c.ws.terminate();
    this.http.closeAllConnections?.();
    await new Promise((r) => this.http.close(r));
  }

  /** mint is the JWT login hands out (A0): HS256, type agent, the agent claim, a string expire, no exp. */
  mint(agent, ttlMs = 7 * 86400e3) {
    return sign({ type: 'agent', agent, expire: expireString(Date.now() + ttlMs) }, this.signingKey);
  }

  async route(req, res) {
    const url = new URL(req.url, 'http://x');
    if (req.method === 'POST' && url.pathname === '/auth/login') {
      const raw = await readBody(req);
      let body;
      try {
        body = JSON.parse(raw);
      } catch {
        body = null;
      }
      const rec = { at: Date.now(), raw, contentType: req.headers['content-type'], ok: false };
      this.logins.push(rec);
      const u = body && typeof body.username === 'string' && typeof body.password === 'string' && body.username && body.password &&
        this.users.find((x) => x.username === body.username && x.password === body.password);
      if (!u) {
        // A0: any failure is a bare 400 with an empty body.
        res.writeHead(400, { 'Content-Length': '0' });
        res.end();
        return;
      }
      rec.ok = true;
      const token = this.mint(u.agent, this.tokenTtlMs);
      rec.token = token;
      const out = JSON.stringify({ username: u.username, token });
      res.writeHead(200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Set-Cookie': `token=${token}; Max-Age=604800; Path=/; Secure; HttpOnly; SameSite=Strict`,
      });
      res.end(out);
      return;
    }
    if (url.pathname === '/v1.0/ws' || url.pathname === '/v1.0/service_agents/ws') {
      // Authenticated but not a WebSocket handshake: gorilla answers 400.
      const who = this.authenticate(req, url);
      if (who.error) return deny(res, who.error);
      res.writeHead(400, { 'Content-Type': 'text/plain' });
      res.end('Bad Request');
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('404 page not found');
  }

  /**
   * authenticate reads the credential from the first place holding one, in
   * A2's order: cookie token, ?token=, Authorization Bearer, then the access
   * key (cookie, then ?accesskey=). It returns {caller, from} or {error, from}.
   */
  authenticate(req, url) {
    const cookies = parseCookies(req.headers.cookie ?? '');
    const bearer = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    let from;
    let jwt;
    let key;
    if (cookies.token) [from, jwt] = ['cookie token', cookies.token];
    else if (url.searchParams.get('token')) [from, jwt] = ['?token=', url.searchParams.get('token')];
    else if (bearer) [from, jwt] = ['Authorization: Bearer', bearer];
    else if (cookies.accesskey) [from, key] = ['cookie accesskey', cookies.accesskey];
    else if (url.searchParams.get('accesskey')) [from, key] = ['?accesskey=', url.searchParams.get('accesskey')];
    else return { from: 'none', error: 'AUTHENTICATION_REQUIRED' };
    if (key !== undefined) {
      if (!this.accessKeys.includes(key)) return { from, error: 'INVALID_CREDENTIALS' };
      return { from, secret: key, caller: { customerId: this.customerId, permission: PERM.admin, accessKey: true } };
    }
    // ?token= is always a JWT (A2): an access key there is refused.
    const d = decode(jwt);
    if (!d || !verify(jwt, this.signingKey)) return { from, error: 'INVALID_CREDENTIALS' };
    const c = d.payload;
    // expire is compared as a string with now in the same layout (A2).
    if (typeof c.expire !== 'string' || c.expire <= expireString(Date.now())) return { from, error: 'INVALID_CREDENTIALS' };
    // A delegate identity authenticates but may not open the socket: 200, no upgrade (A2).
    if (c.type === 'delegate') return c.aud === 'voipbin-api' ? { from, secret: jwt, delegate: true } : { from, error: 'INVALID_CREDENTIALS' };
    if (c.type !== undefined && c.type !== 'agent') return { from, error: 'INVALID_CREDENTIALS' };
    const a = c.agent ?? {};
    return { from, secret: jwt, caller: { customerId: a.customer_id, agentId: a.id, permission: a.permission ?? 0 } };
  }

  upgrade(req, socket, head) {
    const url = new URL(req.url, 'http://x');
    const rec = { at: Date.now(), path: url.pathname, query: url.search, headers: req.headers };
    this.handshakes.push(rec);
    if (Date.now() < (this.refuseUntil ?? 0)) {
      // The server is down: the TCP connection is reset.
      rec.refused = true;
      socket.resetAndDestroy?.() ?? socket.destroy();
      return;
    }
    if (url.pathname !== '/v1.0/ws' && url.pathname !== '/v1.0/service_agents/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const who = this.authenticate(req, url);
    Object.assign(rec, { from: who.from, secret: who.secret, ok: !who.error });
    if (who.error) {
      const body = envelope(who.error);
      socket.end(`HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    if (who.delegate) {
      socket.end('HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.serve(ws, who, rec));
  }

  serve(ws, who, handshake) {
    const conn = {
      id: this.conns.length + 1, ws, caller: who.caller, from: who.from, handshake, openedAt: Date.now(), closedAt: null, closedBy: null,
      topics: [], frames: [], sent: [], pings: 0, pongs: [], lastPong: Date.now(), draining: false,
    };
    this.conns.push(conn);
    // After the upgrade the server sends nothing (A1).
    ws.on('message', (data, isBinary) => this.receive(conn, data, isBinary));
    ws.on('pong', () => {
      conn.pongs.push(Date.now());
      conn.lastPong = Date.now();
    });
    ws.on('close', () => {
      conn.closedAt ??= Date.now();
      conn.closedBy ??= 'client';
      clearInterval(conn.pinger);
    });
    ws.on('error', () => {});
    conn.pinger = setInterval(() => {
      // The read deadline is reset only by a pong (A9).
      if (Date.now() - conn.lastPong > this.pongTimeoutMs) return this.cut(conn, 'pong timeout');
      conn.pings++;
      ws.ping();
    }, this.pingMs);
  }

  receive(conn, data, isBinary) {
    conn.frames.push({ at: Date.now(), binary: isBinary, text: isBinary ? null : data.toString('utf8') });
    if (isBinary) return this.cut(conn, 'binary frame');
    let msg;
    try {
      msg = JSON.parse(data.toString('utf8'));
    } catch {
      return; // bad JSON is logged and ignored (A3)
    }
    if (!msg || typeof msg !== 'object' || !Array.isArray(msg.topics) || !msg.topics.every((t) => typeof t === 'string')) return;
    if (msg.type !== 'subscribe' && msg.type !== 'unsubscribe') return; // any other type does nothing
    // Every topic is validated before any is applied; one bad topic drops the connection (A3/A4).
    const bad = msg.topics.map((t) => [t, topicProblem(t, conn.caller)]).find(([, p]) => p);
    if (bad) {
      conn.refused = { topic: bad[0], why: bad[1] };
      return this.cut(conn, `bad topic ${bad[0]}: ${bad[1]}`);
    }
    if (msg.type === 'subscribe') for (const t of msg.topics) if (!conn.topics.includes(t)) conn.topics.push(t);
    if (msg.type === 'unsubscribe') conn.topics = conn.topics.filter((t) => !msg.topics.includes(t));
  }

  /** cut drops the TCP connection without a close frame (ws.terminate destroys the socket). */
  cut(conn, why) {
    if (conn.closedAt) return;
    conn.closedAt = Date.now();
    conn.closedBy = why;
    clearInterval(conn.pinger);
    conn.ws.terminate();
  }

  /**
   * drop cuts a connection as a network failure would, but only after
   * everything already sent has been read, so the ledger knows exactly what
   * the client got: sending stops, the socket's buffers drain, then the cut.
   */
  async drop(conn, why = 'dropped by the judge', downMs = 0) {
    conn.draining = true;
    // Nothing is generated meanwhile: an event nobody could get before the
    // cut would be a loss the client cannot know of.
    this.paused = true;
    const t0 = Date.now();
    while ((conn.ws._socket?.writableLength ?? 0) > 0 && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 300));
    // downMs: new connections are refused for that long after the cut.
    this.refuseUntil = Date.now() + downMs;
    this.cut(conn, why);
    this.paused = false;
  }

  /** publishNext makes one event and sends it to every connection once per matching topic string (A5/A7). */
  publishNext() {
    if (this.paused) return;
    const { type, payload } = this.gen.next();
    this.publish(type, payload);
  }

  publish(type, payload) {
    const text = JSON.stringify(this.wrapped ? { type, data: payload } : payload);
    const topics = publishedTopics(type, payload);
    const ev = { seq: this.events.length + 1, at: Date.now(), type, text, topics, deliveries: [] };
    this.events.push(ev);
    for (const c of this.conns) {
      if (c.closedAt || c.draining) continue;
      for (const t of matching(topics, c.topics)) {
        c.ws.send(text);
        c.sent.push({ at: Date.now(), seq: ev.seq, topic: t });
        ev.deliveries.push({ conn: c.id, topic: t });
      }
    }
    return ev;
  }

  /** live is the open connections. */
  live() {
    return this.conns.filter((c) => !c.closedAt);
  }
}

function envelope(reason) {
  return JSON.stringify({
    error: {
      status: 'UNAUTHENTICATED', reason,
      message: reason === 'AUTHENTICATION_REQUIRED' ? 'authentication is required' : 'the credentials are not valid',
      request_id: randomUUID(),
    },
  });
}

function deny(res, reason) {
  res.writeHead(401, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(envelope(reason));
}

function parseCookies(h) {
  const out = {};
  for (const part of h.split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

/** readBody collects a request body as text. */
export function readBody(req) {
  return new Promise((resolve) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (s += c));
    req.on('end', () => resolve(s));
    req.on('error', () => resolve(s));
  });
}
