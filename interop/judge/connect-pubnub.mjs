// Judges `evtap connect ringcentral --transport pubnub` against a
// RingCentral-PubNub-style server written from the documents alone
// (lib/rcpubnub-server.mjs: the platform and the PubNub origin on two
// listeners), run headless as a user would. From the server's ledger: evtap
// logs in, creates the subscription with PubNub delivery, long-polls the
// --pubnub-origin from a handshake along the tt cursor, prints every
// notification decrypted and exactly once across two dropped polls and a
// renewal by PUT, reports a gap after an outage longer than the 100-message
// queue holds (and none after the short drops), sends leave and DELETE on
// exit, keeps secrets off its output and exits 3 on bad credentials; it
// stops polling after a 403 and re-creates the subscription after a renew 404.
//
//   node connect-pubnub.mjs --evtap /path/to/evtap

import { evtapBin, main } from './lib/args.mjs';
import { Judge, expect, show, sleep, waitFor } from './lib/judge.mjs';
import { connect, requireHelp, tail } from './lib/proc.mjs';
import { httpFrames, jsonField, placeholderIn, placeholderProblems } from './lib/redaction.mjs';
import { PRESENCE, rcError, ttLess } from './lib/pubnub.mjs';
import { RcPubNubServer } from './lib/rcpubnub-server.mjs';

const CLIENT_ID = 'judge-rc-client-id';
const CLIENT_SECRET = 'judge-rc-client-secret-6b1f';
const JWT = 'judge.rc.jwt-credential-0c9e';

main(async () => {
  const bin = evtapBin('connect-pubnub.mjs');
  requireHelp(bin, ['connect', 'ringcentral'], ['--transport', '--pubnub-origin', '--server', '--client-id', '--client-secret', '--jwt']);
  const j = new Judge('connect-pubnub');
  await Promise.all([mainRun(j, bin), forbiddenRun(j, bin), renew404Run(j, bin), rotationRun(j, bin), badCredentials(j, bin)]);
  j.finish();
});

function server(opts = {}) {
  // Lifetimes of 121 s: the least a client accepts (§3.4), so evtap renews at
  // its first 10 s tick (§9.3). The long-poll is held 2 s (280 s at PubNub).
  return new RcPubNubServer({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, jwt: JWT, lifetimeS: 121, holdMs: 2000, rate: 10, ...opts }).start();
}

function run(bin, s, secret = CLIENT_SECRET) {
  return connect(bin, ['ringcentral', '--transport', 'pubnub', '--server', s.url, '--pubnub-origin', s.origin,
    '--client-id', CLIENT_ID, '--client-secret', secret, '--jwt', JWT, '--filter', PRESENCE]);
}

/** uuidOf finds the notification's uuid in a printed event. */
const uuidOf = (ev) => ev.body?.uuid ?? ev.body?.notification?.uuid ?? ev.id;

