// Judges `evtap connect dialpad` against a Dialpad-style server written
// from the Dialpad document, the wire notes and the OpenAPI spec alone
// (lib/dialpad-server.mjs), run headless as a user would, with 4-second URL
// tokens so a run sees several rotations. From the server's ledger: evtap
// creates the websocket and the subscriptions asked for with the spec's
// fields, refreshes the URL with GET /websockets/{id}, opens each new
// connection before the old one closes and before the token expires, prints
// every event the server generated exactly once (copies from the overlap
// marked duplicate), reports the outage after the socket is killed between
// rotations, verifies HS256 signatures and flags them after the secret
// changes, deletes what it created on exit, and exits 3 on a bad key.
//
//   node connect-dialpad.mjs --evtap /path/to/evtap

import { evtapBin, main } from './lib/args.mjs';
import { canon, tally } from './lib/canon.mjs';
import { DialpadServer } from './lib/dialpad-server.mjs';
import { Judge, expect, show, sleep, waitFor } from './lib/judge.mjs';
import { connect, requireHelp, tail } from './lib/proc.mjs';
import { httpFrames, jsonField, placeholderIn, placeholderProblems } from './lib/redaction.mjs';

const KEY = 'judge-dialpad-api-key-7d21c0';
const LIFETIME = 4; // seconds (1 hour at Dialpad, seed 004)

main(async () => {
  const bin = evtapBin('connect-dialpad.mjs');
  requireHelp(bin, ['connect', 'dialpad'], ['--server', '--api-key', '--subscribe', '--secret']);
  const j = new Judge('connect-dialpad');
  await Promise.all([mainRun(j, bin), secretRun(j, bin), reuseRun(j, bin), throttledRun(j, bin), badKey(j, bin), badSubscribe(j, bin)]);
  j.finish();
});

