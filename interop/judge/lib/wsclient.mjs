// A WebSocket client that records everything: each message with its arrival
// time and whether it was binary, pings, and how the connection ended —
// in particular whether a close frame came (ws reports 1006 when the TCP
// connection ended without one).

import WebSocket from 'ws';

/**
 * open connects to url and resolves with a Conn once upgraded, or rejects
 * with an Error carrying .status, .headers and .body when the server answered
 * the handshake with an HTTP response instead (e.g. a 401).
 */
export function open(url, { headers = {}, timeout = 5000, autoPong = true } = {}) {
  return new Promise((resolve, reject) => {
    // autoPong false: a client that never answers the server's pings.
    const ws = new WebSocket(url, { headers, handshakeTimeout: timeout, followRedirects: false, autoPong });
    const conn = new Conn(ws);
    ws.once('open', () => resolve(conn));
    ws.once('unexpected-response', (req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        const err = new Error(`handshake answered ${res.statusCode}`);
        err.status = res.statusCode;
        err.headers = res.headers;
        err.body = body;
        reject(err);
        req.destroy();
      });
    });
    ws.once('error', (e) => reject(e));
  });
}

/** refusal resolves with the HTTP answer a handshake got instead of an upgrade, or rejects if it was upgraded. */
export async function refusal(url, opts) {
  try {
    const c = await open(url, opts);
    c.ws.terminate();
    return { upgraded: true };
  } catch (e) {
    if (e.status) return { status: e.status, headers: e.headers, body: e.body };
    throw e;
  }
}

/** Conn is an open connection and what it has seen. */
export class Conn {
  constructor(ws) {
    this.ws = ws;
    this.openedAt = Date.now();
    /** @type {{at:number, data:string|Buffer, binary:boolean}[]} */
    this.messages = [];
    this.pings = [];
    this.closeInfo = null;
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString(), at: Date.now() };
        resolve(this.closeInfo);
      });
    });
    ws.on('message', (data, isBinary) => {
      this.messages.push({ at: Date.now(), data: isBinary ? data : data.toString('utf8'), binary: isBinary });
    });
    ws.on('ping', () => this.pings.push(Date.now()));
    ws.on('error', () => {});
  }

  /** texts are the text messages received so far, from index from. */
  texts(from = 0) {
    return this.messages.slice(from).filter((m) => !m.binary).map((m) => m.data);
  }

  send(data, opts) {
    this.ws.send(data, opts);
  }

  /** closedWithin resolves with the close info, or null when still open after ms. */
  closedWithin(ms) {
    return Promise.race([this.closed, new Promise((r) => setTimeout(() => r(null), ms))]);
  }

  close() {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
  }
}
