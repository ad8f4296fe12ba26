// Judges `evtap connect voipbin` against a VoIPBin-style server written
// from the VoIPBin document and the wire notes alone (lib/voipbin-server.mjs),
// run headless as a user would. From the server's own ledger: evtap logs in,
// subscribes the topics asked for, prints every event exactly once per topic
// string it matched (the copies after the first marked as duplicates),
// answers the server's pings, re-subscribes after a drop without a close
// frame and reports the outage window, keeps the password and the token off
// its output, and exits 3 on bad credentials.
//
//   node connect-voipbin.mjs --evtap /path/to/evtap

import { randomUUID } from 'node:crypto';
import { evtapBin, main } from './lib/args.mjs';
import { canon, tally } from './lib/canon.mjs';
import { Judge, expect, show, sleep, waitFor } from './lib/judge.mjs';
import { connect, requireHelp, tail } from './lib/proc.mjs';
import { httpFrames, jsonField, placeholderIn, placeholderProblems } from './lib/redaction.mjs';
import { sign } from './lib/jwt.mjs';
import { PERM, expireString } from './lib/voipbin.mjs';
import { VoipbinServer } from './lib/voipbin-server.mjs';

const CUSTOMER = randomUUID();
const ADMIN = randomUUID();
const PLAIN = randomUUID();
const PASSWORD = 'judge-Passw0rd-for-voipbin';
const ACCESS_KEY = `vb_judge${randomUUID().replace(/-/g, '')}`;
const agent = (id, permission, username) => ({
  id, customer_id: CUSTOMER, username, name: username, detail: '', ring_method: 'ringall', status: 'available', permission,
  tag_ids: [], addresses: [], direct_id: '00000000-0000-0000-0000-000000000000', direct_hash: '',
});

function newServer(opts = {}) {
  return new VoipbinServer({
    ...opts,
    customerId: CUSTOMER,
    users: [
      { username: 'admin@judge.example', password: PASSWORD, agent: agent(ADMIN, PERM.admin, 'admin@judge.example') },
      { username: 'agent@judge.example', password: PASSWORD, agent: agent(PLAIN, PERM.agent, 'agent@judge.example') },
    ],
    accessKeys: [ACCESS_KEY],
    signingKey: `judge-${randomUUID()}`,
    // Pings every 300 ms and a 1.5 s pong deadline (10 s and 60 s in VoIPBin, A9).
    pingMs: 300,
    pongTimeoutMs: 1500,
    rate: 25,
  }).start();
}

main(async () => {
  const bin = evtapBin('connect-voipbin.mjs');
  requireHelp(bin, ['connect', 'voipbin'], ['--server', '--username', '--password', '--accesskey', '--token', '--topic']);
  const j = new Judge('connect-voipbin');
  await Promise.all([mainRun(j, bin), accessKeyRun(j, bin), wrappedRun(j, bin), credentialRuns(j, bin), badCredentials(j, bin), badTopic(j, bin)]);
  j.finish();
});

/** The topics of the main run, and what each adds (voipbin.md A5/A7). */
const TOPICS = [
  `customer_id:${CUSTOMER}:call`, //                      every call event twice
  `customer_id:${CUSTOMER}:call:call_hangup`, //          hangups once more
  `agent_id:${ADMIN}:call`, //                            the admin's own calls twice more
  `customer_id:${CUSTOMER}:queue`, //                     queuecall events, twice (a raw prefix)
  `customer_id:${CUSTOMER}:transcribe:transcribe_speech_interim`, // once
  `customer_id:${CUSTOMER}:agent`, //                     agent events, twice
];