async function mainRun(j, bin) {
  const s = await new DialpadServer({ apiKey: KEY, lifetimeS: LIFETIME, rate: 15 }).start();
  const subscribe = [`call states=ringing,connected,hangup target=user:${s.user}`, 'sms direction=inbound status', 'agent_status'];
  const args = ['dialpad', '--server', s.url, '--api-key', KEY];
  for (const x of subscribe) args.push('--subscribe', x);
  const e = connect(bin, args);
  const context = () => `evtap stderr:\n${tail(e.stderr)}\nlast updates:\n${e.updates.slice(-4).map(show).join('\n')}`;
  let killed;
  try {
    const ready = await j.check('creates the websocket, then the three subscriptions with the spec\'s fields, then opens the URL', async () => {
      await waitFor(8000, () => s.conns.length > 0, 'seed 004 (Steps 1-2)', 'a connection to a websocket_url', () => ({ rest: s.rest.map((r) => `${r.method} ${r.path} ${r.status}`), context: context() }));
      const posts = s.rest.filter((r) => r.method === 'POST');
      const ws = posts.find((r) => r.path === '/api/v2/websockets');
      expect(ws && ws.status === 200, 'seed 004 (Step 1: "create a WebSocket by using our Create a WebSocket API")', 'POST /api/v2/websockets', posts.map((r) => r.path));
      expect(/^Bearer /i.test(ws.auth ?? ''), 'dialpad.md B2; issue 11 ("sent as a bearer header")', 'Authorization: Bearer <key>', ws.auth ? 'another scheme' : 'none');
      const wsId = ws.reply.id;
      const by = (type) => posts.find((r) => r.path === `/api/v2/subscriptions/${type}`);
      const call = by('call');
      const sms = by('sms');
      const agent = by('agent_status');
      expect(call && sms && agent && [call, sms, agent].every((r) => r.status === 200), 'seed 004 (Step 1: "use the id … as the endpoint_id")', 'POST /subscriptions/call, /sms and /agent_status, each 200',
        posts.map((r) => `${r.path} ${r.status} ${r.raw}`));
      for (const r of [call, sms, agent]) expect(String(r.body.endpoint_id) === wsId, 'seed 004', `endpoint_id ${wsId}`, r.body);
      expect(JSON.stringify(call.body.call_states) === JSON.stringify(['ringing', 'connected', 'hangup']) && call.body.target_type === 'user' && String(call.body.target_id) === s.user,
        'dialpad.md B3 (call_states[], target_type, target_id)', `{"call_states":["ringing","connected","hangup"],"target_type":"user","target_id":${s.user}}`, call.body);
      expect(sms.body.direction === 'inbound' && sms.body.status === true, 'dialpad.md B3 (direction required; status adds delivery events)', '{"direction":"inbound","status":true}', sms.body);
      expect(agent.body.agent_type === 'callcenter', 'dialpad.md B3 (agent_type callcenter, required)', '{"agent_type":"callcenter"}', agent.body);
      return wsId;
    }, 12000);
    if (!ready) return;

    // Rotations for a while, then the socket is killed between two of them.
    await sleep(6000);
    await waitFor(6000, () => s.live().length === 1 && Date.now() - s.live()[0].openedAt > 400 && s.live()[0].exp - Date.now() > 1500, 'judge', 'one connection, not rotating', () => s.live().length).catch(() => {});
    killed = { conns: await s.drop('killed by the judge between rotations', 800), at: Date.now() };
    await sleep(7000);
    // Nothing more is generated, and what was sent is read, before evtap is stopped.
    s.paused = true;
    await sleep(500);
    const stop = await e.stop();
    await sleep(200);
    await j.check('ends with exit status 0 on SIGINT, and deletes the websocket and subscriptions it created', () => {
      expect(stop.code === 0, 'README (exit 0 on SIGINT)', 'exit status 0', { ...stop, context: context() });
      const deletes = s.rest.filter((r) => r.method === 'DELETE' && r.status === 200).map((r) => r.path);
      const made = s.rest.filter((r) => r.method === 'POST' && r.status === 200).map((r) => `${r.path}/${r.reply.id}`);
      const left = made.filter((p) => !deletes.includes(p));
      expect(left.length === 0, 'issue 11 ("on exit deletes what it created unless --keep")', 'a DELETE for each', { left, deletes });
    });

    const conns = s.conns;
    await j.check(`several rotations: a fresh URL from GET /websockets/{id} each time, never a new websocket`, () => {
      const gets = s.rest.filter((r) => r.method === 'GET' && r.path === `/api/v2/websockets/${ready}`);
      const posts = s.rest.filter((r) => r.method === 'POST' && r.path === '/api/v2/websockets');
      expect(conns.length >= 5, 'issue 11 (a 4 s token lifetime here)', 'at least five connections in ~14 s', conns.length);
      expect(posts.length === 1 && gets.length >= conns.length - 1, 'dialpad.md B2 ("use the GET websocket API to regenerate url rather than creating new ones")', 'one POST, a GET per new connection', { posts: posts.length, gets: gets.length, conns: conns.length });
      const scopes = new Set(conns.map((c) => `${c.websocket}:${c.sub ?? '*'}`));
      expect(scopes.size === 1 && scopes.has(`${ready}:*`), 'seed 004 (a websocket token covers every subscription)', 'every connection on the websocket-wide URL', [...scopes]);
    });
    await j.check('make-before-break: each new connection opens before the old one closes, and none waits for its token to expire', () => {
      const wrong = [];
      for (let i = 1; i < conns.length; i++) {
        const prev = conns[i - 1];
        if (killed.conns.includes(prev)) continue;
        if (!(conns[i].openedAt <= prev.closedAt)) wrong.push({ conn: conns[i].id, opened: conns[i].openedAt - prev.closedAt, afterCloseOf: prev.id });
      }
      const cutAtExp = conns.filter((c) => c.closedBy === 'token expired');
      expect(wrong.length === 0, 'issue 11 ("rotate before expiry, make-before-break")', 'every rotation opens the new connection first', wrong);
      expect(cutAtExp.length === 0, 'issue 11 ("before the token expires … fetches a fresh URL")', 'no connection left to be cut at its exp', cutAtExp.map((c) => ({ id: c.id, lived: c.closedAt - c.openedAt })));
    });
    await j.check('handovers are shown as rotating → live; dropped only after the kill', () => {
      const phases = e.of('state').map((u) => ({ phase: u.state.phase, at: Date.parse(u.t) }));
      expect(phases.some((p) => p.phase === 'rotating'), 'issue 11 ("shows the handover as rotating → live")', 'rotating states', [...new Set(phases.map((p) => p.phase))]);
      const bad = phases.filter((p) => ['dropped', 'backoff', 'recovering', 'recovery_failed'].includes(p.phase) && !(p.at >= killed.at - 1000 && p.at <= killed.at + 3000));
      expect(bad.length === 0, 'issue 11 ("not as a failure")', 'no dropped or backoff state outside the kill', bad.map((p) => ({ ...p, at: new Date(p.at).toISOString() })));
    });

    const printed = e.events();
    const byBody = new Map();
    for (const ev of printed) {
      const k = canon(ev.body);
      if (!byBody.has(k)) byBody.set(k, []);
      byBody.get(k).push(Boolean(ev.duplicate));
    }
    const delivered = s.events.filter((ev) => ev.deliveries.length > 0);
    j.note(`${conns.length} connections, ${s.events.length} events generated, ${delivered.length} delivered, ${delivered.filter((ev) => ev.deliveries.length > 1).length} on two connections during an overlap, ${s.events.filter((ev) => !ev.deliveries.length && ev.matched.length).length} lost while killed; overlaps ${conns.slice(1).map((c, i) => (conns[i].closedAt ?? 0) - c.openedAt).join(', ')} ms`);
    await j.check('every event the server delivered is printed exactly once, across every rotation', () => {
      expect(delivered.length > 80, 'judge', 'a run with events', delivered.length);
      const wrong = [];
      for (const ev of delivered) {
        const flags = byBody.get(canon(JSON.parse(ev.text))) ?? [];
        const firsts = flags.filter((d) => !d).length;
        if (firsts !== 1) wrong.push({ seq: ev.seq, at: new Date(ev.at).toISOString(), deliveries: ev.deliveries.length, printed: flags.length, unmarked: firsts });
      }
      const sent = new Set(s.events.map((ev) => canon(JSON.parse(ev.text))));
      const extra = printed.filter((ev) => !sent.has(canon(ev.body)));
      expect(wrong.length === 0, 'issue 11 ("every event the server generated appears exactly once, across every rotation")', 'each delivered event printed once unmarked', { wrong: wrong.length, of: delivered.length, first: wrong.slice(0, 4) });
      expect(extra.length === 0, 'issue 11', 'nothing printed the server did not send', extra.slice(0, 2));
    });
    await j.check('copies delivered twice during an overlap are printed and marked duplicate', () => {
      const twice = delivered.filter((ev) => ev.deliveries.length > 1);
      const wrong = twice.filter((ev) => {
        const flags = byBody.get(canon(JSON.parse(ev.text))) ?? [];
        return flags.length !== ev.deliveries.length || flags[0] !== false;
      });
      expect(wrong.length === 0, 'evtap connect dialpad --help ("events the two deliver twice are marked D")', 'every copy printed, all but the first marked', wrong.slice(0, 3).map((ev) => ({ seq: ev.seq, deliveries: ev.deliveries.length, flags: byBody.get(canon(JSON.parse(ev.text))) })));
    });
    await j.check('no event lost except while the socket was killed', () => {
      const lost = s.events.filter((ev) => ev.deliveries.length === 0 && ev.matched.length > 0);
      const firstOpen = conns[0].openedAt;
      const lastClose = Math.max(...conns.map((c) => c.closedAt ?? Date.now()));
      const after = conns.find((c) => c.openedAt > killed.at);
      const unexplained = lost.filter((ev) => ev.at > firstOpen + 50 && ev.at < lastClose - 50 && !(after && ev.at >= killed.at - 400 && ev.at <= after.openedAt + 50));
      expect(unexplained.length === 0, 'issue 11 ("opens the new connection before closing the old one")', 'no event generated with no connection open, outside the kill',
        unexplained.map((ev) => ({ seq: ev.seq, at: new Date(ev.at).toISOString(), open: conns.filter((c) => c.openedAt <= ev.at && (c.closedAt ?? Infinity) >= ev.at).length })));
    });
    await j.check('after the kill: a fresh URL, a new connection, and the outage window reported around what was lost', () => {
      const after = conns.find((c) => c.openedAt > killed.at);
      expect(after, 'seed 004 ("rely on the socket.onclose() callback")', 'a new connection after the kill', conns.map((c) => c.closedBy));
      const lost = s.events.filter((ev) => ev.deliveries.length === 0 && ev.matched.length > 0 && ev.at >= killed.at - 400 && ev.at <= after.openedAt);
      const gaps = e.of('gap').map((u) => u.gap);
      const windows = gaps.map((g) => ({ start: Date.parse(g.start ?? g.from), end: Date.parse(g.end ?? g.to), g }));
      const cutAt = killed.conns[0]?.closedAt ?? killed.at;
      const w = windows.find((x) => x.start <= cutAt + 1500 && x.end >= cutAt);
      expect(w, 'issue 11 ("If the old socket dies unannounced, the outage window is shown as one in which events may have been lost")', `a gap window starting at the kill (${new Date(cutAt).toISOString()})`, gaps);
      expect(lost.length > 0, 'judge', 'events generated during the outage', lost.length);
      const outside = lost.filter((ev) => ev.at < w.start - 250 || ev.at > w.end + 250);
      expect(outside.length === 0, 'issue 11', 'every event lost inside the window', { window: w.g, outside: outside.map((ev) => new Date(ev.at).toISOString()) });
    });
    await j.check('the API key and the URL tokens never reach the output', () => {
      const out = e.updates.map((u) => JSON.stringify(u)).join('\n') + e.stderr;
      const tokens = conns.map((c) => c.ws._judgeToken).filter(Boolean);
      const urls = s.rest.flatMap((r) => [r.reply?.websocket_url, r.reply?.websocket?.websocket_url]).filter(Boolean).map((u) => u.split('/events/')[1]);
      const leaks = [KEY, ...tokens, ...urls].filter((x) => out.includes(x));
      expect(leaks.length === 0, 'issue 11 ("the URL token (which sits in the URL path) and the secret never reach a recording or the screen")', 'neither in stdout or stderr', leaks.map((x) => `${x.slice(0, 16)}…`));
    });
    await j.check('placeholders: each URL token keeps its own placeholder from the REST answer to the URL dialled; the API key has its own', () => {
      const http = httpFrames(e.updates);
      const key = placeholderIn(/Bearer (\S+)/.exec(http.find((f) => f.dir === 'sent')?.header?.Authorization ?? '')?.[1]);
      const answered = http.filter((f) => f.dir === 'recv' && /\/api\/v2\/websockets(\/\d+)?$/.test(f.url ?? '') && f.status === 200)
        .map((f) => placeholderIn(jsonField(f, 'websocket_url')));
      const dialled = e.of('state').map((u) => u.state.url ?? '').filter((x) => x.includes('/events/')).map(placeholderIn);
      // Each URL dialled is one a REST answer gave: its token's placeholder must be one of theirs.
      const same = [...new Set(dialled)].slice(0, 3).map((d, i) => [`dialled URL ${i + 1}, against the websocket_url answered for it`, d, answered.includes(d) ? d : `none of ${answered.length} answered`]);
      const different = [['the API key and the first URL token', key, answered[0]], ['two URL tokens', answered[0], answered[1]], ['two URLs dialled', dialled[0], dialled.find((d) => d !== dialled[0]) ?? dialled[0]]];
      const problems = placeholderProblems(same, different);
      expect(problems.length === 0, 'docs/recording-format.md, Redaction ("the same secret gets the same placeholder in every line"; "derived from the value itself")',
        'one placeholder per secret', { problems, key, answered: answered.slice(0, 3), dialled: dialled.slice(0, 3) });
    });
  } finally {
    if (!e.exited) await e.stop();
    await s.stop();
  }
}

