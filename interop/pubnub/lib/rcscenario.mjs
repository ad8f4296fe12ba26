// The check both PubNub-era RingCentral SDKs run (ringcentral 3.3.0, and
// @ringcentral/sdk + @ringcentral/subscriptions 4.7.4): log in, create a
// subscription over PubNub, receive decrypted notifications, renew by PUT
// while notifications flow, live through a dropped long-poll with nothing
// lost, and stop after a renew answers 404 — as they do against
// RingCentral. Each SDK script only says how its SDK is built.

import { Run, check, sleep, waitUntil } from '../../lib/run.mjs';
import { Emulator, PRESENCE, exactlyOnce } from './emulator.mjs';

/** POLL_MS is the SDKs' renew tick in these runs (theirs is 10 s). */
export const POLL_MS = 250;

/**
 * renewHandicapMs makes an SDK renew about 1.5 s after each create or
 * renewal: it renews once `now >= expirationTime - renewHandicapMs`
 * (§4), and the emulator grants lifetimeS.
 */
export const renewHandicapMs = (lifetimeS) => lifetimeS * 1000 - 1500;

/**
 * Watch records what an SDK subscription emits.
 */
export class Watch {
  constructor(sub) {
    this.notes = [];
    this.events = [];
    for (const name of Object.values(sub.events)) {
      sub.on(name, (x) => {
        if (name === sub.events.notification) this.notes.push(x);
        else this.events.push({ name, error: x instanceof Error ? x.message : undefined });
      });
    }
  }

  count(name) { return this.events.filter((e) => e.name === name).length; }
  uuids() { return this.notes.map((n) => n?.uuid); }
}

/**
 * runRC runs the check. adapter:
 *   name, versions
 *   login()                          password grant
 *   refresh()                        refresh grant
 *   createSubscription(options)      an SDK subscription (pollInterval, renewHandicapMs)
 */
export async function runRC(adapter, cfg, run = new Run(adapter.name)) {
  process.on('unhandledRejection', (e) => run.fail(`unhandled rejection inside the SDK: ${e?.stack ?? e}`));
  const emu = new Emulator(cfg);
  const counters = () => emu.pubnub();

  await run.step('log in (password grant, Basic auth) and refresh', 10_000, async () => {
    await adapter.login();
    await adapter.refresh();
  });

  const start = await counters(); // the emulator may have served others before
  const sub = adapter.createSubscription({ pollInterval: POLL_MS, renewHandicapMs: renewHandicapMs(cfg.lifetime) });
  const watch = new Watch(sub);
  const info = await run.step(`create the subscription (granted ${cfg.lifetime} s)`, 10_000, async () => {
    await sub.setEventFilters([PRESENCE]).register();
    const s = sub.subscription();
    check(sub.subscribed(), `SDK is not subscribed: ${JSON.stringify(s)}`);
    const life = (Date.parse(s.expirationTime) - Date.parse(s.creationTime)) / 1000;
    check(life >= 121 && life <= 900 && Math.abs(life - cfg.lifetime) < 1, `lifetime ${life} s, want ${cfg.lifetime} s (121-900)`);
    check(s.deliveryMode.encryptionKey && s.deliveryMode.encryption === true, 'a presence subscription must be encrypted');
    const c = await counters();
    check(c.created - start.created === 1, `emulator created ${c.created - start.created} subscriptions, want 1`);
    return { ...s };
  });
  const channel = info.deliveryMode.address;
  await waitUntil('the SDK\'s long-poll', 5_000, async () => (await counters()).service.held >= 1);

  await run.step('notifications arrive decrypted', 10_000, async () => {
    await emu.send(info.id, 3);
    await waitUntil('3 notifications', 8_000, () => watch.notes.length >= 3, () => JSON.stringify(watch.notes));
    for (const n of watch.notes) {
      check(n && n.subscriptionId === info.id && n.body?.extensionId, `notification is not a decrypted presence event: ${JSON.stringify(n)}`);
    }
    const problems = exactlyOnce(watch.uuids(), await emu.ledger(channel));
    check(problems.length === 0, problems.join('; '));
  });

  await run.step('renewed by PUT, same id and channel, notifications go on', 15_000, async () => {
    await waitUntil('two renewals', 10_000, () => watch.count('renewSuccess') >= 2, () => JSON.stringify(watch.events));
    const c = await counters();
    check(c.renewedByPut - start.renewedByPut >= 2 && c.created - start.created === 1,
      `emulator renewed ${c.renewed - start.renewed}, created ${c.created - start.created}: want PUTs, no new POST`);
    const s = sub.subscription();
    check(s.id === info.id && s.deliveryMode.address === channel && s.deliveryMode.subscriberKey === info.deliveryMode.subscriberKey &&
      s.deliveryMode.encryptionKey === info.deliveryMode.encryptionKey, `renewal changed the subscription: ${JSON.stringify(s)}`);
    check(Date.parse(s.expirationTime) > Date.parse(info.expirationTime), 'expirationTime did not move on');
    const n = watch.notes.length;
    await emu.send(info.id, 2);
    await waitUntil('2 more notifications', 5_000, () => watch.notes.length >= n + 2);
  });

  await run.step('dropped long-poll: PubNub reconnects and catches up, nothing lost', 20_000, async () => {
    const n = watch.notes.length;
    await emu.reset(1500);
    await emu.send(info.id, 3);
    await waitUntil('3 notifications made while down', 18_000, () => watch.notes.length >= n + 3, () => watch.notes.length - n);
    const problems = exactlyOnce(watch.uuids(), await emu.ledger(channel));
    check(problems.length === 0, problems.join('; '));
  });

  await run.step('renew answers 404 CMN-102: the SDK resets and stops for good', 15_000, async () => {
    const leaves = (await counters()).service.leaves;
    await emu.failRenew('CMN-102');
    await waitUntil('renewError', 5_000, () => watch.count('renewError') >= 1, () => JSON.stringify(watch.events));
    const err = watch.events.find((e) => e.name === 'renewError');
    check(/not found/i.test(err.error ?? ''), `renewError says ${JSON.stringify(err.error)}, want the emulator's message`);
    await waitUntil('automaticRenewError', 3_000, () => watch.count('automaticRenewError') >= 1, () => JSON.stringify(watch.events));
    await waitUntil('the SDK to forget the subscription', 3_000, () => !sub.subscribed());
    await waitUntil('a presence leave', 3_000, async () => (await counters()).service.leaves > leaves);
    const at = await counters();
    await sleep(1_500);
    const now = await counters();
    check(now.created === at.created && now.renewed === at.renewed, `the SDK went on after the 404: ${now.created - at.created} POST(s), ${now.renewed - at.renewed} renewal(s)`);
    check(now.service.subscribes === at.service.subscribes, `the SDK long-polled ${now.service.subscribes - at.service.subscribes} more time(s) after the 404`);
  });
  return { watch, sub };
}
