// The one check both SDK scripts run: log in, subscribe, receive, survive a
// dropped connection by recovering the session, survive a forgotten session
// by resubscribing. Each SDK script only says how its SDK logs in and
// subscribes (an adapter); everything checked is here, so both SDKs are
// held to the same standard.

import { Control } from './control.mjs';
import { Run, StepError, check, waitUntil } from './run.mjs';
import { Wire } from './wire.mjs';

/** The filters issue 5 names: instant SMS and voicemail. */
export const FILTERS = [
  '/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS',
  '/restapi/v1.0/account/~/extension/~/voicemail',
];

// Deadlines. @rc-ex/ws notices a closed socket by polling every 2-8 s
// (checkInterval, WSX 45-51), so recovery gets 20 s; everything else is
// a local round trip.
const LOGIN_MS = 10_000;
const SUBSCRIBE_MS = 35_000; // register() itself waits up to 30 s for the socket
const RECOVER_MS = 20_000;
const DELIVER_MS = 10_000;

/**
 * Adapter is what an SDK script supplies:
 *   name      label for output
 *   versions  {package: version} actually loaded
 *   login()   log in with the JWT
 *   subscribe(filters, onNotification) -> the @rc-ex/ws WebSocketExtension
 *             holding the subscription (both SDKs are built on it)
 *   close()   revoke and stop every timer
 */