async function mainRun(j, bin) {
  // Login tokens expire after 4 s here (7 days in VoIPBin, A0): the second
  // reconnect needs a fresh login.
  const s = await newServer({ tokenTtlMs: 4000 });
  const args = ['voipbin', '--server', s.url, '--username', 'admin@judge.example', '--password', PASSWORD];
  for (const t of TOPICS) args.push('--topic', t);
  const e = connect(bin, args);
  const context = () => `evtap stderr:\n${tail(e.stderr)}\nlast updates:\n${e.updates.slice(-5).map(show).join('\n')}`;
  try {
    const first = await j.check('logs in with POST /auth/login {username, password}, connects with ?token=, subscribes the topics asked for', async () => {
      await waitFor(8000, () => s.conns[0]?.topics.length === TOPICS.length, 'voipbin.md A0/A3',
        'a connection subscribed to every --topic', () => ({ logins: s.logins.length, conns: s.conns.map((c) => c.topics), context: context() }));
      const l = s.logins[0];
      const body = JSON.parse(l.raw);
      expect(l.ok && body.username === 'admin@judge.example' && body.password === PASSWORD && /application\/json/.test(l.contentType ?? ''),
        'voipbin.md A0', 'POST /auth/login with a JSON {"username","password"}', { raw: '(the password is elided)', contentType: l.contentType, ok: l.ok });
      const c = s.conns[0];
      expect(c.from === '?token=' && c.handshake.secret === l.token, 'seed 002 ("GET wss://api.voipbin.net/v1.0/ws?token=<your authtoken here>")', 'the login token as ?token=', c.from);
      expect(c.handshake.path === '/v1.0/ws', 'voipbin.md A1', 'GET /v1.0/ws', c.handshake.path);
      const frames = c.frames.map((f) => (f.binary ? '(binary)' : JSON.parse(f.text)));
      expect(frames.every((f) => f.type === 'subscribe' && Array.isArray(f.topics)), 'seed 002 ({"type":"subscribe","topics":[…]})', 'only subscribe frames', frames);
      expect(JSON.stringify([...c.topics].sort()) === JSON.stringify([...TOPICS].sort()), 'voipbin.md A3', 'exactly the --topic set', c.topics);
      return c;
    }, 12000);
    if (!first) return;

    // Events flow; a drop without a close frame (A3); events; a drop with
    // the server down (connections reset) for 1.5 s; events again.
    const outages = [];
    for (const [n, downMs] of [[1, 0], [2, 1500]]) {
      await sleep(2500);
      const cut = s.live()[0];
      if (!cut) break;
      await s.drop(cut, 'the judge cut the TCP connection (no close frame)', downMs);
      const resub = await j.check(`drop ${n}${downMs ? ' (then the server down 1.5 s)' : ''}: re-subscribes every topic on a new connection`, async () => {
        const c = await waitFor(8000, () => s.conns.find((x) => x.id > cut.id && x.topics.length === TOPICS.length), 'issue 10 ("re-subscribes every topic (the server keeps nothing)")',
          'a new connection subscribed to every topic again', () => ({ conns: s.conns.map((x) => ({ id: x.id, topics: x.topics.length, closedBy: x.closedBy })), refused: s.handshakes.filter((h) => h.refused).length, context: context() }));
        expect(JSON.stringify([...c.topics].sort()) === JSON.stringify([...TOPICS].sort()), 'issue 10', 'the same topic set', c.topics);
        c.resubscribedAt = c.frames.find((f) => !f.binary && JSON.parse(f.text).type === 'subscribe')?.at;
        if (downMs) expect(s.handshakes.some((h) => h.refused), 'judge', 'reconnection attempts while the server was down', s.handshakes.length);
        return c;
      }, 12000);
      if (resub) outages.push({ n, cut, resub });
    }
    await sleep(2000);
    // Nothing more is generated, and what was sent is read, before evtap is stopped:
    // a frame in flight at SIGINT is no loss of evtap's.
    s.paused = true;
    await sleep(500);
    const stop = await e.stop();
    await sleep(100);
    await j.check('ends with exit status 0 on SIGINT', () => {
      expect(stop.code === 0, 'README (exit codes: 0 on SIGINT)', 'exit status 0', { ...stop, context: context() });
      expect(e.badLines.length === 0, 'README (Headless output: one JSON object per line)', 'only JSON lines on stdout', e.badLines.slice(0, 3));
    });

    // --- the ledger against what evtap printed ------------------------------
    const printed = e.events();
    const sent = [];
    for (const c of s.conns) for (const x of c.sent) sent.push({ ...x, conn: c.id, text: canon(JSON.parse(s.events[x.seq - 1].text)) });
    const sentTally = tally(sent.map((x) => x.text));
    const printedTally = tally(printed.map((ev) => canon(ev.body)));
    j.note(`${s.conns.length} connections, ${s.events.length} events generated, ${sent.length} frames sent, ${printed.length} events printed, ${e.of('gap').length} gap(s)`);
    await j.check('every event printed exactly once per topic string it matched', () => {
      expect(sent.length > 50, 'judge', 'a run with events', sent.length);
      const wrong = [];
      for (const [text, n] of sentTally) if ((printedTally.get(text) ?? 0) !== n) wrong.push({ sent: n, printed: printedTally.get(text) ?? 0, event: text.slice(0, 140) });
      for (const [text, n] of printedTally) if (!sentTally.has(text)) wrong.push({ sent: 0, printed: n, event: text.slice(0, 140) });
      expect(wrong.length === 0, 'issue 10 ("shows every event exactly once per topic string it matched"); voipbin.md A5/A7',
        'as many printed copies of each event as the server sent (one per matching topic string)', { wrong: wrong.length, of: sentTally.size, first: wrong.slice(0, 4) });
    });
    await j.check('the copies after the first are marked duplicate, the first is not', () => {
      const wrong = [];
      const byText = new Map();
      for (const ev of printed) {
        const k = canon(ev.body);
        if (!byText.has(k)) byText.set(k, []);
        byText.get(k).push(Boolean(ev.duplicate));
      }
      for (const [k, flags] of byText) {
        if (flags[0] !== false || flags.slice(1).some((f) => !f)) wrong.push({ flags, event: k.slice(0, 120) });
      }
      expect(byText.size > 0 && wrong.length === 0, 'issue 10 ("evtap marks the second copy D")', 'first copy unmarked, every later copy marked duplicate', { wrong: wrong.length, first: wrong.slice(0, 3) });
      const multi = [...sentTally.values()].filter((n) => n >= 3).length;
      expect(multi > 0, 'judge', 'some events sent three or four times (hangups, the admin\'s own calls)', [...sentTally.values()]);
    });
    await j.check('events no topic matched (SMS) are never printed', () => {
      const sms = printed.filter((ev) => ev.body && ev.body.type === 'sms');
      expect(sms.length === 0, 'voipbin.md A5', 'no message resources (no --topic matches customer_id:<c>:message…)', sms.slice(0, 2));
    });
    for (const { n, cut: dropped, resub } of outages) {
      await j.check(`drop ${n}: the outage window is reported, from the drop to the re-subscribe, covering every event sent meanwhile`, () => {
        const cut = dropped.closedAt;
        const lost = s.events.filter((ev) => ev.deliveries.length === 0 && ev.at >= cut && ev.at < resub.resubscribedAt && ev.topics.some((t) => TOPICS.some((p) => t.startsWith(p))));
        const gaps = e.of('gap').map((u) => u.gap);
        const windows = gaps.map((g) => ({ start: Date.parse(g.start ?? g.from), end: Date.parse(g.end ?? g.to), g }));
        const w = windows.find((x) => x.start <= cut + 1500 && x.end >= cut);
        expect(w, 'issue 10 ("the list shows the outage as a window in which events may have been lost (start, end, duration)")',
          `a gap Update whose window starts at the drop (${new Date(cut).toISOString()})`, gaps);
        expect(w.start >= dropped.openedAt && w.end >= resub.resubscribedAt - 250, 'issue 10', `a window ending at the re-subscribe (${new Date(resub.resubscribedAt).toISOString()})`, w.g);
        expect(lost.length > 0, 'judge', 'events sent during the outage', lost.length);
        const outside = lost.filter((ev) => ev.at < w.start - 250 || ev.at > w.end + 250);
        expect(outside.length === 0, 'issue 10', 'every matching event sent while no connection was subscribed inside the window', outside.map((ev) => new Date(ev.at).toISOString()));
      });
    }
    await j.check('a login token that expired meanwhile: logs in again, no handshake refused', () => {
      const refused = s.handshakes.filter((h) => !h.refused && h.ok === false);
      expect(refused.length === 0 && s.logins.filter((l) => l.ok).length >= 2, 'voipbin.md A0/A2 (the expire claim; a socket outlives its token, a new handshake does not)',
        'a new POST /auth/login once the token has expired, and no 401', { logins: s.logins.length, refused: refused.map((h) => h.from) });
    });
    await j.check('answers the server\'s pings: no pong deadline missed', () => {
      const timedOut = s.conns.filter((c) => c.closedBy === 'pong timeout');
      expect(timedOut.length === 0, 'voipbin.md A9 ("A client that does not answer pings is dropped")', 'no connection dropped for a missed pong (every 300 ms here, a 1.5 s deadline)', s.conns.map((c) => ({ id: c.id, pings: c.pings, pongs: c.pongs.length, closedBy: c.closedBy })));
      expect(s.conns.every((c) => c.pongs.length >= c.pings - 1), 'voipbin.md A9', 'a pong for every ping', s.conns.map((c) => ({ pings: c.pings, pongs: c.pongs.length })));
    });
    await j.check('the password and the token never reach the output', () => {
      const out = e.updates.map((u) => JSON.stringify(u)).join('\n') + e.stderr;
      const leaks = [PASSWORD, ...s.logins.filter((l) => l.token).map((l) => l.token)].filter((x) => out.includes(x));
      expect(leaks.length === 0, 'BRIEF/README ("Tokens and keys are replaced by stable placeholders")', 'neither in stdout or stderr', leaks.map((x) => `${x.slice(0, 12)}…`));
    });
    await j.check('placeholders: the login token keeps one placeholder from the login answer to the ?token= it is sent as; the password has its own', () => {
      const http = httpFrames(e.updates);
      const req = http.find((f) => f.dir === 'sent' && f.url?.endsWith('/auth/login'));
      const res = http.find((f) => f.dir === 'recv' && f.url?.endsWith('/auth/login') && f.status === 200);
      const dial = e.of('state').find((u) => u.state.phase === 'dialing' && /token=/.test(u.state.url ?? ''));
      const password = placeholderIn(jsonField(req ?? {}, 'password'));
      const issued = placeholderIn(jsonField(res ?? {}, 'token'));
      const presented = placeholderIn(/token=([^&]*)/.exec(dial?.state.url ?? '')?.[1]);
      const problems = placeholderProblems([['the login token, issued and presented', issued, presented]], [['the password and the token issued', password, issued], ['the password and the token presented', password, presented]]);
      expect(problems.length === 0, 'docs/recording-format.md, Redaction ("the same secret gets the same placeholder in every line"; "derived from the value itself")',
        'one placeholder per secret', { problems, password, issued, presented });
    });
  } finally {
    if (!e.exited) await e.stop();
    await s.stop();
  }
}