/**
 * With --secret: the websocket is created with it, frames come as HS256
 * JWS and verify; after the secret changes on the server (a PATCH by
 * someone else), frames fail verification and are flagged.
 */
async function secretRun(j, bin) {
  const s = await new DialpadServer({ apiKey: KEY, lifetimeS: 30, rate: 20 }).start();
  const secret = 'judge-websocket-secret-41f0';
  const e = connect(bin, ['dialpad', '--server', s.url, '--api-key', KEY, '--secret', secret, '--subscribe', 'call states=all']);
  try {
    const ok = await j.check('--secret: the websocket is created with it, and every signed frame verifies', async () => {
      await waitFor(8000, () => s.conns.length > 0 && e.events().length >= 10, 'dialpad.md B5', 'signed events printed', () => ({ rest: s.rest.map((r) => `${r.method} ${r.path} ${r.status}`), stderr: tail(e.stderr) }));
      const post = s.rest.find((r) => r.method === 'POST' && r.path === '/api/v2/websockets');
      expect(post.body?.secret === secret, 'dialpad.md B2 (CreateWebsocket {secret})', 'POST /websockets {"secret":…}', post.body ? Object.keys(post.body) : post.raw);
      const evs = e.events();
      const bad = evs.filter((ev) => !ev.seal || ev.seal.ok !== true);
      expect(bad.length === 0, 'dialpad.md B5 ("It should be decoded and the signature verified"); issue 11', 'every event marked verified', bad.slice(0, 2).map((ev) => ev.seal));
      const sent = new Set(s.events.filter((x) => x.deliveries.length).map((x) => canon(JSON.parse(x.text))));
      expect(evs.every((ev) => sent.has(canon(ev.body))), 'dialpad.md B5 (the payload is the event JSON)', 'each event shown decoded', evs.find((ev) => !sent.has(canon(ev.body)))?.body);
      return true;
    }, 12000);
    if (!ok) return;
    const w = [...s.websockets.values()][0];
    w.secret = 'a-secret-someone-else-set';
    const at = Date.now();
    await j.check('after the secret changes, frames signed with the new one are flagged as failing verification', async () => {
      await sleep(1500);
      const after = e.of('event').filter((u) => u._at > at + 200).map((u) => u.event);
      expect(after.length >= 5, 'judge', 'events after the change', after.length);
      const unflagged = after.filter((ev) => !ev.seal || ev.seal.ok !== false);
      expect(unflagged.length === 0, 'issue 11 ("Rotating the secret (PATCH) is visible: old-secret frames fail verification")', 'every later event marked as failing verification', unflagged.slice(0, 2).map((ev) => ev.seal));
    });
    w.secret = null;
    const unsignedAt = Date.now();
    await j.check('frames that come unsigned where a signature was expected are flagged', async () => {
      await sleep(1500);
      const after = e.of('event').filter((u) => u._at > unsignedAt + 200).map((u) => u.event);
      expect(after.length >= 5, 'judge', 'events after the change', after.length);
      const unflagged = after.filter((ev) => !ev.seal || ev.seal.ok !== false);
      expect(unflagged.length === 0, 'issue 11 ("marks … unsigned frames where a signature was expected")', 'every unsigned event marked as failing verification', unflagged.slice(0, 2).map((ev) => ev.seal ?? 'no verdict'));
    });
    await j.check('--secret never reaches the output', async () => {
      await e.stop();
      const out = e.updates.map((u) => JSON.stringify(u)).join('\n') + e.stderr;
      expect(!out.includes(secret), 'issue 11 ("the secret never reach[es] a recording or the screen")', 'the secret nowhere', 'it is in the output');
    });
  } finally {
    if (!e.exited) await e.stop();
    await s.stop();
  }
}