export async function runScenario(adapter, cfg) {
  const run = new Run(adapter.name);
  process.on('unhandledRejection', (e) => run.fail(`unhandled rejection inside the SDK: ${e?.stack ?? e}`));
  process.stdout.write(`${adapter.name}: ${Object.entries(adapter.versions).map(([p, v]) => `${p} ${v}`).join(', ')}\n`);
  process.stdout.write(`${adapter.name}: emulator ${cfg.server}, control ${cfg.control}\n`);

  const control = new Control(cfg.control);
  const inbox = new Inbox();
  const wire = new Wire();
  const recoveries = [];
  const start = await run.step('control API answers', 5_000, () => control.counters());

  await run.step('log in with the JWT grant', LOGIN_MS, () => adapter.login());

  const wse = await run.step('subscribe over WebSocket to SMS and voicemail', SUBSCRIBE_MS,
    () => adapter.subscribe(FILTERS, (n) => inbox.add(n)));
  wire.attach(wse);
  for (const state of ['autoRecoverSuccess', 'autoRecoverFailed', 'autoRecoverError']) {
    wse.eventEmitter.on(state, (x) => recoveries.push({
      state,
      recoveryState: wse.connectionDetails?.recoveryState,
      code: wse.connectionDetails?.recoveryErrorCode,
      error: state === 'autoRecoverError' ? String(x?.message ?? x) : undefined,
    }));
  }
  const subId = () => wse.subscription?.subscriptionInfo?.id;
  const sub1 = subId();
  const events = await run.step('emulator holds the subscription, filters expanded', 5_000, async () => {
    check(typeof sub1 === 'string' && sub1 !== '', `SDK has no subscription id (subscriptionInfo ${JSON.stringify(wse.subscription?.subscriptionInfo)})`);
    const sess = await waitUntil(`a session with subscription ${sub1}`, 3_000, () => control.sessionOf(sub1));
    return expandedEvents(sess.eventFilters);
  });

  // Live notifications: bodies we chose must arrive exactly as given, and
  // generated ones must arrive at all, for the right subscription.
  let sess1 = await control.sessionOf(sub1);
  await run.step('live notifications arrive with the bodies the emulator sent', DELIVER_MS, async () => {
    const sent = await injectBoth(control, sess1.id, events, 'live', sub1);
    await control.send(sess1.id, 'sms', 2);
    await control.send(sess1.id, 'voicemail', 2);
    await inbox.expect(sent, sub1);
    await inbox.expectAll(control, sub1);
  });

  // Drop: the SDK must recover its session with wsc and get what it missed.
  sess1 = await control.sessionOf(sub1);
  const before = await control.counters();
  const postsBefore = wire.posts;
  let awayWhileDown = false;
  let sentAway;
  await run.step('drop without close handshake: SDK recovers (Successful), no new POST', RECOVER_MS, async () => {
    await control.drop(sess1.conn);
    sentAway = await injectBoth(control, sess1.id, events, 'while-dropped', sub1);
    awayWhileDown = !(await control.sessionOf(sub1))?.conn;
    const r = await waitUntil('the SDK to finish a recovery', RECOVER_MS - 1_000,
      () => recoveries.find((x) => x.state !== 'autoRecoverError'),
      () => JSON.stringify(recoveries));
    check(r.state === 'autoRecoverSuccess' && r.recoveryState === 'Successful',
      `recovery ended ${JSON.stringify(r)}, want autoRecoverSuccess with recoveryState Successful`);
    check(subId() === sub1, `subscription id changed from ${sub1} to ${subId()} after a Successful recovery`);
    check(wire.posts === postsBefore, `SDK sent ${wire.posts - postsBefore} subscription POST(s) after a Successful recovery, want 0`);
    const after = await control.counters();
    check(after.recoveries.successful === before.recoveries.successful + 1,
      `emulator counted ${after.recoveries.successful - before.recoveries.successful} successful recoveries, want 1`);
  });
  await run.step('notifications made while dropped arrive once, in order, same subscription', DELIVER_MS, async () => {
    await inbox.expect(sentAway, sub1);
  });

  // Account for every notification of the first session before it is
  // forgotten: pause generation, then what the emulator made must equal
  // what the SDK delivered, with no sequence repeated or skipped.
  const paused = start.paused;
  if (!paused) {
    await control.pause();
    run.onFail(() => control.resume());
  }
  await run.step('nothing lost, nothing duplicated across the recovery', DELIVER_MS, async () => {
    const n = await inbox.expectAll(control, sub1);
    const gaps = wire.sequenceProblems();
    check(gaps.length === 0, `wsc sequences seen by the SDK are not contiguous: ${gaps.join(', ')}`);
    return n;
  });

  // Forget: recovery fails; the SDK must POST a new subscription and go on.
  const before2 = await control.counters();
  const postsBefore2 = wire.posts;
  const recoveriesBefore = recoveries.length;
  let sub2;
  await run.step('forget the session: recovery Failed, SDK POSTs a new subscription', RECOVER_MS, async () => {
    await control.forget(sess1.id);
    const r = await waitUntil('the SDK to finish a recovery', RECOVER_MS - 1_000,
      () => recoveries.slice(recoveriesBefore).find((x) => x.state !== 'autoRecoverError'),
      () => JSON.stringify(recoveries.slice(recoveriesBefore)));
    check(r.state === 'autoRecoverFailed' && r.recoveryState === 'Failed',
      `recovery ended ${JSON.stringify(r)}, want autoRecoverFailed with recoveryState Failed`);
    check(typeof r.code === 'string' && r.code.startsWith('WSG-'), `Failed ConnectionDetails has recoveryErrorCode ${JSON.stringify(r.code)}, want a WSG code`);
    sub2 = subId();
    check(sub2 && sub2 !== sub1, `subscription id is ${sub2} after a Failed recovery, want a new one`);
    check(wire.posts === postsBefore2 + 1, `SDK sent ${wire.posts - postsBefore2} subscription POST(s) after a Failed recovery, want 1`);
    const after = await control.counters();
    check(after.recoveries.failed === before2.recoveries.failed + 1,
      `emulator counted ${after.recoveries.failed - before2.recoveries.failed} failed recoveries, want 1`);
  });
  await run.step('notifications flow on the new subscription', DELIVER_MS, async () => {
    const sess2 = await waitUntil(`a session with subscription ${sub2}`, 3_000, () => control.sessionOf(sub2));
    const sent = await injectBoth(control, sess2.id, events, 'resubscribed', sub2);
    await control.send(sess2.id, 'sms', 1);
    await control.send(sess2.id, 'voicemail', 1);
    await inbox.expect(sent, sub2);
    await inbox.expectAll(control, sub2);
    check(inbox.count(sub1) === inbox.countAt(sub1), 'notifications for the forgotten subscription arrived after it was replaced');
  });

  // With short access tokens the SDK must have refreshed on its own, and
  // recovery must still have worked across the refresh.
  const end = await control.counters();
  const tokens = end.tokensIssued - start.tokensIssued;
  const wsTokens = end.wsTokens - start.wsTokens;
  if (cfg.accessTokenTTL !== undefined) {
    await run.step(`SDK refreshed its ${cfg.accessTokenTTL} s access token by itself`, 1_000, async () => {
      check(tokens >= 2, `emulator issued ${tokens} access token(s), want the login and at least one refresh`);
    });
  }

  await run.step('revoke and close', 10_000, async () => {
    if (!paused) await control.resume();
    await adapter.close();
  });
  check(inbox.problems.length === 0, inbox.problems.join('; '));
  const recovered = awayWhileDown ? 'buffered while the socket was down' : 'injected as the SDK was already reconnecting';
  process.stdout.write(`PASS ${adapter.name}: ${run.passed.length} steps; ${inbox.total} notifications received, ` +
    `${inbox.matched} chosen bodies matched exactly (${sentAway.length} ${recovered}); ` +
    `recovery Successful kept subscription ${short(sub1)}, Failed led to new subscription ${short(sub2)}; ` +
    `${tokens} access token(s) and ${wsTokens} ws token(s) issued\n`);
}