/** A run with an access key: sent as ?accesskey=, every call event once under …:call:call_. */
async function accessKeyRun(j, bin) {
  const s = await newServer();
  const topic = `customer_id:${CUSTOMER}:call:call_`;
  const e = connect(bin, ['voipbin', '--server', s.url, '--accesskey', ACCESS_KEY, '--topic', topic]);
  try {
    await j.check('with --accesskey: sent as ?accesskey=, and each call event printed once under a 4-part event-type prefix', async () => {
      await waitFor(8000, () => s.conns[0]?.topics.length === 1 && s.conns[0].sent.length >= 15, 'voipbin.md A2/A10', 'a subscribed connection with events',
        () => ({ handshakes: s.handshakes.map((h) => ({ from: h.from, ok: h.ok })), stderr: tail(e.stderr) }));
      const c = s.conns[0];
      expect(c.from === '?accesskey=' && c.handshake.secret === ACCESS_KEY, 'voipbin.md A2 (access keys must use ?accesskey= or the cookie)', 'the key as ?accesskey=', c.from);
      // Frames a server should not send: evtap shows them as errors and goes on.
      const mark = Date.now();
      c.ws.send('{"id": not json');
      c.ws.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]), { binary: true });
      const sentBefore = c.sent.length;
      await waitFor(3000, () => c.sent.length >= sentBefore + 5, 'judge', 'more events', () => c.sent.length);
      s.paused = true;
      await sleep(400);
      const conns = s.conns.map((x) => x.closedBy);
      await e.stop();
      const errors = e.of('error').filter((u) => u._at >= mark);
      await j.check('bad JSON and a binary frame from the server: shown as errors, and the session goes on', () => {
        expect(errors.length >= 2, 'issue 10 ("Bad JSON and unknown frames from the server are shown as errors and the session goes on")', 'an error Update for each', { errors: errors.map((u) => u.error), recv: e.of('recv').filter((u) => u._at >= mark).slice(0, 3).map((u) => u.frame) });
        expect(conns.length === 1 && conns[0] === null, 'issue 10', 'the same connection still open', conns);
        const later = e.of('event').filter((u) => u._at > mark).length;
        expect(later >= 5, 'issue 10', 'events printed after them', later);
      });
      const printed = e.events().map((ev) => canon(ev.body));
      const sent = c.sent.map((x) => canon(JSON.parse(s.events[x.seq - 1].text)));
      const pt = tally(printed);
      expect(sent.length === new Set(sent).size && printed.length === sent.length && sent.every((t) => pt.get(t) === 1),
        'voipbin.md A7 ("A 4-part event-type prefix … receives each such event once")', 'each event sent printed once', { sent: sent.length, printed: printed.length });
      expect(e.events().every((ev) => !ev.duplicate), 'issue 10', 'no copy marked duplicate', e.events().filter((ev) => ev.duplicate).length);
    }, 15000);
  } finally {
    if (!e.exited) await e.stop();
    await s.stop();
  }
}

