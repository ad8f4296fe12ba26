// Watches the frames an @rc-ex/ws WebSocketExtension exchanges, without
// changing them, so a script can say what the SDK did on the wire: how many
// subscription POSTs it sent and which wsc sequence numbers reached it.

const SUBSCRIPTION_PATH = /^\/restapi\/v1\.0\/subscription\/?$/;

/** Wire counts the subscription POSTs sent and notification sequences seen. */
export class Wire {
  constructor() {
    this.posts = 0;
    this.connections = 0;
    // wsc sequences of ServerNotifications in arrival order, one list per
    // server session: a Successful recovery continues the list, any other
    // ConnectionDetails starts a new one (its numbering restarts at 1).
    this.runs = [[]];
    this.unparsed = [];
  }

  /**
   * attach starts watching wse's current socket and every socket it makes
   * later (@rc-ex/ws emits newWebSocketObject before it wraps send, so
   * the wrapper below is seen by the SDK's own).
   */
  attach(wse) {
    if (wse.ws) this.#watch(wse.ws);
    wse.eventEmitter.on('newWebSocketObject', (ws) => this.#watch(ws));
  }

  #watch(ws) {
    this.connections++;
    const send = ws.send.bind(ws);
    ws.send = (data, ...rest) => {
      this.#sent(data);
      return send(data, ...rest);
    };
    ws.addEventListener('message', (ev) => this.#received(ev.data));
  }

  #sent(data) {
    try {
      const [meta] = JSON.parse(String(data));
      if (meta?.type === 'ClientRequest' && meta.method === 'POST' && SUBSCRIPTION_PATH.test(meta.path)) {
        this.posts++;
      }
    } catch {
      // the SDK only sends JSON; anything else is not ours to judge here
    }
  }

  #received(data) {
    let meta;
    let body;
    try {
      [meta, body] = JSON.parse(String(data));
    } catch {
      this.unparsed.push(String(data).slice(0, 80));
      return;
    }
    if (meta?.type === 'ConnectionDetails' && body?.recoveryState !== 'Successful') {
      // A fresh session (no wsc, or recovery Failed) numbers from 1 again.
      this.runs.push([]);
    }
    if (meta?.type === 'ServerNotification' && meta.wsc) {
      this.runs[this.runs.length - 1].push(meta.wsc.sequence);
    }
  }

  /**
   * sequenceProblems lists every place where, within one session, a
   * notification's sequence is not exactly one more than the previous
   * one: a repeat is a duplicate, a jump a loss.
   */
  sequenceProblems() {
    const out = [];
    for (const run of this.runs) {
      for (let i = 1; i < run.length; i++) {
        if (run[i] !== run[i - 1] + 1) out.push(`${run[i - 1]} then ${run[i]}`);
      }
    }
    return out;
  }
}