function short(id) {
  return id ? `${id.slice(0, 8)}…` : String(id);
}

// expandedEvents picks, from the session's filters as the emulator keeps
// them (~ expanded to ids), the concrete event paths of SMS and voicemail.
function expandedEvents(filters) {
  check(Array.isArray(filters) && filters.length === FILTERS.length,
    `emulator session has filters ${JSON.stringify(filters)}, want ${FILTERS.length}`);
  const want = FILTERS.map((f) => new RegExp(`^${f.replace(/[.?]/g, '\\$&').replace(/~/g, '[0-9]+')}$`));
  const [sms, voicemail] = want.map((re) => filters.find((f) => re.test(f)));
  check(sms && voicemail, `emulator session filters ${JSON.stringify(filters)} are not ${JSON.stringify(FILTERS)} with ~ expanded`);
  return { sms, voicemail };
}

let serial = 0;

// injectBoth makes the emulator deliver one SMS and one voicemail whose
// bodies we chose, and returns what was asked, to compare on arrival.
async function injectBoth(control, session, events, phase, subscriptionId) {
  const sent = [
    { event: events.sms, body: smsBody(phase, ++serial) },
    { event: events.voicemail, body: voicemailBody(phase, ++serial) },
    { event: events.sms, body: smsBody(phase, ++serial) },
  ];
  for (const n of sent) {
    await control.inject(session, n.event, n.body);
    n.subscriptionId = subscriptionId;
  }
  return sent;
}

function smsBody(phase, n) {
  return {
    id: `evtap-interop-${n}`, type: 'SMS', direction: 'Inbound', subject: `interop ${phase} #${n}: héllo ✓`,
    from: { phoneNumber: '+16505550123', name: 'Interop' }, to: [{ phoneNumber: '+16505550100', target: true }],
    readStatus: 'Unread', priority: 'Normal', availability: 'Alive', messageStatus: 'Received',
    attachments: [{ id: `${n}`, type: 'Text', contentType: 'text/plain' }],
  };
}

function voicemailBody(phase, n) {
  return {
    id: `evtap-interop-${n}`, type: 'VoiceMail', direction: 'Inbound', subject: `interop ${phase} #${n}`,
    from: { phoneNumber: '+16505550124' }, to: [{ phoneNumber: '+16505550100' }],
    readStatus: 'Unread', availability: 'Alive', messageStatus: 'Received', vmTranscriptionStatus: 'NotAvailable',
    attachments: [{ id: `${n}`, type: 'AudioRecording', contentType: 'audio/mpeg', vmDuration: 7 }],
  };
}