/**
 * The legacy wrapped frames {"type","data"} the documents still describe
 * (voipbin.md A6: "tell clients to check for a top-level type"): each event
 * printed once per topic string still, and the event type is the frame's.
 */
async function wrappedRun(j, bin) {
  const s = await newServer({ wrapped: true });
  const topic = `customer_id:${CUSTOMER}:call`;
  const e = connect(bin, ['voipbin', '--server', s.url, '--username', 'admin@judge.example', '--password', PASSWORD, '--topic', topic]);
  try {
    await j.check('wrapped {"type","data"} frames: each printed once per topic string, whole or as its data', async () => {
      await waitFor(8000, () => s.conns[0]?.sent.length >= 30, 'voipbin.md A6', 'a subscribed connection with events', () => tail(e.stderr));
      s.paused = true;
      await sleep(400);
      await e.stop();
      const sent = s.conns[0].sent.map((x) => JSON.parse(s.events[x.seq - 1].text));
      const printed = tally(e.events().map((ev) => canon(ev.body)));
      const wrong = sent.filter((f) => (printed.get(canon(f)) ?? 0) + (printed.get(canon(f.data)) ?? 0) !== sent.filter((g) => canon(g) === canon(f)).length);
      expect(wrong.length === 0, 'voipbin.md A6 (the legacy "wrapped" shape, identical to the webhook)', 'each frame printed as often as sent (body = the frame or its data)', { wrong: wrong.length, of: sent.length, first: wrong[0] });
    }, 15000);
    await j.check('wrapped frames: the event is named by the frame\'s own type', () => {
      const byBody = new Map(s.events.map((ev) => [canon(JSON.parse(ev.text).data), ev.type]));
      const named = e.events().map((ev) => ({ name: ev.name, type: byBody.get(canon(ev.body)) ?? byBody.get(canon(ev.body?.data)) }));
      const wrong = named.filter((x) => x.name !== x.type);
      expect(named.length > 0 && wrong.length === 0, 'voipbin.md A6 ({"type":"call_created","data":{…}}: the type is given, nothing to infer)', 'each event named by its type', wrong.slice(0, 4));
    });
  } finally {
    if (!e.exited) await e.stop();
    await s.stop();
  }
}