/**
 * --websocket ID: an existing websocket and its subscriptions are used, not
 * created, and kept at exit (evtap connect dialpad --help).
 */
async function reuseRun(j, bin) {
  const s = await new DialpadServer({ apiKey: KEY, lifetimeS: 30, rate: 20 }).start();
  const w = { id: '4600000000000001', secret: null };
  s.websockets.set(w.id, w);
  s.subs.set('4600000000000002', { id: '4600000000000002', type: 'call', endpoint: w.id, fields: { call_states: ['all'], enabled: true } });
  const e = connect(bin, ['dialpad', '--server', s.url, '--api-key', KEY, '--websocket', w.id]);
  try {
    await j.check('--websocket ID: no websocket created, a fresh URL by GET, events of the subscriptions it has; both kept at exit', async () => {
      await waitFor(8000, () => e.events().length >= 5, 'seed 004 (Step 2: "use the value of websocket_url")', 'events printed', () => ({ rest: s.rest.map((r) => `${r.method} ${r.path} ${r.status}`), stderr: tail(e.stderr) }));
      const stop = await e.stop();
      expect(stop.code === 0, 'README', 'exit status 0', stop);
      const calls = s.rest.map((r) => `${r.method} ${r.path}`);
      expect(!calls.includes('POST /api/v2/websockets') && calls.includes(`GET /api/v2/websockets/${w.id}`), 'dialpad.md B2 ("use the GET websocket API to regenerate url rather than creating new ones")', `GET /api/v2/websockets/${w.id}, no POST`, calls);
      const deleted = s.rest.filter((r) => r.method === 'DELETE').map((r) => r.path);
      expect(deleted.length === 0, 'evtap connect dialpad --help ("--websocket ID … (it and the subscriptions it had are kept)")', 'no DELETE', deleted);
    }, 15000);
  } finally {
    if (!e.exited) await e.stop();
    await s.stop();
  }
}

