// Judges `evtap sim dialpad` with a Dialpad client written from the Dialpad
// document (shared/seeds/004_6d35c4b6eec4d939.txt), the wire notes
// (shared/protocols/dialpad.md) and Dialpad's OpenAPI spec alone: REST
// websockets and subscriptions (required fields, enums, 404s, a list with a
// cursor, a GET that mints a fresh URL), then the socket: events arrive,
// HS256 signatures verify with the secret and fail after a PATCHed one,
// and the socket is cut at expiry with a short token lifetime.
//
//   node sim-dialpad.mjs --evtap /path/to/evtap

import { evtapBin, main } from './lib/args.mjs';
import { INT64_STRING, agentStatusProblems, callEventProblems, kindOf, numericIds, smsEventProblems, unsafeIds } from './lib/dialpad.mjs';
import { brief, request } from './lib/http.mjs';
import { Judge, Mismatch, expect, sleep, waitFor } from './lib/judge.mjs';
import { decode, verify } from './lib/jwt.mjs';
import { requireHelp, startSim } from './lib/proc.mjs';
import { open, refusal } from './lib/wsclient.mjs';

const KEY = 'judge-dialpad-key-3f9a';
const LIFETIME = 5; // seconds: the socket is cut at the token's exp

main(async () => {
  const bin = evtapBin('sim-dialpad.mjs');
  requireHelp(bin, ['sim', 'dialpad'], ['--api-key', '--token-lifetime', '--rate', '--refuse-status', '--create-rate-limit']);
  const [sim, limited] = await Promise.all([
    startSim(bin, 'dialpad', ['--api-key', KEY, '--rate', '40', '--seed', '11', '--token-lifetime', `${LIFETIME}s`, '--refuse-status', '403']),
    startSim(bin, 'dialpad', ['--api-key', KEY, '--rate', '0', '--create-rate-limit', '2']),
  ]);
  const j = new Judge('sim-dialpad');
  try {
    await judge(j, sim, limited);
  } finally {
    await Promise.all([sim.stop(), limited.stop()]);
  }
  j.finish();
});