/**
 * Without --topic, "what the credential allows" (issue 10): a plain agent
 * may subscribe only its own agent_id topics (voipbin.md A4), so evtap must
 * not get itself dropped. With --token the JWT goes as ?token=. A topic of
 * another agent is refused before anything is sent.
 */
async function credentialRuns(j, bin) {
  const s = await newServer();
  try {
    await j.check('a plain agent without --topic: only its own agent_id topics, never dropped for a topic', async () => {
      const e = connect(bin, ['voipbin', '--server', s.url, '--username', 'agent@judge.example', '--password', PASSWORD]);
      try {
        await waitFor(6000, () => s.conns.some((c) => c.topics.length > 0), 'issue 10 ("without --topic, evtap subscribes what the credential allows")', 'a subscription', () => ({ conns: s.conns.map((c) => c.closedBy), stderr: tail(e.stderr) }));
        await sleep(800);
      } finally {
        await e.stop();
      }
      const refused = s.conns.filter((c) => c.refused);
      expect(refused.length === 0, 'voipbin.md A4 ("A plain CustomerAgent (0x10) can therefore subscribe only to agent_id:<own id>…")', 'no topic the server drops the connection for', refused.map((c) => c.refused));
      const topics = s.conns.flatMap((c) => c.topics);
      expect(topics.every((t) => t.startsWith(`agent_id:${PLAIN}:`)), 'voipbin.md A4', `only agent_id:${PLAIN}:… topics`, topics);
    }, 15000);
    await j.check("another agent's agent_id topic with the admin's login: refused before anything is sent", async () => {
      const before = s.conns.length;
      const e = connect(bin, ['voipbin', '--server', s.url, '--username', 'admin@judge.example', '--password', PASSWORD, '--topic', `agent_id:${PLAIN}:call`]);
      const x = await e.exitWithin(6000);
      if (!x) await e.stop();
      expect(s.conns.slice(before).every((c) => !c.topics.length && !c.refused), 'issue 10 ("evtap validates first")', 'no subscribe sent with that topic', s.conns.slice(before).map((c) => c.refused ?? c.topics));
      expect(x && (x.code === 2 || x.code === 3), 'README (exit codes)', 'evtap ends, refusing the topic (exit 2 or 3)', x ?? 'still running, reconnecting');
    }, 12000);
    await j.check('--server with the /v1.0 base VoIPBin\'s own clients use: the same /auth/login and /v1.0/ws', async () => {
      const before = s.conns.length;
      const e = connect(bin, ['voipbin', '--server', `${s.url}/v1.0`, '--accesskey', ACCESS_KEY, '--topic', `customer_id:${CUSTOMER}:call:call_hangup`]);
      try {
        await waitFor(6000, () => s.conns.slice(before).some((c) => c.topics.length), 'voipbin.md A10 (VBMCP: "the REST base URL + /ws"; default base https://api.voipbin.net/v1.0)', 'a subscribed connection on /v1.0/ws',
          () => ({ handshakes: s.handshakes.slice(-2).map((h) => h.path), stderr: tail(e.stderr) }));
      } finally {
        await e.stop();
      }
    }, 12000);
    await j.check('a delegate token: evtap says it cannot open the socket, and ends', async () => {
      const before = s.handshakes.length;
      const t = sign({ type: 'delegate', aud: 'voipbin-api', agent: agent(ADMIN, PERM.admin, 'x'), expire: expireString(Date.now() + 3600e3) }, s.signingKey);
      const e = connect(bin, ['voipbin', '--server', s.url, '--token', t, '--topic', `customer_id:${CUSTOMER}:call:call_hangup`]);
      const x = await e.exitWithin(8000);
      if (!x) await e.stop();
      const tried = s.handshakes.length - before;
      expect(x && (x.code === 2 || x.code === 3) && tried <= 1, 'voipbin.md A2 ("A delegate identity gets HTTP 200 with no upgrade")', 'an end (exit 2 or 3), at most one handshake', { exit: x, handshakes: tried });
    }, 12000);
    await j.check('with --token: sent as ?token=', async () => {
      const before = s.conns.length;
      const logins = s.logins.length;
      const token = s.mint(agent(ADMIN, PERM.admin, 'admin@judge.example'));
      const e = connect(bin, ['voipbin', '--server', s.url, '--token', token, '--topic', `customer_id:${CUSTOMER}:call:call_hangup`]);
      try {
        await waitFor(6000, () => s.conns.slice(before).some((c) => c.topics.length), 'seed 002', 'a subscribed connection', () => tail(e.stderr));
      } finally {
        await e.stop();
      }
      const c = s.conns.slice(before).find((x) => x.topics.length);
      expect(c.from === '?token=' && c.handshake.secret === token && s.logins.length === logins, 'seed 002 (GET …/v1.0/ws?token=<your authtoken here>)', 'the JWT as ?token=, no login', { from: c.from, logins: s.logins.length - logins });
    }, 12000);
  } finally {
    await s.stop();
  }
}