/**
 * The rotation's GET answered 429 with Retry-After: 1 (B2's rate limits):
 * the next try waits that long, and the rotation still comes in time.
 */
async function throttledRun(j, bin) {
  const s = await new DialpadServer({ apiKey: KEY, lifetimeS: LIFETIME, rate: 10 }).start();
  let gets = 0;
  s.throttle = (method, path) => (method === 'GET' && /\/websockets\/\d+$/.test(path) && ++gets === 2 ? 1 : 0);
  const e = connect(bin, ['dialpad', '--server', s.url, '--api-key', KEY]);
  try {
    await j.check('a 429 with Retry-After: 1 on a rotation\'s GET: the retry waits a second, and nothing is lost', async () => {
      await waitFor(12000, () => s.rest.filter((r) => r.method === 'GET' && r.status === 200).length >= 2, 'dialpad.md B2', 'a GET after the 429', () => s.rest.map((r) => `${r.method} ${r.path} ${r.status}`));
      await sleep(1500);
      s.paused = true;
      await sleep(400);
      await e.stop();
      const gets = s.rest.filter((r) => r.method === 'GET' && /\/websockets\/\d+$/.test(r.path));
      const i = gets.findIndex((r) => r.status === 429);
      const waited = gets[i + 1].at - gets[i].at;
      const lost = s.events.filter((ev) => ev.matched.length && !ev.deliveries.length && ev.at > s.conns[0].openedAt);
      expect(lost.length === 0 && !s.conns.some((c) => c.closedBy === 'token expired'), 'issue 11 (rotate before expiry)', 'the rotation in time, nothing lost', { lost: lost.length, cut: s.conns.map((c) => c.closedBy) });
      expect(waited >= 900, 'dialpad.md B2 (rate limits, 429); docs/session.md, Backoff ("at least a server\'s Retry-After"); RFC 9110 §10.2.3', 'the next GET a second or more after the 429', `${waited} ms`);
    }, 20000);
  } finally {
    if (!e.exited) await e.stop();
    await s.stop();
  }
}