async function mainRun(j, bin) {
  const s = await server();
  const e = run(bin, s);
  const context = () => `evtap stderr:\n${tail(e.stderr)}\nlast updates:\n${e.updates.slice(-4).map(show).join('\n')}`;
  const marks = {};
  try {
    const sub = await j.check('logs in (JWT grant, Basic auth), creates the subscription with PubNub delivery, and long-polls the --pubnub-origin', async () => {
      await waitFor(8000, () => s.polls.some((p) => p.answered && !p.handshake), 'ringcentral-pubnub.md §9.1-9.5', 'a long-poll after the handshake',
        () => ({ logins: s.logins.length, rest: s.rest.map((r) => `${r.method} ${r.path} ${r.status}`), polls: s.polls.length, context: context() }));
      const l = s.logins.find((x) => x.status === 200);
      const form = new URLSearchParams(l.raw);
      expect(form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:jwt-bearer' && form.get('assertion') === JWT && /^basic /i.test(l.auth ?? ''),
        'ringcentral.md §1', 'POST /restapi/oauth/token, Basic auth, grant_type jwt-bearer with the assertion', { grant: form.get('grant_type'), basic: /^basic /i.test(l.auth ?? '') });
      const post = s.rest.find((r) => r.method === 'POST' && r.path === '/restapi/v1.0/subscription');
      expect(post && post.status === 200 && post.body.deliveryMode?.transportType === 'PubNub' && JSON.stringify(post.body.eventFilters) === JSON.stringify([PRESENCE]),
        'seed 003; ringcentral-pubnub.md §9.2', `{"eventFilters":["${PRESENCE}"],"deliveryMode":{"transportType":"PubNub"}}`, post?.raw);
      const first = s.polls[0];
      expect(first.handshake && s.polls.filter((p) => p.handshake).length === 1, 'ringcentral-pubnub.md §9.5 ("handshake with no tt")', 'one handshake, first', s.polls.slice(0, 3).map((p) => p.tt));
      expect(s.polls.every((p) => p.channels?.join() === post.reply.deliveryMode.address || p.down), 'seed 003 (address: the channel)', 'every poll on the subscription\'s channel', [...new Set(s.polls.map((p) => p.channels?.join()))]);
      return post.reply;
    }, 12000);
    if (!sub) return;

    // Two dropped polls: a TCP reset of the held poll; then a reset with the origin down 1.5 s.
    for (const [n, downMs] of [[1, 0], [2, 1500]]) {
      await sleep(2000);
      await waitFor(3000, () => s.held.size > 0, 'judge', 'a held poll', () => s.held.size).catch(() => {});
      marks[`drop${n}`] = { at: Date.now(), reset: downMs ? s.down(downMs) : s.resetPolls(), lastT: [...s.polls].reverse().find((p) => p.answered && p.status === 200)?.t };
      if (n === 1) {
        // A notification published twice (the same uuid, a new timetoken), as a publisher's retry would.
        const again = s.published.filter((p) => p.sub === sub.id && !p.repeat).at(-3);
        marks.repeat = s.publish(s.subs.get(sub.id), again.notification);
      }
    }
    await j.check('renews by PUT once within 120 s of expiry, on the same channel, without a new subscription or handshake', async () => {
      const renewed = await waitFor(16000, () => s.subs.get(sub.id).renewals[0], 'ringcentral-pubnub.md §9.3 ("a tick every 10 s; when now ≥ expirationTime − 120 s, PUT {eventFilters}")',
        'a renewal within ~10 s of the create (a 121 s lifetime)', () => ({ rest: s.rest.map((r) => `${r.method} ${r.path} ${r.status}`), context: context() }));
      const put = s.rest.find((r) => r.method === 'PUT' && r.path === `/restapi/v1.0/subscription/${sub.id}`);
      expect(renewed.how === 'PUT' && put && Array.isArray(put.body.eventFilters), 'ringcentral-pubnub.md §3.2/§9.3 (the SDKs renew by PUT {eventFilters})', 'PUT /subscription/{id} {"eventFilters":[…]}', put?.raw ?? renewed.how);
      marks.renewed = renewed.at;
      await waitFor(6000, () => s.polls.some((p) => p.at > renewed.at && p.status === 200), 'ringcentral-pubnub.md §9.3', 'a poll answered after the renewal', () => context());
      await sleep(300);
      expect(s.rest.filter((r) => r.method === 'POST' && r.path === '/restapi/v1.0/subscription').length === 1, 'ringcentral-pubnub.md §9.3 ("keep the long-poll when address is unchanged")', 'no second POST', s.rest.map((r) => `${r.method} ${r.path}`));
      expect(s.polls.some((p) => p.at > renewed.at && p.status === 200) && !s.polls.some((p) => p.at > renewed.at && p.handshake), 'ringcentral-pubnub.md §9.3', 'polls going on along the cursor after the renewal', s.polls.filter((p) => p.at > renewed.at).map((p) => p.tt));
    }, 20000);

    // An outage longer than the queue holds: the origin down 3 s, 150 notifications published meanwhile.
    await sleep(500);
    const burst = { at: Date.now() };
    s.down(3000);
    for (let i = 0; i < 150; i++) s.publish(s.subs.get(sub.id));
    burst.end = Date.now() + 3000;
    await waitFor(12000, () => s.polls.some((p) => p.at > burst.end && p.status === 200 && p.uuids.length > 0), 'judge', 'a poll answered after the outage', () => context()).catch(() => {});
    await sleep(1500);
    // Nothing more is published, and what was answered is read, before evtap is stopped.
    s.paused = true;
    await sleep(500);
    const stop = await e.stop();
    await sleep(300);

    await j.check('ends with exit status 0 on SIGINT, sending the presence leave and DELETE (204)', () => {
      expect(stop.code === 0, 'README (exit 0 on SIGINT)', 'exit status 0', { ...stop, context: context() });
      const del = s.rest.find((r) => r.method === 'DELETE' && r.path === `/restapi/v1.0/subscription/${sub.id}`);
      expect(del && del.status === 204, 'ringcentral-pubnub.md §9.9 ("then DELETE the subscription (expect 204)")', 'DELETE /subscription/{id}', s.rest.map((r) => `${r.method} ${r.path} ${r.status}`));
      expect(s.presence.some((p) => p.what === 'leave' && p.channel === sub.deliveryMode.address), 'ringcentral-pubnub.md §9.9 ("send the presence leave")', 'GET /v2/presence/…/leave', s.presence);
    });
    await j.check('follows the cursor: every poll sends the t of the answer before it (tr too), including after each drop', () => {
      const polls = s.polls.filter((p) => !p.down && p.channels);
      const wrong = [];
      let last;
      for (const p of polls) {
        if (p.handshake) {
          last = p;
          continue;
        }
        if (last && last.t !== undefined && (p.tt !== last.t || p.tr !== '12')) wrong.push({ at: new Date(p.at).toISOString(), sent: p.tt, tr: p.tr, want: last.t });
        if (p.status === 200 && p.answered) last = p;
      }
      expect(wrong.length === 0, 'ringcentral-pubnub.md §6.3/§9.5-9.6 ("loop with tt=<t.t>&tr=<t.r>"; "resume from the last tt")', 'tt = the previous answer\'s t.t, tr = its t.r', wrong.slice(0, 4));
      for (const n of [1, 2]) {
        const m = marks[`drop${n}`];
        const next = polls.find((p) => p.at > m.at && !p.reset);
        expect(m.reset > 0 && next && next.tt === m.lastT, 'ringcentral-pubnub.md §9.6 ("then resume from the last tt to catch up")', `drop ${n}: the next poll resumes from ${m.lastT}`, { reset: m.reset, next: next?.tt });
      }
    });

    const printed = e.events();
    const counts = new Map();
    for (const ev of printed) {
      const u = uuidOf(ev);
      if (!counts.has(u)) counts.set(u, { all: 0, unmarked: 0 });
      const c = counts.get(u);
      c.all++;
      if (!ev.duplicate) c.unmarked++;
    }
    const deliveries = s.polls.flatMap((p) => (p.status === 200 ? p.uuids : []));
    const delivered = new Set(deliveries);
    j.note(`${s.polls.length} polls, ${s.published.length} published, ${delivered.size} delivered, ${s.published.filter((p) => p.evicted && !delivered.has(p.uuid)).length} lost (out of the queue before a poll took them), ${printed.length} events printed, ${e.of('gap').length} gap(s)`);
    await j.check('every notification delivered is printed exactly once, decrypted, across two dropped polls and a renewal', () => {
      expect(delivered.size > 100, 'judge', 'a run with notifications', delivered.size);
      const wrong = [...delivered].filter((u) => counts.get(u)?.unmarked !== 1).map((u) => ({ uuid: u, printed: counts.get(u) ?? 0, published: s.published.find((p) => p.uuid === u)?.at }));
      const extra = [...counts.keys()].filter((u) => !delivered.has(u));
      expect(wrong.length === 0, 'issue 12 ("receives every notification exactly once across two dropped polls and one renewal")', 'each delivered notification printed once', { wrong: wrong.length, of: delivered.size, first: wrong.slice(0, 3) });
      expect(extra.length === 0, 'issue 12', 'nothing printed that was not delivered', extra.slice(0, 3));
      // What was published, stayed queued, and yet was never polled: skipped by the client (a new handshake loses the cursor).
      const lastPoll = Math.max(...s.polls.filter((p) => p.status === 200 && p.answered).map((p) => p.answered));
      const skipped = s.published.filter((p) => !p.evicted && !delivered.has(p.uuid) && p.at < lastPoll - 100);
      expect(skipped.length === 0, 'ringcentral-pubnub.md §6.4 ("resuming with an old tt returns what is still queued")', 'every notification still queued was polled', skipped.slice(0, 3).map((p) => ({ uuid: p.uuid, at: new Date(p.at).toISOString() })));
      const byUuid = new Map(s.published.map((p) => [p.uuid, p.notification]));
      const undecrypted = printed.filter((ev) => {
        const n = byUuid.get(uuidOf(ev));
        return !n || JSON.stringify(ev.body?.body ?? ev.body?.notification?.body) !== JSON.stringify(n.body);
      });
      expect(undecrypted.length === 0, 'ringcentral-pubnub.md §5.1/§9.8 (AES-128-ECB, PKCS#7)', 'each event shows the decrypted notification\'s body', undecrypted.slice(0, 2).map((ev) => ev.body));
      const verdicts = printed.filter((ev) => ev.seal && ev.seal.ok !== true);
      expect(verdicts.length === 0, 'issue 12 ("each message\'s decrypt status (ok / plain / failed and why)")', 'every decryption ok', verdicts.slice(0, 2).map((ev) => ev.seal));
    });
    await j.check('a notification published twice (the same uuid): one copy unmarked, the repeat marked duplicate or left out', () => {
      const copies = deliveries.filter((u) => u === marks.repeat.uuid).length;
      expect(copies === 2, 'judge', 'both copies delivered', copies);
      const flags = printed.filter((ev) => uuidOf(ev) === marks.repeat.uuid).map((ev) => Boolean(ev.duplicate));
      expect(flags.length >= 1 && flags[0] === false && flags.slice(1).every(Boolean) && flags.length <= 2, 'ringcentral-pubnub.md §9.6 ("Drop repeats by the notification\'s uuid")',
        'one unmarked copy (the repeat dropped, or shown marked D)', flags);
    });
    await j.check('no gap reported for the two short drops: the catch-up was complete', () => {
      const early = e.of('gap').filter((u) => u._at < burst.at);
      expect(early.length === 0, 'ringcentral-pubnub.md §9.6 ("report a possible gap when the cursor was away longer than 20 min or the catch-up returned 100 messages or more")', 'no gap before the long outage', early.map((u) => u.gap));
    });
    await j.check('a gap reported after the outage the 100-message queue could not hold', () => {
      const lost = s.published.filter((p) => p.evicted && p.at >= burst.at && !delivered.has(p.uuid));
      expect(lost.length > 0, 'judge', 'notifications dropped from the queue during the outage', lost.length);
      const late = e.of('gap').filter((u) => u._at >= burst.at);
      expect(late.length > 0, 'issue 12 ("beyond that the gap is reported, with how long the cursor was away")', 'a gap Update after the outage', { gaps: e.of('gap').map((u) => u.gap), lost: lost.length });
    });
    await j.check('the access token, the encryption key and the credentials never reach the output', () => {
      const out = e.updates.map((u) => JSON.stringify(u)).join('\n') + e.stderr;
      const secrets = [CLIENT_SECRET, JWT, sub.deliveryMode.encryptionKey, s.subKey, ...s.logins.filter((l) => l.reply?.access_token).map((l) => l.reply.access_token)];
      const leaks = secrets.filter((x) => out.includes(x));
      expect(leaks.length === 0, 'issue 12 ("encryptionKey, subscriber key, tokens never reach a recording or the screen unmasked")', 'none in stdout or stderr', leaks.map((x) => `${x.slice(0, 10)}…`));
    });
    await j.check('placeholders: the access token keeps one placeholder from the token answer to the bearer header; the client credentials and the sub key have their own', () => {
      const http = httpFrames(e.updates);
      const tokenReq = http.find((f) => f.dir === 'sent' && f.url?.endsWith('/restapi/oauth/token'));
      const tokenRes = http.find((f) => f.dir === 'recv' && f.url?.endsWith('/restapi/oauth/token') && f.status === 200);
      const create = http.find((f) => f.dir === 'sent' && f.method === 'POST' && f.url?.endsWith('/restapi/v1.0/subscription'));
      const poll = http.find((f) => f.dir === 'sent' && /\/v2\/subscribe\//.test(f.url ?? ''));
      const basic = placeholderIn(/Basic (\S+)/i.exec(tokenReq?.header?.Authorization ?? '')?.[1]);
      const issued = placeholderIn(jsonField(tokenRes ?? {}, 'access_token'));
      const presented = placeholderIn(/bearer (\S+)/i.exec(create?.header?.Authorization ?? '')?.[1]);
      const subKey = placeholderIn(/\/v2\/subscribe\/([^/]+)\//.exec(poll?.url ?? '')?.[1]);
      const problems = placeholderProblems([['the access token, issued and presented', issued, presented]],
        [['the client credentials and the access token', basic, presented], ['the sub key and the access token', subKey, presented], ['the sub key and the client credentials', subKey, basic]]);
      expect(problems.length === 0, 'docs/recording-format.md, Redaction ("the same secret gets the same placeholder in every line"; "derived from the value itself")',
        'one placeholder per secret', { problems, basic, issued, presented, subKey });
    });
  } finally {
    if (!e.exited) await e.stop();
    await s.stop();
  }
}

/** A 403 from PubNub's Access Manager: evtap says so and stops polling (§6.8, §9.7). */
async function forbiddenRun(j, bin) {
  const s = await server();
  const body = { message: 'Forbidden', payload: { channels: [] }, error: true, service: 'Access Manager', status: 403 };
  // The handshake succeeds; the next subscribe is refused.
  s.faults.subscribe.push(null);
  const e = run(bin, s);
  try {
    await j.check('a 403 on subscribe: shown as access denied, and polling stops', async () => {
      await waitFor(8000, () => s.polls.some((p) => p.handshake), 'ringcentral-pubnub.md §9.5', 'a handshake', () => tail(e.stderr));
      s.faults.subscribe.length = 0;
      s.faults.subscribe.push({ status: 403, body });
      await waitFor(6000, () => s.polls.some((p) => p.status === 403), 'judge', 'the 403 answered', () => s.polls.length);
      const at = s.polls.find((p) => p.status === 403).answered;
      await sleep(3000);
      const after = s.polls.filter((p) => p.at > at);
      expect(after.length === 0, 'ringcentral-pubnub.md §6.8/§9.7 ("4xx on subscribe: stop … Retry only on user action")', 'no poll after the 403', after.length);
      const said = e.updates.filter((u) => u._at >= at && /403|access denied|forbidden/i.test(JSON.stringify(u)));
      expect(said.length > 0, 'issue 12 ("403/400 from PubNub are shown as what they are (access denied, bad key)")', 'an Update naming the 403', e.updates.slice(-3));
    }, 20000);
  } finally {
    if (!e.exited) await e.stop();
    await s.stop();
  }
}

/** A renew answered 404: evtap re-creates the subscription and moves the poll (§9.4). */
async function renew404Run(j, bin) {
  // Times as "…+0000" here, which the SDKs read as well as "…Z" (§3.3).
  const s = await server({ offsetTimes: true });
  s.faults.renew.push({ status: 404, body: rcError('CMN-102', 'Resource for parameter [subscriptionId] is not found', 'subscriptionId') });
  const e = run(bin, s);
  try {
    await j.check('a renew answered 404: re-creates the subscription with a POST, moves the poll to the new channel, reports the possible gap', async () => {
      await waitFor(18000, () => s.rest.filter((r) => r.method === 'POST' && r.path === '/restapi/v1.0/subscription').length >= 2,
        'ringcentral-pubnub.md §9.4 ("unlike them, re-create the subscription with a POST")', 'a second POST after the 404', () => ({ rest: s.rest.map((r) => `${r.method} ${r.path} ${r.status}`), stderr: tail(e.stderr) }));
      const posts = s.rest.filter((r) => r.method === 'POST' && r.path === '/restapi/v1.0/subscription');
      const put = s.rest.find((r) => r.method === 'PUT');
      expect(put && put.at - posts[0].at > 7000 && put.at - posts[0].at < 13000, 'ringcentral-pubnub.md §3.3 (expirationTime "+0000" and "Z" both read), §9.3 (the 10 s tick)',
        'the renewal at the first tick, about 10 s after the create (a 121 s lifetime given as …+0000)', put ? `${put.at - posts[0].at} ms` : 'no PUT');
      const fresh = posts[1].reply;
      await waitFor(5000, () => s.polls.some((p) => p.channels?.join() === fresh.deliveryMode.address && p.status === 200 && p.uuids.length), 'ringcentral-pubnub.md §9.4 ("move the long-poll to it")',
        'notifications polled on the new channel', () => [...new Set(s.polls.map((p) => p.channels?.join()))]);
      await sleep(500);
      const moved = s.polls.find((p) => p.channels?.join() === fresh.deliveryMode.address).at;
      const old = s.polls.filter((p) => p.at > moved + 200 && p.channels?.join() === posts[0].reply.deliveryMode.address);
      expect(old.length === 0, 'ringcentral-pubnub.md §9.4', 'no poll on the old channel once moved', old.length);
      const onNew = new Set(s.polls.filter((p) => p.channels?.join() === fresh.deliveryMode.address && p.status === 200).flatMap((p) => p.uuids));
      const printed = () => new Set(e.events().map(uuidOf));
      await waitFor(2000, () => [...onNew].every((u) => printed().has(u)), 'ringcentral-pubnub.md §9.4', 'the new channel\'s notifications printed (decrypted with the new key)',
        () => ({ delivered: onNew.size, printed: [...onNew].filter((u) => printed().has(u)).length }));
      expect(e.of('gap').length > 0, 'ringcentral-pubnub.md §9.4 ("report the window in between as a possible gap")', 'a gap Update', e.of('gap'));
    }, 30000);
  } finally {
    if (!e.exited) await e.stop();
    await s.stop();
  }
}

/** A renewal that answers a new channel and a new key (§9.3, checklist 20): the poll moves, and decryption uses the new key. */
async function rotationRun(j, bin) {
  const s = await server({ rotateOnRenew: true });
  const e = run(bin, s);
  try {
    await j.check('a renewal with a new channel and a new key: the poll moves to the channel, and later notifications decrypt with the new key', async () => {
      const sub = await waitFor(8000, () => [...s.subs.values()][0], 'seed 003', 'a subscription', () => tail(e.stderr));
      const oldAddress = sub.address;
      const renewed = await waitFor(16000, () => sub.renewals[0], 'ringcentral-pubnub.md §9.3', 'a renewal', () => s.rest.map((r) => `${r.method} ${r.path} ${r.status}`));
      const after = renewed.at + 300;
      await waitFor(5000, () => s.polls.some((p) => p.channels?.join() === sub.address && p.status === 200 && p.uuids.length > 0),
        'ringcentral-pubnub.md §9.3 ("switch channels when it changes")', `notifications polled on the new channel ${sub.address}`, () => [...new Set(s.polls.filter((p) => p.at > renewed.at).map((p) => p.channels?.join()))]);
      await sleep(1000);
      const late = s.polls.filter((p) => p.at > after + 500 && p.channels?.join() === oldAddress);
      expect(late.length === 0, 'ringcentral-pubnub.md §9.3', 'no poll on the old channel once moved', late.length);
      const settled = Date.now() - 400;
      const fresh = s.published.filter((p) => p.at > after && p.channel === sub.address && s.polls.some((q) => q.answered < settled && q.uuids.includes(p.uuid)));
      const printed = new Map(e.events().map((ev) => [uuidOf(ev), ev]));
      const wrong = fresh.filter((p) => {
        const ev = printed.get(p.uuid);
        return !ev || JSON.stringify(ev.body?.body) !== JSON.stringify(p.notification.body) || (ev.seal && ev.seal.ok !== true);
      });
      expect(fresh.length > 0 && wrong.length === 0, 'ringcentral-pubnub.md §4 ("a key changed by a renew applies at once"), §5.1', 'every later notification printed, decrypted with the new key',
        { fresh: fresh.length, wrong: wrong.length, first: printed.get(wrong[0]?.uuid) ?? wrong[0]?.uuid });
    }, 30000);
  } finally {
    if (!e.exited) await e.stop();
    await s.stop();
  }
}

async function badCredentials(j, bin) {
  const s = await server();
  try {
    await j.check('a wrong client secret (401 invalid_client): exit status 3, the secret shown nowhere', async () => {
      const wrong = 'judge-wrong-client-secret-55aa';
      const e = run(bin, s, wrong);
      const x = await e.exitWithin(10000);
      if (!x) await e.stop();
      expect(x && x.code === 3, 'README (exit 3: rejected by the server: bad credentials)', 'exit status 3 within 10 s', x ?? `still running: ${tail(e.stderr)}`);
      const out = e.updates.map((u) => JSON.stringify(u)).join('\n') + e.stderr;
      expect(!out.includes(wrong), 'README (secrets never printed)', 'the secret nowhere', 'it is in the output');
      expect(s.polls.length === 0, 'judge', 'no poll', s.polls.length);
    }, 15000);
  } finally {
    await s.stop();
  }
}