/** Bad credentials: exit 3, the secret shown nowhere. */
async function badCredentials(j, bin) {
  const s = await newServer();
  try {
    await Promise.all([
      ['a wrong password (login answers a bare 400)', ['--username', 'admin@judge.example', '--password', 'Wrong-Passw0rd-judge'], 'Wrong-Passw0rd-judge'],
      ['an unknown access key (the handshake answers 401)', ['--accesskey', 'vb_judgeNotTheKey0123456789'], 'vb_judgeNotTheKey0123456789'],
      ['a token signed with another key (401)', ['--token', new VoipbinServer({ customerId: CUSTOMER, users: [], signingKey: 'other' }).mint(agent(ADMIN, PERM.admin, 'x'))], null],
    ].map(([name, cred, secret]) => j.check(`${name}: exit status 3`, async () => {
      const e = connect(bin, ['voipbin', '--server', s.url, ...cred, '--topic', `customer_id:${CUSTOMER}:call:call_`]);
      const x = await e.exitWithin(10000);
      if (!x) await e.stop();
      expect(x && x.code === 3, 'README (exit 3: rejected by the server: bad credentials); issue 10', 'exit status 3 within 10 s', x ?? `still running; stderr: ${tail(e.stderr)}`);
      const out = e.updates.map((u) => JSON.stringify(u)).join('\n') + e.stderr;
      const tok = cred[0] === '--token' ? cred[1] : null;
      expect(!(secret && out.includes(secret)) && !(tok && out.includes(tok)), 'README (secrets never printed)', 'the credential shown nowhere', 'it is in the output');
    }, 15000)));
  } finally {
    await s.stop();
  }
}

/** A topic VoIPBin would drop the connection for is refused before anything is sent. */
async function badTopic(j, bin) {
  const s = await newServer();
  try {
    await j.check('a --topic that breaks the grammar: a usage error (exit 2), nothing sent', async () => {
      const e = connect(bin, ['voipbin', '--server', s.url, '--username', 'admin@judge.example', '--password', PASSWORD, '--topic', 'customer_id:not-a-uuid:call']);
      const x = await e.exitWithin(10000);
      if (!x) await e.stop();
      expect(x && x.code === 2, 'issue 10 ("Topics from --topic (repeatable), validated locally with VoIPBin\'s grammar before anything is sent"); README (exit 2: usage)', 'exit status 2', x ?? 'still running');
      expect(s.handshakes.length === 0, 'issue 10', 'no WebSocket handshake', s.handshakes.length);
    }, 15000);
  } finally {
    await s.stop();
  }
}
