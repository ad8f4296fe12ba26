// Judges `evtap sim voipbin` with a VoIPBin client written from the VoIPBin
// document (shared/seeds/002_43648be1f13a3606.txt) and the wire notes
// (shared/protocols/voipbin.md) alone: log in for a token, connect with
// ?token=, with the access key as ?accesskey= and as a Cookie, subscribe as
// VoIPBin's own client does (five 4-part event-type prefixes) and with a
// 3-part prefix (duplicates expected), check the payloads against the
// notes' resource tables, be dropped without a close frame on a bad topic,
// get the 401 envelope on bad credentials, and be closed by a binary frame.
//
//   node sim-voipbin.mjs --evtap /path/to/evtap

import { randomUUID } from 'node:crypto';
import { evtapBin, main } from './lib/args.mjs';
import { brief, request } from './lib/http.mjs';
import { Judge, Mismatch, expect, show, sleep, waitFor } from './lib/judge.mjs';
import { decode, sign, verify } from './lib/jwt.mjs';
import { requireHelp, startSim } from './lib/proc.mjs';
import { EXPIRE_LAYOUT, NIL_UUID, classify, expireString, shapeProblems, vbmcpTopics } from './lib/voipbin.mjs';
import { open, refusal } from './lib/wsclient.mjs';

const USER = 'judge-admin@example.com';
const PASSWORD = 'judge-password-5c1e';
const ACCESS_KEY = 'vb_judgeAccessKey0a1b2c3d4e5f';
const SIGNING_KEY = 'judge-signing-key-9d8c';

main(async () => {
  const bin = evtapBin('sim-voipbin.mjs');
  requireHelp(bin, ['sim', 'voipbin'], ['--username', '--password', '--accesskey', '--signing-key', '--ping-interval', '--pong-timeout', '--rate']);
  const sim = await startSim(bin, 'voipbin', [
    '--rate', '80', '--seed', '11', '--ping-interval', '500ms', '--pong-timeout', '2s',
    '--username', USER, '--password', PASSWORD, '--accesskey', ACCESS_KEY, '--signing-key', SIGNING_KEY,
  ]);
  const j = new Judge('sim-voipbin');
  try {
    await judge(j, sim);
  } finally {
    await sim.stop();
  }
  j.finish();
});