async function badKey(j, bin) {
  const s = await new DialpadServer({ apiKey: KEY, rate: 1 }).start();
  try {
    await j.check('a wrong API key (401): exit status 3, the key shown nowhere', async () => {
      const wrong = 'judge-wrong-key-93be';
      const e = connect(bin, ['dialpad', '--server', s.url, '--api-key', wrong]);
      const x = await e.exitWithin(10000);
      if (!x) await e.stop();
      expect(x && x.code === 3, 'README (exit 3: rejected by the server: bad credentials); issue 11', 'exit status 3 within 10 s', x ?? `still running: ${tail(e.stderr)}`);
      const out = e.updates.map((u) => JSON.stringify(u)).join('\n') + e.stderr;
      expect(!out.includes(wrong), 'issue 11 ("never shown")', 'the key nowhere', 'it is in the output');
    }, 15000);
  } finally {
    await s.stop();
  }
}

async function badSubscribe(j, bin) {
  const s = await new DialpadServer({ apiKey: KEY, rate: 1 }).start();
  try {
    for (const [name, sub] of [['sms without direction (required)', 'sms'], ['a call state not in the enum', 'call states=exploded'], ['a target type not in the enum', 'call target=planet:1']]) {
      await j.check(`--subscribe '${sub}' (${name}): a usage error (exit 2), nothing created`, async () => {
        const before = s.rest.length;
        const e = connect(bin, ['dialpad', '--server', s.url, '--api-key', KEY, '--subscribe', sub]);
        const x = await e.exitWithin(10000);
        if (!x) await e.stop();
        expect(x && x.code === 2, 'issue 11 ("validated locally against the spec\'s enums and required fields"); README (exit 2)', 'exit status 2', x ?? 'still running');
        const posts = s.rest.slice(before).filter((r) => r.method === 'POST');
        expect(posts.length === 0, 'issue 11', 'nothing sent', posts.map((r) => r.path));
      }, 15000);
    }
  } finally {
    await s.stop();
  }
}