// Inbox keeps what the SDK's notification callback delivered, and notes
// at once anything no correct emulator would send: a repeated uuid, a
// notification without the envelope fields, an unknown subscription.
class Inbox {
  constructor() {
    this.all = [];
    this.uuids = new Set();
    this.problems = [];
    this.matched = 0;
    this.snap = new Map();
  }

  get total() { return this.all.length; }

  add(n) {
    if (typeof n?.uuid !== 'string' || typeof n.event !== 'string' || typeof n.subscriptionId !== 'string' || n.body === undefined) {
      this.problems.push(`notification without uuid/event/subscriptionId/body: ${JSON.stringify(n).slice(0, 200)}`);
      return;
    }
    if (this.uuids.has(n.uuid)) this.problems.push(`notification ${n.uuid} delivered twice`);
    this.uuids.add(n.uuid);
    this.all.push(n);
  }

  count(subscriptionId) {
    return this.all.filter((n) => n.subscriptionId === subscriptionId).length;
  }

  countAt(subscriptionId) {
    return this.snap.get(subscriptionId) ?? this.count(subscriptionId);
  }

  #healthy() {
    if (this.problems.length > 0) throw new StepError(this.problems.join('; '));
  }

  // expect waits for each notification in sent (matched by the body id we
  // chose) and checks that event, subscription and body are exactly what
  // was injected, and that they came in the order they were sent.
  async expect(sent, subscriptionId) {
    const ids = sent.map((s) => s.body.id);
    const got = await waitUntil(`notifications ${ids.join(', ')}`, DELIVER_MS - 1_000, () => {
      this.#healthy();
      const found = ids.map((id) => this.all.filter((n) => n.body?.id === id));
      return found.every((f) => f.length > 0) ? found : null;
    }, () => `received ${this.all.filter((n) => ids.includes(n.body?.id)).map((n) => n.body.id).join(', ') || 'none of them'}`);
    let lastIndex = -1;
    sent.forEach((s, i) => {
      check(got[i].length === 1, `notification ${s.body.id} arrived ${got[i].length} times`);
      const n = got[i][0];
      check(n.event === s.event, `notification ${s.body.id} has event ${n.event}, want ${s.event}`);
      check(n.subscriptionId === subscriptionId, `notification ${s.body.id} has subscriptionId ${n.subscriptionId}, want ${subscriptionId}`);
      check(canonical(n.body) === canonical(s.body), `notification ${s.body.id} body differs:\n  got  ${canonical(n.body)}\n  want ${canonical(s.body)}`);
      const at = this.all.indexOf(n);
      check(at > lastIndex, `notification ${s.body.id} arrived before one injected earlier`);
      lastIndex = at;
      this.matched++;
    });
  }

  // expectAll waits until the SDK has delivered, for this subscription, as
  // many notifications as the emulator says it generated for the session
  // (so generated ones are not lost), and checks each one's event is one
  // of the session's filters.
  async expectAll(control, subscriptionId) {
    let sess;
    const n = await waitUntil(`every notification the emulator made for subscription ${short(subscriptionId)}`, DELIVER_MS - 1_000, async () => {
      this.#healthy();
      // Count first: the emulator's number, read after, can only be larger.
      const have = this.count(subscriptionId);
      sess = await control.sessionOf(subscriptionId);
      check(sess, `emulator has no session with subscription ${subscriptionId}`);
      check(have <= sess.generated, `SDK delivered ${have} notifications for ${subscriptionId}, emulator generated only ${sess.generated}`);
      return have === sess.generated ? have : 0;
    }, () => `SDK delivered ${this.count(subscriptionId)}, emulator generated ${sess?.generated}`);
    for (const x of this.all.filter((x) => x.subscriptionId === subscriptionId)) {
      check(sess.eventFilters.includes(x.event), `notification ${x.uuid} has event ${x.event}, not one of the subscription's filters`);
    }
    this.snap.set(subscriptionId, n);
    return n;
  }
}

/**
 * canonical is JSON with object keys sorted, so two bodies compare equal
 * whatever order the emulator wrote their keys in.
 */
export function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