async function judge(j, sim) {
  const base = sim.url;
  const wsBase = base.replace(/^http/, 'ws');
  const customer = firstUUID(sim.line('customer:'));
  const admin = firstUUID(sim.line('admin agent:'));
  const plainLine = sim.line('plain agent:') ?? '';
  const plainAgent = firstUUID(plainLine);
  const plainUser = /username (\S+?),?(\s|$)/.exec(plainLine)?.[1];
  await j.check('banner', () => {
    expect(customer && admin && plainAgent && plainUser, 'docs/emulator-voipbin.md, Running it',
      'a banner naming the customer, the admin agent and the plain agent with its username', sim.banner.join('\n'));
  });

  // --- A0: login ---------------------------------------------------------
  const login = await j.check('login: 200 {username, token} and the token cookie', async () => {
    const r = await request('POST', `${base}/auth/login`, { body: { username: USER, password: PASSWORD } });
    expect(r.status === 200 && r.json && r.json.username === USER && typeof r.json.token === 'string',
      'voipbin.md A0', `200 {"username":"${USER}","token":"<JWT>"}`, brief(r));
    const cookie = r.headers.get('set-cookie') ?? '';
    const attrs = cookie.split(';').map((s) => s.trim().toLowerCase());
    expect(cookie.startsWith(`token=${r.json.token}`) && attrs.includes('path=/') && attrs.includes('max-age=604800') &&
      attrs.includes('httponly') && attrs.includes('secure') && attrs.includes('samesite=strict'),
      'voipbin.md A0', 'Set-Cookie: token=<the JWT>; Max-Age=604800; Path=/; Secure; HttpOnly; SameSite=Strict', cookie);
    return r.json.token;
  });
  if (login) {
    await j.check('login: the token is an HS256 JWT with the agent claim and a string expire, no exp', () => {
      const d = decode(login);
      expect(d && d.header.alg === 'HS256', 'voipbin.md A0/A2', 'an HS256 JWT', d?.header);
      expect(verify(login, SIGNING_KEY), 'voipbin.md A2', 'signed with the --signing-key', login);
      const c = d.payload;
      expect(c.type === 'agent' && c.agent && c.agent.id === admin && c.agent.customer_id === customer && (c.agent.permission & 0x60) !== 0,
        'voipbin.md A0/A4', `claims {"type":"agent","agent":{"id":"${admin}","customer_id":"${customer}","permission":<admin or manager bit>}}`, c);
      expect(!('exp' in c), 'voipbin.md A0', 'no exp claim (the expiry is the string claim expire)', c);
      expect(typeof c.expire === 'string' && EXPIRE_LAYOUT.test(c.expire), 'voipbin.md A0', 'expire as "YYYY-MM-DDTHH:MM:SS.ffffffZ"', c.expire);
      const ahead = Date.parse(c.expire) - Date.now();
      expect(Math.abs(ahead - 7 * 86400e3) < 3600e3, 'voipbin.md A0', 'expire 7 days ahead (TokenExpiration)', c.expire);
      expect(!('password' in c.agent) && !('password_hash' in c.agent) && !('PasswordHash' in c.agent), 'voipbin.md A0', 'no password hash in the agent claim', c.agent);
    });
  }
  for (const [name, opts] of [
    ['wrong password', { body: { username: USER, password: 'not-it' } }],
    ['missing password', { body: { username: USER } }],
    ['empty username', { body: { username: '', password: PASSWORD } }],
    ['bad JSON', { raw: '{"username":', headers: { 'Content-Type': 'application/json' } }],
  ]) {
    await j.check(`login: ${name} is a bare 400 with an empty body`, async () => {
      const r = await request('POST', `${base}/auth/login`, opts);
      expect(r.status === 400 && r.text === '', 'voipbin.md A0', 'HTTP 400 with an empty body (c.AbortWithStatus(400))', brief(r));
    });
  }

  // --- A1/A2: the handshake and the credential ---------------------------
  const ws = `${wsBase}/v1.0/ws`;
  const ways = [
    ['?token=<login JWT>', () => open(`${ws}?token=${login}`), login],
    ['?accesskey=', () => open(`${ws}?accesskey=${ACCESS_KEY}`), true],
    ['Cookie: accesskey=', () => open(ws, { headers: { Cookie: `accesskey=${ACCESS_KEY}` } }), true],
    ['Cookie: token=', () => open(ws, { headers: { Cookie: `token=${login}` } }), login],
    ['Authorization: Bearer', () => open(ws, { headers: { Authorization: `Bearer ${login}` } }), login],
    ['/v1.0/service_agents/ws', () => open(`${wsBase}/v1.0/service_agents/ws?accesskey=${ACCESS_KEY}`), true],
  ];
  for (const [how, dial, need] of ways) {
    if (!need) {
      j.skip(`connect with ${how}`, 'no login token');
      continue;
    }
    await j.check(`connect with ${how}: upgraded, and the server sends nothing`, async () => {
      let c;
      try {
        c = await dial();
      } catch (e) {
        throw new Mismatch('voipbin.md A1/A2', 'a WebSocket upgrade', e.status ? { status: e.status, body: e.body } : String(e));
      }
      await sleep(400);
      c.close();
      expect(c.messages.length === 0, 'voipbin.md A1', 'no welcome and no ack after the upgrade', c.texts());
    });
  }

  const refused = async (name, doc, url, headers, reason) => {
    await j.check(name, async () => {
      const r = await refusal(url, { headers });
      expect(r.status === 401, doc, 'HTTP 401 and no upgrade', r.upgraded ? 'upgraded' : { status: r.status, body: r.body });
      let body;
      try {
        body = JSON.parse(r.body);
      } catch {
        throw new Mismatch(doc, 'a JSON envelope {"error":{…}}', r.body);
      }
      const e = body && body.error;
      expect(e && e.status === 'UNAUTHENTICATED' && e.reason === reason && typeof e.message === 'string' && typeof e.request_id === 'string',
        'voipbin.md A2', `{"error":{"status":"UNAUTHENTICATED","reason":"${reason}","message":"…","request_id":"…"}}`, body);
    });
  };
  await refused('no credential: 401 AUTHENTICATION_REQUIRED', 'voipbin.md A2', ws, {}, 'AUTHENTICATION_REQUIRED');
  await refused('a garbage ?token=: 401 INVALID_CREDENTIALS', 'voipbin.md A2', `${ws}?token=not.a.jwt`, {}, 'INVALID_CREDENTIALS');
  await refused('an access key as ?token=: 401 (?token= is always a JWT)', 'voipbin.md A2', `${ws}?token=${ACCESS_KEY}`, {}, 'INVALID_CREDENTIALS');
  await refused('an unknown ?accesskey=: 401 INVALID_CREDENTIALS', 'voipbin.md A2', `${ws}?accesskey=vb_notTheKey`, {}, 'INVALID_CREDENTIALS');
  const claims = login ? decode(login).payload : null;
  if (claims) {
    await refused('a JWT signed with another key: 401', 'voipbin.md A2', `${ws}?token=${sign(claims, 'another-key')}`, {}, 'INVALID_CREDENTIALS');
    const expired = sign({ ...claims, expire: expireString(Date.now() - 60e3) }, SIGNING_KEY);
    await refused('a JWT whose expire has passed: 401', 'voipbin.md A2', `${ws}?token=${expired}`, {}, 'INVALID_CREDENTIALS');
    await j.check('a delegate token (aud voipbin-api): HTTP 200 and no upgrade', async () => {
      const t = sign({ type: 'delegate', aud: 'voipbin-api', agent: claims.agent, expire: claims.expire }, SIGNING_KEY);
      const r = await refusal(`${ws}?token=${t}`);
      expect(r.status === 200, 'voipbin.md A2 ("A delegate identity gets HTTP 200 with no upgrade")', 'HTTP 200, no upgrade', r.upgraded ? 'upgraded' : r);
    });
  }

  // --- A10: subscribing as VoIPBin's own client does -----------------------
  const vbmcp = vbmcpTopics(customer);
  await j.check("VoIPBin's client's five 4-part prefixes: each event once, classified by shape, no wrapper", async () => {
    const c = await open(ws, { headers: { Cookie: `accesskey=${ACCESS_KEY}` } });
    c.send(JSON.stringify({ type: 'subscribe', topics: vbmcp }));
    try {
      await waitFor(8000, () => {
        const kinds = new Set(parsed(c).map(classify));
        return kinds.has('call') && kinds.has('speech') && kinds.has('transcript') && c.messages.length >= 30;
      }, 'voipbin.md A10', 'calls, interim speech and transcripts (the five prefixes VoIPBin\'s client subscribes)',
      () => summary(parsed(c)));
      c.send(JSON.stringify({ type: 'unsubscribe', topics: vbmcp }));
      await sleep(300);
      const frames = c.texts();
      const ps = frames.map(parseOr);
      const bad = ps.filter((p) => !['call', 'speech', 'transcript'].includes(classify(p)));
      expect(bad.length === 0, 'voipbin.md A10', 'only calls, speech and transcripts', bad.slice(0, 3));
      const wrapped = ps.filter((p) => p && typeof p === 'object' && 'type' in p && 'data' in p);
      expect(wrapped.length === 0, 'voipbin.md A6', 'bare resources (HEAD sends no {"type","data"} wrapper)', wrapped.slice(0, 2));
      const dups = repeated(frames);
      expect(dups.length === 0, 'voipbin.md A7', 'a 4-part event-type prefix matches only the new-format string: each event once', dups.slice(0, 2));
      expect(c.closeInfo === null, 'voipbin.md A3', 'the connection still open after valid subscribe and unsubscribe', c.closeInfo);
    } finally {
      c.close();
    }
  }, 20000);

  // One connection per prefix tells which event type each frame is.
  const per = {};
  await j.check('one connection per 4-part prefix: each receives', async () => {
    const conns = await Promise.all(vbmcp.map(() => open(`${ws}?accesskey=${ACCESS_KEY}`)));
    conns.forEach((c, i) => c.send(JSON.stringify({ type: 'subscribe', topics: [vbmcp[i]] })));
    try {
      await waitFor(8000, () => conns.every((c) => c.messages.length >= 2), 'voipbin.md A7/A8',
        'at least two frames on each of the five prefixes', () => Object.fromEntries(vbmcp.map((t, i) => [t.split(':').slice(2).join(':'), conns[i].messages.length])));
    } finally {
      conns.forEach((c, i) => {
        per[vbmcp[i].split(':').slice(2).join(':')] = parsed(c);
        c.close();
      });
    }
  }, 15000);
  const shapeCheck = (name, prefix, resource, extra) => j.check(name, () => {
    const ps = per[prefix];
    expect(ps && ps.length > 0, 'voipbin.md A7', `frames on …:${prefix}`, ps);
    for (const p of ps) {
      const problems = shapeProblems(resource, p);
      expect(problems.length === 0, 'voipbin.md A11', `a ${resource} resource as the table gives it`, { problems, frame: p });
      if (extra) extra(p);
    }
  });
  await shapeCheck('call:call_created frames are call resources', 'call:call_created', 'call');
  await shapeCheck('call:call_progressing frames are calls in status progressing', 'call:call_progressing', 'call', (p) =>
    expect(p.status === 'progressing', 'voipbin.md A8', 'status "progressing" (one event per status change)', p));
  await shapeCheck('call:call_hangup frames are hung-up calls with hangup_by, hangup_reason and tm_hangup', 'call:call_hangup', 'call', (p) =>
    expect(p.status === 'hangup' && p.hangup_by !== '' && p.hangup_reason !== '' && typeof p.tm_hangup === 'string',
      'voipbin.md A11', 'call_hangup carries hangup_by, hangup_reason and tm_hangup, status "hangup"', p));
  await shapeCheck('transcript:transcript_created frames are transcripts', 'transcript:transcript_created', 'transcript');
  await shapeCheck('transcribe:transcribe_speech_interim frames are interim speech, a fresh id each', 'transcribe:transcribe_speech_interim', 'speech', (p) =>
    expect(typeof p.message === 'string' && p.message !== '', 'voipbin.md A11', 'interim speech carries its message', p));
  await j.check('interim speech: every frame has its own id', () => {
    const ps = per['transcribe:transcribe_speech_interim'] ?? [];
    expect(new Set(ps.map((p) => p.id)).size === ps.length, 'voipbin.md A7', 'transcribe_speech_* events carry a fresh random id each time', ps.map((p) => p.id));
  });

  // --- A5/A7: a 3-part prefix receives every call event twice --------------
  let someCall;
  await j.check('a 3-part prefix customer_id:<c>:call: every call event exactly twice', async () => {
    const c = await open(`${ws}?token=${login ?? ''}`).catch(() => open(`${ws}?accesskey=${ACCESS_KEY}`));
    const topic = `customer_id:${customer}:call`;
    c.send(JSON.stringify({ type: 'subscribe', topics: [topic] }));
    try {
      await waitFor(8000, () => c.messages.length >= 40, 'voipbin.md A7', 'call events on the 3-part prefix', () => c.messages.length);
      c.send(JSON.stringify({ type: 'unsubscribe', topics: [topic] }));
      await sleep(400);
      const n = c.messages.length;
      await sleep(400);
      expect(c.messages.length === n, 'voipbin.md A3', 'nothing after unsubscribing the exact string', c.messages.length - n);
      const frames = c.texts();
      const counts = countBy(frames);
      const notTwice = [...counts].filter(([, k]) => k !== 2);
      expect(notTwice.length === 0, 'voipbin.md A5/A7', 'each call event twice: once under customer_id:<c>:call:<id>, once under customer_id:<c>:call:<event_type>:<id>',
        notTwice.slice(0, 3).map(([f, k]) => ({ times: k, frame: f.slice(0, 160) })));
      const notCalls = frames.map(parseOr).filter((p) => classify(p) !== 'call');
      expect(notCalls.length === 0, 'voipbin.md A5', 'only call resources on …:call (no other resource starts with "call")', notCalls.slice(0, 2));
      someCall = frames.map(parseOr).find((p) => p.status !== 'hangup');
    } finally {
      c.close();
    }
  }, 15000);
  await j.check('customer_id:<c> together with customer_id:<c>:call: call events still twice, not four times', async () => {
    const c = await open(`${ws}?accesskey=${ACCESS_KEY}`);
    c.send(JSON.stringify({ type: 'subscribe', topics: [`customer_id:${customer}`, `customer_id:${customer}:call`] }));
    try {
      await waitFor(8000, () => parsed(c).filter((p) => classify(p) === 'call').length >= 30, 'voipbin.md A5', 'call events', () => c.messages.length);
      c.send(JSON.stringify({ type: 'unsubscribe', topics: [`customer_id:${customer}`, `customer_id:${customer}:call`] }));
      await sleep(400);
      const counts = countBy(c.texts());
      const wrong = [...counts].filter(([f, k]) => k !== 2 && classify(parseOr(f)) === 'call');
      expect(wrong.length === 0, 'voipbin.md A5 ("deliver-once applies per published topic string")',
        'each call event once per topic string (2), however many prefixes match it', wrong.slice(0, 3).map(([f, k]) => ({ times: k, frame: f.slice(0, 120) })));
    } finally {
      c.close();
    }
  }, 15000);
  await j.check('a 4-part id topic customer_id:<c>:call:<call_id>: that call\'s events, once each', async () => {
    expect(someCall, 'voipbin.md A7', 'a call seen on the 3-part prefix', someCall);
    // A fresh call: subscribe to the next call_created's id as soon as it shows.
    const watch = await open(`${ws}?accesskey=${ACCESS_KEY}`);
    watch.send(JSON.stringify({ type: 'subscribe', topics: [`customer_id:${customer}:call:call_created`] }));
    let c;
    try {
      const created = await waitFor(6000, () => parsed(watch)[0], 'voipbin.md A7', 'a call_created', () => watch.messages.length);
      c = await open(`${ws}?accesskey=${ACCESS_KEY}`);
      c.send(JSON.stringify({ type: 'subscribe', topics: [`customer_id:${customer}:call:${created.id}`] }));
      await waitFor(8000, () => parsed(c).some((p) => p.status === 'hangup'), 'voipbin.md A7', 'the call\'s events up to its hangup',
        () => parsed(c).map((p) => p.status));
      await sleep(200);
      const frames = c.texts();
      const ps = frames.map(parseOr);
      expect(ps.every((p) => p.id === created.id), 'voipbin.md A7', `only call ${created.id}`, ps.map((p) => p.id));
      const rank = { dialing: 0, ringing: 1, progressing: 2, terminating: 3, canceling: 3, hangup: 4 };
      const order = ps.map((p) => p.status);
      expect(order.every((st, i) => i === 0 || rank[st] >= rank[order[i - 1]]), 'voipbin.md A8 (call status: dialing → ringing → progressing → terminating or canceling → hangup)', 'statuses that never go back', order);
      expect(repeated(frames).length === 0, 'voipbin.md A7', 'each event once (the old-format string only)', repeated(frames).slice(0, 2));
    } finally {
      watch.close();
      c?.close();
    }
  }, 15000);

  await j.check('never published: queue_* and conferencecall_* events (the prefixes receive nothing while others flow)', async () => {
    const c = await open(`${ws}?accesskey=${ACCESS_KEY}`);
    const d = await open(`${ws}?accesskey=${ACCESS_KEY}`);
    try {
      c.send(JSON.stringify({ type: 'subscribe', topics: [`customer_id:${customer}:queue:queue_`, `customer_id:${customer}:conferencecall`, `customer_id:${customer}:call:call.`] }));
      d.send(JSON.stringify({ type: 'subscribe', topics: [`customer_id:${customer}:queuecall:queuecall_`] }));
      await waitFor(8000, () => d.messages.length >= 3, 'voipbin.md A8', 'queuecall events meanwhile', () => d.messages.length);
      expect(c.messages.length === 0, 'voipbin.md A8 ("Defined but never published to customers: queue_created, queue_updated, queue_deleted; conferencecall_…; call.outbound_whitelist_rejected")', 'nothing', c.texts().slice(0, 2));
    } finally {
      c.close();
      d.close();
    }
  }, 12000);

  // --- A3: what the server does with client frames -------------------------
  await j.check('frames that are not JSON, or of another type, are ignored: the connection stays', async () => {
    const c = await open(`${ws}?accesskey=${ACCESS_KEY}`);
    try {
      c.send('this is not json');
      c.send(JSON.stringify({ type: 'hello', topics: ['not even a topic'] }));
      c.send(JSON.stringify([1, 2, 3]));
      c.send(JSON.stringify({ type: 'subscribe', topics: [`customer_id:${customer}:call:call_`] }));
      await waitFor(6000, () => c.messages.length > 0, 'voipbin.md A3', 'events after the ignored frames (bad JSON is logged and ignored; other types do nothing)',
        () => c.closeInfo ?? 'open, no events');
      expect(c.closeInfo === null, 'voipbin.md A3', 'the connection open', c.closeInfo);
    } finally {
      c.close();
    }
  });

  const dropped = async (name, dial, topics, doc = 'voipbin.md A3/A4') => {
    await j.check(name, async () => {
      const c = await dial();
      c.send(JSON.stringify({ type: 'subscribe', topics }));
      const info = await c.closedWithin(3000);
      c.close();
      expect(info, doc, 'the connection dropped', 'still open after 3 s');
      expect(info.code === 1006, 'voipbin.md A3', 'dropped without a close frame (the client sees 1006)', info);
      expect(c.messages.length === 0, 'voipbin.md A3', 'no error frame', c.texts());
    });
  };
  const byKey = () => open(`${ws}?accesskey=${ACCESS_KEY}`);
  const other = randomUUID();
  await dropped('a topic whose id is not a UUID: dropped without a close frame', byKey, [`customer_id:not-a-uuid:call`]);
  await dropped('an unknown scope: dropped', byKey, [`account_id:${customer}:call`]);
  await dropped('one part only: dropped', byKey, ['customer_id']);
  await dropped('the nil UUID: dropped', byKey, [`customer_id:${NIL_UUID}:call`]);
  await dropped("another customer's topic: dropped", byKey, [`customer_id:${other}:call`], 'voipbin.md A4 (the customer must match)');
  await dropped('agent_id with an access key (no agent id): dropped', byKey, [`agent_id:${admin}:call`], 'voipbin.md A4');
  await dropped('one bad topic among good ones: dropped, nothing applied', byKey,
    [`customer_id:${customer}:call`, `customer_id:${customer}:agent`, 'customer_id:nope:call'], 'voipbin.md A3 (every topic is checked before any is applied)');
  if (login) {
    await dropped("another agent's agent_id topic with the admin's token: dropped", () => open(`${ws}?token=${login}`), [`agent_id:${plainAgent}:call`], 'voipbin.md A4');
  }
  const plain = await j.check('login as the plain agent (CustomerAgent 0x10)', async () => {
    const r = await request('POST', `${base}/auth/login`, { body: { username: plainUser, password: PASSWORD } });
    expect(r.status === 200 && r.json?.token, 'docs/emulator-voipbin.md (the plain agent takes --password)', '200 with a token', brief(r));
    const a = decode(r.json.token)?.payload?.agent;
    expect(a && a.id === plainAgent && (a.permission & 0x10) && !(a.permission & 0x61), 'voipbin.md A4', 'a CustomerAgent without admin or manager bits', a);
    return r.json.token;
  });
  if (plain) {
    await dropped('a customer topic with a plain agent\'s token: dropped', () => open(`${ws}?token=${plain}`), [`customer_id:${customer}:call`], 'voipbin.md A4 (customer topics need Admin or Manager)');
    await j.check("a plain agent's own agent_id topic is allowed", async () => {
      const c = await open(`${ws}?token=${plain}`);
      c.send(JSON.stringify({ type: 'subscribe', topics: [`agent_id:${plainAgent}:call`, `agent_id:${plainAgent}:call:*`] }));
      const info = await c.closedWithin(1500);
      c.close();
      expect(info === null, 'voipbin.md A4 ("a plain CustomerAgent can subscribe only to agent_id:<own id>…"; "*" validates)', 'the connection still open', info);
    });
  }
  await j.check('valid odd topics (…:call:*, a trailing colon, 5 parts) do not drop the connection', async () => {
    const c = await byKey();
    c.send(JSON.stringify({ type: 'subscribe', topics: [`customer_id:${customer}:call:*`, `customer_id:${customer}:queue:`, `customer_id:${customer}:call:call_hangup:${NIL_UUID}`] }));
    const info = await c.closedWithin(1500);
    c.close();
    expect(info === null, 'voipbin.md A4/A5', 'the connection still open (these validate)', info);
  });

  const direct = sign({ type: 'direct', direct: { customer_id: customer, resource_type: 'call', resource_id: randomUUID(), allowed_resource_types: ['call'] }, expire: expireString(Date.now() + 3600e3) }, SIGNING_KEY);
  await j.check('a direct token may subscribe a 4-part topic of an allowed resource type', async () => {
    const c = await open(`${ws}?token=${direct}`);
    c.send(JSON.stringify({ type: 'subscribe', topics: [`customer_id:${customer}:call:call_hangup`] }));
    const info = await c.closedWithin(1200);
    c.close();
    expect(info === null, 'voipbin.md A4 ("Direct token: parts[2] must be in allowed_resource_types")', 'the connection still open', info);
  });
  await dropped('a direct token with a 3-part topic: dropped', () => open(`${ws}?token=${direct}`), [`customer_id:${customer}:call`], 'voipbin.md A4 ("customer_id with 2, 3 or 5+ parts: direct tokens are rejected")');
  await dropped('a direct token with a resource type it is not allowed: dropped', () => open(`${ws}?token=${direct}`), [`customer_id:${customer}:agent:${admin}`], 'voipbin.md A4');

  await j.check('subscribing the same topic twice is one subscription: call events still twice, not four times', async () => {
    const c = await byKey();
    const topic = `customer_id:${customer}:call`;
    c.send(JSON.stringify({ type: 'subscribe', topics: [topic] }));
    c.send(JSON.stringify({ type: 'subscribe', topics: [topic, topic] }));
    try {
      await waitFor(8000, () => c.messages.length >= 30, 'voipbin.md A7', 'call events', () => c.messages.length);
      c.send(JSON.stringify({ type: 'unsubscribe', topics: [topic] }));
      await sleep(400);
      const wrong = [...countBy(c.texts())].filter(([, k]) => k !== 2);
      expect(wrong.length === 0, 'voipbin.md A3 ("subscribe appends topic strings; repeats are ignored")', 'each call event twice', wrong.slice(0, 3).map(([f, k]) => ({ times: k, frame: f.slice(0, 100) })));
    } finally {
      c.close();
    }
  }, 15000);

  await j.check('a client that answers no ping is dropped about --pong-timeout (2s here) after its last pong, without a close frame', async () => {
    const c = await open(`${ws}?accesskey=${ACCESS_KEY}`, { autoPong: false });
    const info = await c.closedWithin(6000);
    c.close();
    expect(info, 'voipbin.md A9 ("Read deadline: 60 s, reset only by a pong"; --pong-timeout here)', 'dropped', 'still open after 6 s');
    const after = info.at - c.openedAt;
    expect(after >= 1500 && after <= 4000, 'voipbin.md A9', 'dropped about 2 s after the connection opened (no pong since)', `${after} ms`);
    expect(c.pings.length >= 2, 'voipbin.md A9', 'pings sent meanwhile', c.pings.length);
    expect(info.code === 1006, 'voipbin.md A3/A9 (the handler returns; its deferred close sends no close frame)', '1006', info);
  });

  await j.check('unsubscribe removes only the exact string: a different prefix of the same events leaves it', async () => {
    const c = await byKey();
    try {
      c.send(JSON.stringify({ type: 'subscribe', topics: [`customer_id:${customer}:call`] }));
      c.send(JSON.stringify({ type: 'unsubscribe', topics: [`customer_id:${customer}:call:`, `customer_id:${customer}:cal`] }));
      await sleep(300);
      const n = c.messages.length;
      await waitFor(6000, () => c.messages.length >= n + 4, 'voipbin.md A3 ("unsubscribe removes an exact string")', 'call events still', () => c.messages.length - n);
    } finally {
      c.close();
    }
  });
  if (login) {
    await j.check("an agent's 2-part topic agent_id:<own id>: only resources that agent owns (agents and messages have no owner_id)", async () => {
      const c = await open(`${ws}?token=${login}`);
      try {
        c.send(JSON.stringify({ type: 'subscribe', topics: [`agent_id:${admin}`] }));
        await waitFor(8000, () => c.messages.length >= 4, 'voipbin.md A7 (agent_id:<owner_id>… "when owner_id is set")', 'frames of resources the admin owns', () => c.messages.length);
        const wrong = parsed(c).filter((p) => p.owner_id !== admin);
        expect(wrong.length === 0, 'voipbin.md A7 ("Agent and message payloads have no owner_id, so they reach only customer_id: topics")', `every frame with owner_id ${admin}`, wrong.slice(0, 2));
      } finally {
        c.close();
      }
    }, 12000);
  }

  await j.check('a binary frame closes the connection', async () => {
    const c = await byKey();
    c.send(Buffer.from([1, 2, 3]), { binary: true });
    const info = await c.closedWithin(3000);
    c.close();
    expect(info, 'voipbin.md A3', 'the connection closed after a binary frame', 'still open after 3 s');
  });

  // --- A9: keepalive, shortened by --ping-interval 500ms -------------------
  await j.check('server pings every --ping-interval (500ms here; 10 s by default)', async () => {
    const c = await byKey();
    try {
      await waitFor(4000, () => c.pings.length >= 4, 'voipbin.md A9', 'server pings about every 500 ms', () => c.pings.length);
      const gaps = c.pings.slice(1).map((t, i) => t - c.pings[i]);
      expect(gaps.every((g) => g > 250 && g < 1500), 'voipbin.md A9', 'pings about 500 ms apart', gaps);
    } finally {
      c.close();
    }
  });
}

function firstUUID(s) {
  return /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(s ?? '')?.[0];
}

function parseOr(text) {
  try {
    return JSON.parse(text);
  } catch {
    return { unparsable: text };
  }
}

function parsed(c) {
  return c.texts().map(parseOr);
}

function countBy(xs) {
  const m = new Map();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

function repeated(frames) {
  return [...countBy(frames)].filter(([, k]) => k > 1).map(([f, k]) => ({ times: k, frame: f.slice(0, 160) }));
}

function summary(ps) {
  return show(countBy(ps.map(classify)));
}