async function judge(j, sim, limited) {
  const api = `${sim.url}/api/v2`;
  const auth = { Authorization: `Bearer ${KEY}` };
  const call = (method, path, body, headers = auth) => request(method, `${api}${path}`, { body, headers });

  // --- B2: auth -------------------------------------------------------------
  await j.check('REST without a key: 401', async () => {
    const r = await request('GET', `${api}/websockets`);
    expect(r.status === 401, 'dialpad.md B2 (Bearer or ?apikey=)', '401', brief(r));
  });
  await j.check('REST with a wrong key: 401', async () => {
    const r = await call('GET', '/websockets', undefined, { Authorization: 'Bearer not-the-key' });
    expect(r.status === 401, 'dialpad.md B2', '401', brief(r));
  });
  await j.check('REST with ?apikey=: 200', async () => {
    const r = await request('GET', `${api}/websockets?apikey=${KEY}`);
    expect(r.status === 200 && Array.isArray(r.json?.items ?? []), 'dialpad.md B2 ("Authorization: Bearer <key> or ?apikey=")', '200 with a WebsocketCollection', brief(r));
  });

  // --- B2/B4: websockets ------------------------------------------------------
  const plain = await j.check('POST /websockets without a secret: 200 {id as a string, websocket_url}, no signature', async () => {
    const r = await call('POST', '/websockets', {});
    expect(r.status === 200 && r.json, 'dialpad.md B2', '200 WebsocketProto', brief(r));
    const w = r.json;
    expect(typeof w.id === 'string' && INT64_STRING.test(w.id), 'dialpad.md B2 ("Ids are strings on the wire")', 'id as a decimal string', w.id);
    expect(typeof w.websocket_url === 'string' && /^ws:\/\/127\.0\.0\.1:\d+\/events\/[^/]+$/.test(w.websocket_url), 'dialpad.md B4', 'websocket_url ws://<host>/events/<token>', w.websocket_url);
    expect(w.signature === undefined || w.signature === null, 'dialpad.md B2 (signature only with a secret)', 'no signature', w.signature);
    return w;
  });
  if (plain) {
    await j.check('the URL token: typ vnd.dialpad.websocket+jwt, sub endpoint:<id>:*, exp = iat + the lifetime', () => {
      const d = decode(plain.websocket_url.split('/events/')[1]);
      expect(d, 'dialpad.md B4', 'a JWT in the path', plain.websocket_url);
      expect(d.header.typ === 'vnd.dialpad.websocket+jwt' && typeof d.header.alg === 'string', 'dialpad.md B4', 'header {"alg":…,"typ":"vnd.dialpad.websocket+jwt"}', d.header);
      const c = d.payload;
      expect(c.sub === `endpoint:${plain.id}:*`, 'dialpad.md B4', `sub "endpoint:${plain.id}:*" (websocket-wide)`, c.sub);
      expect(Number.isInteger(c.iat) && Number.isInteger(c.exp) && c.exp - c.iat === LIFETIME, 'dialpad.md B4 (exp = iat + 3600; --token-lifetime here)', `exp − iat = ${LIFETIME}`, c);
      expect(Math.abs(c.iat - Date.now() / 1000) < 5, 'dialpad.md B4', 'iat now', c.iat);
      expect(typeof c.iss === 'string' && c.iss !== '', 'dialpad.md B4', 'an iss claim', c);
    });
  }
  const signed = await j.check('POST /websockets with a secret: signature {algo HS256, secret, type jwt}', async () => {
    const r = await call('POST', '/websockets', { secret: 'judge-secret-one' });
    expect(r.status === 200 && r.json?.signature, 'dialpad.md B2', '200 with a signature', brief(r));
    const s = r.json.signature;
    expect(s.algo === 'HS256' && s.secret === 'judge-secret-one' && s.type === 'jwt', 'dialpad.md B2', '{"algo":"HS256","secret":"judge-secret-one","type":"jwt"}', s);
    return r.json;
  });
  if (plain) {
    await j.check('GET /websockets/{id} mints a fresh URL', async () => {
      await sleep(1100); // iat has whole seconds
      const r = await call('GET', `/websockets/${plain.id}`);
      expect(r.status === 200 && r.json?.id === plain.id, 'dialpad.md B2', `200 {"id":"${plain.id}",…}`, brief(r));
      const a = decode(plain.websocket_url.split('/events/')[1])?.payload;
      const b = decode(r.json.websocket_url.split('/events/')[1])?.payload;
      expect(r.json.websocket_url !== plain.websocket_url && b && a && b.iat > a.iat && b.exp > a.exp, 'seed 004 ("To refresh the token, make a GET request"); dialpad.md B2',
        'a new URL whose token was issued now', { before: a, after: b });
    });
  }
  await j.check('GET /websockets/{unknown id}: 404', async () => {
    const r = await call('GET', '/websockets/1234567890123456');
    expect(r.status === 404, 'dialpad.md B2', '404', brief(r));
  });
  await j.check('GET /websockets pages with a cursor: every websocket once', async () => {
    const made = [];
    for (let i = 0; i < 23; i++) {
      const r = await call('POST', '/websockets', {});
      expect(r.status === 200, 'dialpad.md B2', '200', brief(r));
      made.push(r.json.id);
    }
    const seen = [];
    let cursor;
    let pages = 0;
    do {
      const r = await call('GET', `/websockets${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(r.status === 200 && Array.isArray(r.json?.items), 'dialpad.md B2', '200 {cursor?, items[]}', brief(r));
      seen.push(...r.json.items.map((w) => w.id));
      expect(r.json.items.every((w) => typeof w.id === 'string' && typeof w.websocket_url === 'string'), 'dialpad.md B2', 'items are WebsocketProto', r.json.items[0]);
      cursor = r.json.cursor;
      expect(++pages < 50, 'dialpad.md B2', 'the cursor to run out', cursor);
    } while (cursor);
    const missing = made.filter((id) => !seen.includes(id));
    expect(missing.length === 0, 'dialpad.md B2 (DPSDK loops while cursor is non-empty)', 'every websocket on some page', { missing, pages });
    expect(new Set(seen).size === seen.length, 'dialpad.md B2', 'no websocket twice', seen);
    for (const id of made) await call('DELETE', `/websockets/${id}`);
  }, 20000);

  // --- B3: event subscriptions ------------------------------------------------
  const callSub = plain && await j.check('POST /subscriptions/call: 200 with a string id, the states, and a subscription-scoped URL', async () => {
    const r = await call('POST', '/subscriptions/call', { endpoint_id: plain.id, call_states: ['ringing', 'connected', 'hangup'] });
    expect(r.status === 200 && r.json, 'dialpad.md B3', '200 CallEventSubscriptionProto', brief(r));
    const s = r.json;
    expect(typeof s.id === 'string' && INT64_STRING.test(s.id), 'dialpad.md B2/B3', 'id as a decimal string', s.id);
    expect(JSON.stringify(s.call_states) === JSON.stringify(['ringing', 'connected', 'hangup']) && s.enabled === true, 'dialpad.md B3', 'the call_states sent, enabled true by default', s);
    expect(s.websocket && s.websocket.id === plain.id && typeof s.websocket.websocket_url === 'string', 'dialpad.md B3 (Proto: websocket {id, signature, websocket_url})', `websocket {"id":"${plain.id}",…}`, s.websocket);
    expect(!('endpoint_id' in s), 'dialpad.md B3 ("the create fields without endpoint_id")', 'no endpoint_id in the Proto', s);
    const sub = decode(s.websocket.websocket_url.split('/events/')[1])?.payload?.sub;
    expect(sub === `endpoint:${plain.id}:call:${s.id}`, 'dialpad.md B4', `sub "endpoint:${plain.id}:call:${s.id}" (subscription-scoped)`, sub);
    return s;
  });
  const smsSub = plain && await j.check('POST /subscriptions/sms with direction (endpoint_id as a number): 200', async () => {
    const r = await call('POST', '/subscriptions/sms', { endpoint_id: Number(plain.id), direction: 'all', status: true });
    expect(r.status === 200 && r.json?.direction === 'all' && typeof r.json.id === 'string', 'dialpad.md B2 (accept numbers and strings in bodies), B3', '200 with direction "all"', brief(r));
    return r.json;
  });
  const agentSub = plain && await j.check('POST /subscriptions/agent_status (agent_type callcenter): 200', async () => {
    const r = await call('POST', '/subscriptions/agent_status', { endpoint_id: plain.id, agent_type: 'callcenter' });
    expect(r.status === 200 && r.json?.agent_type === 'callcenter', 'dialpad.md B3', '200 with agent_type callcenter', brief(r));
    return r.json;
  });
  const inboundSms = signed && await j.check('POST /subscriptions/sms with direction inbound: 200', async () => {
    const r = await call('POST', '/subscriptions/sms', { endpoint_id: signed.id, direction: 'inbound' });
    expect(r.status === 200 && r.json?.direction === 'inbound', 'dialpad.md B3', '200 with direction inbound', brief(r));
    return r.json;
  });
  for (const [name, path, body, field] of [
    ['sms without direction', '/subscriptions/sms', { status: true }, 'direction'],
    ['agent_status without agent_type', '/subscriptions/agent_status', {}, 'agent_type'],
    ['contact without contact_type', '/subscriptions/contact', {}, 'contact_type'],
  ]) {
    if (!plain) break;
    await j.check(`${name}: 400 naming the field`, async () => {
      const r = await call('POST', path, { endpoint_id: plain.id, ...body });
      expect(r.status === 400 && r.text.includes(field), 'dialpad.md B3 (bold = required); spec required: [' + field + ']', `400 whose body names ${field}`, brief(r));
    });
  }
  for (const [name, path, body, field] of [
    ['a call state not in the enum', '/subscriptions/call', { call_states: ['ringing', 'exploded'] }, 'call_states'],
    ['an sms direction not in the enum', '/subscriptions/sms', { direction: 'sideways' }, 'direction'],
    ['a target_type not in the enum', '/subscriptions/call', { call_states: ['all'], target_type: 'planet', target_id: 1 }, 'target_type'],
    ['agent_type other than callcenter', '/subscriptions/agent_status', { agent_type: 'operator' }, 'agent_type'],
  ]) {
    if (!plain) break;
    await j.check(`${name}: 400`, async () => {
      const r = await call('POST', path, { endpoint_id: plain.id, ...body });
      expect(r.status === 400 && r.text.includes(field), 'dialpad.md B3; the spec\'s enums', `400 naming ${field}`, brief(r));
    });
  }
  await j.check('a subscription for an unknown endpoint_id: 404', async () => {
    const r = await call('POST', '/subscriptions/call', { endpoint_id: '1111111111111111', call_states: ['all'] });
    expect(r.status === 404, 'dialpad.md B1/B3 (endpoint_id is the websocket id)', '404', brief(r));
  });
  for (const [type, body] of [['agent_status', { agent_type: 'callcenter' }], ['contact', { contact_type: 'shared' }], ['changelog', {}]]) {
    if (!signed) break;
    await j.check(`POST /subscriptions/${type} with its required fields: 200, and GET it back`, async () => {
      const r = await call('POST', `/subscriptions/${type}`, { endpoint_id: signed.id, ...body });
      expect(r.status === 200 && typeof r.json?.id === 'string', 'dialpad.md B3', '200 with a string id', brief(r));
      const g = await call('GET', `/subscriptions/${type}/${r.json.id}`);
      expect(g.status === 200 && g.json?.id === r.json.id, 'dialpad.md B3', '200 with the same id', brief(g));
      const d = await call('DELETE', `/subscriptions/${type}/${r.json.id}`);
      expect(d.status === 200 && d.json?.id === r.json.id, 'dialpad.md B3 ("DELETE returns the deleted one")', '200 with the deleted subscription', brief(d));
      const g2 = await call('GET', `/subscriptions/${type}/${r.json.id}`);
      expect(g2.status === 404, 'dialpad.md B3', '404 after the delete', brief(g2));
    });
  }
  await j.check('PATCH a contact subscription without contact_type: 400 (required on PATCH too)', async () => {
    const c = await call('POST', '/subscriptions/contact', { endpoint_id: plain?.id, contact_type: 'local' });
    expect(c.status === 200, 'dialpad.md B3', '200', brief(c));
    const r = await call('PATCH', `/subscriptions/contact/${c.json.id}`, { enabled: false });
    await call('DELETE', `/subscriptions/contact/${c.json.id}`);
    expect(r.status === 400 && r.text.includes('contact_type'), 'dialpad.md B3 ("contact_type (local/shared; also required on PATCH)")', '400 naming contact_type', brief(r));
  });
  if (callSub) {
    await j.check('GET /subscriptions/call lists it', async () => {
      const r = await call('GET', '/subscriptions/call');
      expect(r.status === 200 && Array.isArray(r.json?.items) && r.json.items.some((s) => s.id === callSub.id), 'dialpad.md B3', 'items[] holding the subscription', brief(r));
    });
  }

  // --- B5/B6: the socket ------------------------------------------------------
  if (plain && callSub && smsSub) {
    await j.check('websocket-wide URL: raw JSON events of both subscriptions, calls only in the states asked for', async () => {
      const r = await call('GET', `/websockets/${plain.id}`);
      const [a, b] = await Promise.all([open(r.json.websocket_url), open(r.json.websocket_url)]);
      try {
        a.send('Hello World!');
        await waitFor(4000, () => {
          const kinds = a.texts().map(parse).map(kindOf);
          return kinds.includes('call') && kinds.includes('sms') && (!agentSub || kinds.includes('agent_status'));
        }, 'dialpad.md B6', 'call, SMS and agent status events', () => a.texts().slice(0, 3));
        const events = a.texts().map(parse);
        const notJSON = a.texts().filter((t) => parse(t) === undefined);
        expect(notJSON.length === 0, 'dialpad.md B5 (no secret: one text frame per event, the raw event JSON)', 'JSON frames', notJSON.slice(0, 2));
        for (const e of events.filter((x) => kindOf(x) === 'call')) {
          const p = callEventProblems(e);
          expect(p.length === 0, 'dialpad.md B6', 'call events with the B6 fields', { problems: p, event: e });
          expect(['ringing', 'connected', 'hangup'].includes(e.state), 'dialpad.md B3 / checklist 6 (filter on call_states)', 'only ringing, connected or hangup', e.state);
        }
        for (const e of events.filter((x) => kindOf(x) === 'sms')) {
          const p = smsEventProblems(e);
          expect(p.length === 0, 'dialpad.md B6 (SMS events [D])', 'SMS events with the documented fields', { problems: p, event: e });
        }
        for (const e of events.filter((x) => kindOf(x) === 'agent_status')) {
          const p = agentStatusProblems(e);
          expect(p.length === 0, 'dialpad.md B6 (agent status events [D])', 'agent status events with the documented fields', { problems: p, event: e });
        }
        const others = events.filter((e) => !['call', 'sms', 'agent_status'].includes(kindOf(e)));
        expect(others.length === 0, 'dialpad.md checklist 6 (only subscriptions on the websocket)', 'only call, SMS and agent status events', others.slice(0, 2));
        if (agentSub) expect(events.some((e) => kindOf(e) === 'agent_status'), 'dialpad.md B6', 'agent status events too (an agent_status subscription is on the websocket)', [...new Set(events.map(kindOf))]);
        expect(a.closeInfo === null, 'dialpad.md B5 (client frames are ignored)', 'still open after "Hello World!"', a.closeInfo);
        const common = b.texts().filter((t) => a.texts().includes(t));
        expect(common.length > 0, 'seed 004 ("Multiple clients can be connected to the same event subscription")', 'the second client receives the same events', { a: a.messages.length, b: b.messages.length });
      } finally {
        a.close();
        b.close();
      }
    });
    await j.check('numeric ids inside events are integers JavaScript holds exactly (below 2^53, as every documented id is)', async () => {
      const r = await call('GET', `/websockets/${plain.id}`);
      const c = await open(r.json.websocket_url);
      try {
        // Enough ids that one at or above 2^53 shows if the ids are drawn from all 16-digit numbers.
        await waitFor(4000, () => new Set(c.texts().map(parse).flatMap(numericIds)).size >= 40 || c.texts().map(parse).some((e) => unsafeIds(e).length),
          'dialpad.md B6', 'events with ids', () => c.messages.length);
        const unsafe = c.texts().map(parse).flatMap((e) => unsafeIds(e));
        // From the text itself: the ids at or above 2^53 that JSON.parse changes.
        const rounded = [...new Set(c.texts().flatMap((t) => [...t.matchAll(/"(\w*id)":(\d{16,})/g)]))]
          .filter((m) => BigInt(m[2]) >= 2n ** 53n && String(BigInt(Number(m[2]))) !== m[2]).map((m) => `${m[1]} ${m[2]} reads as ${BigInt(Number(m[2]))}`);
        unsafe.push(...rounded);
        expect(unsafe.length === 0, 'dialpad.md B4/B6 (16-digit datastore ids: 5071678191976448, 6491633571610624, 5635304278851584 — all below 2^53; Dialpad\'s own sample parses events with JSON.parse in a browser)',
          'ids below 2^53 = 9007199254740992, so JSON.parse keeps them exact', [...new Set(unsafe)].slice(0, 5));
      } finally {
        c.close();
      }
    });
    await j.check("the SMS subscription's own URL: its events only", async () => {
      const r = await call('GET', `/subscriptions/sms/${smsSub.id}`);
      expect(r.status === 200 && r.json?.websocket?.websocket_url, 'seed 004 ("GET … event subscription endpoint" refreshes)', '200 with websocket.websocket_url', brief(r));
      const c = await open(r.json.websocket.websocket_url);
      try {
        await waitFor(4000, () => c.messages.length >= 3, 'dialpad.md B4 (a subscription token covers that subscription only)', 'SMS events', () => c.texts());
        const kinds = new Set(c.texts().map(parse).map(kindOf));
        expect(kinds.size === 1 && kinds.has('sms'), 'dialpad.md B4', 'only SMS events', [...kinds]);
      } finally {
        c.close();
      }
    });
    await j.check('a call subscription with a target: only that target\'s calls', async () => {
      const r = await call('GET', `/websockets/${plain.id}`);
      const c = await open(r.json.websocket_url);
      let target;
      try {
        target = await waitFor(4000, () => c.texts().map(parse).find((e) => kindOf(e) === 'call' && e.target?.type && Number.isInteger(e.target.id))?.target,
          'dialpad.md B6', 'a call event with a target', () => c.messages.length);
      } finally {
        c.close();
      }
      const sub = await call('POST', '/subscriptions/call', { endpoint_id: plain.id, call_states: ['all'], target_type: target.type, target_id: target.id });
      expect(sub.status === 200, 'dialpad.md B3', '200', brief(sub));
      const d = await open(sub.json.websocket.websocket_url);
      try {
        await waitFor(5000, () => d.messages.length >= 2, 'dialpad.md B3', `calls of ${target.type} ${target.id}`, () => d.messages.length);
        // A leg belongs to a target through its own target, or the entry point or proxy it came through (B6: legs are linked).
        const is = (t) => t && t.type === target.type && t.id === target.id;
        const wrong = d.texts().map(parse).filter((e) => !is(e.target) && !is(e.entry_point_target) && !is(e.proxy_target));
        expect(wrong.length === 0, 'dialpad.md checklist 6 (filter on target_type/target_id)', `only calls of ${target.type} ${target.id} (as target, entry point or proxy)`,
          wrong.slice(0, 2).map((e) => ({ target: e.target, entry_point_target: e.entry_point_target, proxy_target: e.proxy_target })));
      } finally {
        d.close();
        await call('DELETE', `/subscriptions/call/${sub.json.id}`);
      }
    });
    if (inboundSms) {
      await j.check('an SMS subscription with direction inbound: inbound SMS only', async () => {
        const fresh = await call('GET', `/subscriptions/sms/${inboundSms.id}`);
        const c = await open(fresh.json.websocket.websocket_url);
        try {
          await waitFor(4500, () => c.messages.length >= 1, 'dialpad.md B3', 'an inbound SMS', () => c.messages.length);
          await sleep(500);
          // The websocket has a secret: frames are JWS.
          const events = c.texts().map((t) => decode(t)?.payload ?? parse(t));
          const wrong = events.filter((e) => kindOf(e) !== 'sms' || e.direction !== 'inbound');
          expect(wrong.length === 0, 'dialpad.md checklist 6 (filter on SMS direction)', 'only inbound SMS', wrong.slice(0, 2));
        } finally {
          c.close();
        }
      });
    }
    await j.check('PATCH enabled=false: the subscription gets nothing more', async () => {
      const s = await call('POST', '/subscriptions/call', { endpoint_id: plain.id, call_states: ['all'] });
      expect(s.status === 200, 'dialpad.md B3', '200', brief(s));
      const c = await open(s.json.websocket.websocket_url);
      try {
        await waitFor(4000, () => c.messages.length >= 2, 'dialpad.md B6', 'call events', () => c.messages.length);
        const p = await call('PATCH', `/subscriptions/call/${s.json.id}`, { enabled: false });
        expect(p.status === 200 && p.json?.enabled === false, 'dialpad.md B3', '200 with enabled false', brief(p));
        await sleep(200);
        const n = c.messages.length;
        await sleep(1000);
        expect(c.messages.length === n, 'dialpad.md checklist 6 (filter on enabled)', 'no event after disabling', c.texts().slice(n));
      } finally {
        c.close();
        await call('DELETE', `/subscriptions/call/${s.json.id}`);
      }
    });
  }

  if (signed) {
    await j.check('a websocket with a secret: every frame a compact HS256 JWS that verifies; after a PATCHed secret, frames fail the old secret', async () => {
      const s = await call('POST', '/subscriptions/call', { endpoint_id: signed.id, call_states: ['all'] });
      expect(s.status === 200, 'dialpad.md B3', '200', brief(s));
      const r = await call('GET', `/websockets/${signed.id}`);
      const c = await open(r.json.websocket_url);
      try {
        await waitFor(3000, () => c.messages.length >= 3, 'dialpad.md B5', 'signed frames', () => c.texts());
        for (const t of c.texts()) {
          const d = decode(t);
          expect(d && d.header.alg === 'HS256', 'dialpad.md B5 (a compact JWS, HS256)', 'a JWS', t.slice(0, 200));
          expect(verify(t, 'judge-secret-one'), 'dialpad.md B2 ("signed in the JWT format using the shared secret with the HS256 algorithm")', 'the signature verifies with the secret', t.slice(0, 200));
          const k = kindOf(d.payload);
          expect((k === 'call' && callEventProblems(d.payload).length === 0) || k === 'sms', 'dialpad.md B5/B6', 'the payload is the event JSON (a call, or an inbound SMS)', d.payload);
        }
        const p = await call('PATCH', `/websockets/${signed.id}`, { secret: 'judge-secret-two' });
        expect(p.status === 200 && p.json?.signature?.secret === 'judge-secret-two', 'dialpad.md B2 (PATCH UpdateWebsocket {secret})', '200 with the new secret', brief(p));
        const n = c.messages.length;
        await waitFor(3000, () => c.messages.length >= n + 3, 'dialpad.md B2', 'frames after the PATCH', () => c.messages.length - n);
        const after = c.texts(n + 1); // the first may have been signed before the PATCH took
        expect(after.every((t) => verify(t, 'judge-secret-two') && !verify(t, 'judge-secret-one')), 'dialpad.md checklist 7 ("A PATCHed secret applies to the next event")',
          'frames verify with the new secret and fail with the old', after.map((t) => ({ newOk: verify(t, 'judge-secret-two'), oldOk: verify(t, 'judge-secret-one') })));
      } finally {
        c.close();
      }
    }, 12000);
  }

  // --- B7: expiry -----------------------------------------------------------------
  if (plain) {
    await j.check(`the socket is cut at the token's exp (--token-lifetime ${LIFETIME}s), with no close frame`, async () => {
      const r = await call('GET', `/websockets/${plain.id}`);
      const exp = decode(r.json.websocket_url.split('/events/')[1]).payload.exp * 1000;
      const c = await open(r.json.websocket_url);
      const info = await c.closedWithin(exp - Date.now() + 3000);
      c.close();
      expect(info, 'seed 004 ("disconnected after 1 hour"); dialpad.md B7', 'closed at expiry', 'still open 3 s after exp');
      expect(info.at >= exp - 1000 && info.at <= exp + 2000, 'dialpad.md B7/checklist 9 (close at token exp)', `closed near exp ${new Date(exp).toISOString()}`, new Date(info.at).toISOString());
      expect(info.code === 1006, 'dialpad.md B7 ("Cloud Run … an abrupt close (1006)") and checklist 9 (default abrupt)', 'no close frame (1006)', info);
      // The same URL again, now expired: refused at the handshake.
      const again = await refusal(r.json.websocket_url);
      expect(again.status === 403, 'dialpad.md checklist 4 (reject expired tokens at the handshake; --refuse-status 403 here)', 'HTTP 403, no upgrade', again.upgraded ? 'upgraded' : again);
    }, LIFETIME * 1000 + 8000);
    await j.check('a token that is not one of the server\'s: refused at the handshake', async () => {
      const url = plain.websocket_url.replace(/\/events\/.*$/, '/events/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln');
      const r = await refusal(url);
      expect(r.status === 403, 'dialpad.md checklist 4', 'HTTP 403 (--refuse-status), no upgrade', r.upgraded ? 'upgraded' : r);
    });
    await j.check('PATCH /websockets/{id}, then DELETE returns the deleted websocket and GET is 404', async () => {
      const p = await call('PATCH', `/websockets/${plain.id}`, { secret: 'late-secret' });
      expect(p.status === 200 && p.json?.signature?.secret === 'late-secret', 'dialpad.md B2', '200 with the signature', brief(p));
      const d = await call('DELETE', `/websockets/${plain.id}`);
      expect(d.status === 200 && d.json?.id === plain.id, 'dialpad.md B2 ("the deleted WebsocketProto (not 204)")', `200 {"id":"${plain.id}",…}`, brief(d));
      const g = await call('GET', `/websockets/${plain.id}`);
      expect(g.status === 404, 'dialpad.md B2', '404', brief(g));
    });
  }

  // --- B2: rate limits, on a second emulator with --create-rate-limit 2 ---------
  let limitedWs;
  await j.check('POST /websockets over the create rate limit: 429', async () => {
    const url = `${limited.url}/api/v2/websockets`;
    const codes = [];
    for (let i = 0; i < 3; i++) {
      const r = await request('POST', url, { body: {}, headers: auth });
      codes.push(r.status);
      limitedWs ??= r.json?.id;
    }
    expect(codes[0] === 200 && codes[1] === 200 && codes[2] === 429, 'dialpad.md B2 (250/min; --create-rate-limit 2 here)', '200, 200, then 429', codes);
    const r = await request('GET', `${limited.url}/api/v2/websockets`, { headers: auth });
    expect(r.status === 200, 'dialpad.md B2 (other calls have their own 1200/min)', 'GET still 200', brief(r));
  });
  await j.check('subscription limits: 10 per type targeting the company, 100 per type', async () => {
    expect(limitedWs, 'dialpad.md B2', 'a websocket', limitedWs);
    const post = (body) => request('POST', `${limited.url}/api/v2/subscriptions/call`, { body: { endpoint_id: limitedWs, call_states: ['all'], ...body }, headers: auth });
    const wide = [];
    for (let i = 0; i < 11; i++) wide.push((await post({})).status);
    expect(wide.slice(0, 10).every((c) => c === 200) && wide[10] >= 400 && wide[10] < 500, 'dialpad.md B3 ("10 per type that target the company itself")', 'ten 200s, then a 4xx', wide);
    const targeted = [];
    for (let i = 0; i < 91; i++) targeted.push((await post({ target_type: 'user', target_id: 5000000000000000 + i })).status);
    expect(targeted.slice(0, 90).every((c) => c === 200) && targeted[90] >= 400 && targeted[90] < 500, 'dialpad.md B3 ("100 subscriptions per type per company")', '90 more 200s (100 in all), then a 4xx',
      { ok: targeted.filter((c) => c === 200).length, last: targeted[90] });
  }, 20000);
}

function parse(t) {
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}
