// A plain PubNub client (pubnub 4.37.0, 7.6.3, 8.10.0 with or without its
// event engine, or 12.0.3), unmodified and pointed at the emulator only
// through its options, subscribes to the channel of a RingCentral
// subscription, receives and decrypts notifications, lives through a
// dropped connection, and stops on a 403 — each as its own retry
// behaviour allows. Usage: node plain.mjs --help

import { createRequire } from 'node:module';
import { Run, check, sleep, waitUntil } from '../lib/run.mjs';
import { Emulator, PRESENCE, RC_DECRYPT, configFromProcess, decryptNode, exactlyOnce } from './lib/emulator.mjs';

const require = createRequire(import.meta.url);
const cfg = configFromProcess('plain.mjs');

// How each client is made and what it does on failures
// (ringcentral-pubnub.md §2, §6.8).
const clients = {
  pubnub4: { pkg: 'pubnub', id: 'uuid', recovers: true, denied: 'PNAccessDeniedCategory' },
  pubnub7: { pkg: 'pubnub7', id: 'userId', recovers: true, denied: 'PNAccessDeniedCategory' },
  pubnub8: { pkg: 'pubnub8', id: 'userId', recovers: true, denied: 'PNAccessDeniedCategory' },
  'pubnub8-ee': { pkg: 'pubnub8', id: 'userId', ee: true, recovers: false, denied: 'PNDisconnectedUnexpectedlyCategory' },
  pubnub12: { pkg: 'pubnub12', id: 'userId', recovers: true, denied: 'PNDisconnectedUnexpectedlyCategory' },
};
const kind = clients[cfg.client];
if (!kind) {
  process.stderr.write(`plain.mjs: --client must be one of ${Object.keys(clients).join(', ')}\n`);
  process.exit(2);
}
const PubNub = require(kind.pkg);
const version = require(`${kind.pkg}/package.json`).version;
// The RingCentral SDKs' decryption: pubnub 4.37's decrypt with their
// options. Later majors' decrypt takes no options (and 12's default is
// another cipher), so every client's messages go through this one.
const PubNub4 = require('pubnub');
const decryptor = new PubNub4({ subscribeKey: 'unused', useRandomIVs: false });

const run = new Run(cfg.client);
process.on('unhandledRejection', (e) => run.fail(`unhandled rejection: ${e?.stack ?? e}`));
process.stdout.write(`${cfg.client}: pubnub ${version}${kind.ee ? ' with enableEventEngine' : ''}, emulator ${cfg.server}\n`);

const emu = new Emulator(cfg);
const sub = await run.step('a RingCentral subscription gives the channel, the subscribe key and the key', 5_000, async () => {
  await emu.login();
  const s = await emu.subscribe([PRESENCE]);
  check(s.deliveryMode?.encryptionKey, `presence subscription has no encryptionKey: ${JSON.stringify(s.deliveryMode)}`);
  return s;
});
const channel = sub.deliveryMode.address;
const key = sub.deliveryMode.encryptionKey;

const messages = []; // {uuid, timetoken}
const statuses = [];
const pubnub = new PubNub({
  subscribeKey: sub.deliveryMode.subscriberKey,
  origin: cfg.origin,
  ssl: false,
  [kind.id]: `evtap-interop-${cfg.client}`,
  ...(kind.ee ? { enableEventEngine: true } : {}),
});
pubnub.addListener({
  status: (s) => statuses.push(s.category),
  message: (m) => {
    const viaSDK = decryptor.decrypt(m.message, key, RC_DECRYPT);
    const viaNode = decryptNode(m.message, key);
    if (JSON.stringify(viaSDK) !== JSON.stringify(viaNode)) {
      run.fail(`pubnub.decrypt and Node's aes-128-ecb disagree on ${m.timetoken}: ${JSON.stringify(viaSDK)} vs ${JSON.stringify(viaNode)}`);
    }
    if (m.channel !== channel) run.fail(`message on channel ${m.channel}, want ${channel}`);
    messages.push({ uuid: viaSDK?.uuid, timetoken: String(m.timetoken), n: viaSDK });
  },
});
const received = () => messages.map((m) => m.uuid);
const service = async () => (await emu.pubnub()).service;

await run.step('subscribe: handshake, then a long-poll held on the channel', 10_000, async () => {
  pubnub.subscribe({ channels: [channel] });
  await waitUntil('PNConnectedCategory', 8_000, () => statuses.includes('PNConnectedCategory'), () => statuses.join());
  await waitUntil('a held long-poll', 8_000, async () => (await service()).held >= 1);
});

await run.step('notifications arrive decrypted, exactly the ones published', 10_000, async () => {
  await emu.send(sub.id, 3);
  await waitUntil('3 messages', 8_000, () => messages.length >= 3, () => messages.length);
  for (const m of messages) {
    check(m.n && m.n.subscriptionId === sub.id && m.n.event?.includes('/presence') && m.n.body?.extensionId,
      `decrypted notification is not the subscription's presence event: ${JSON.stringify(m.n)}`);
  }
  const problems = exactlyOnce(received(), await emu.ledger(channel));
  check(problems.length === 0, problems.join('; '));
});

// A TCP reset of the held poll, and 1.5 s during which every PubNub
// request is reset, with three notifications published meanwhile.
const before = await service();
const statusesBefore = statuses.length;
await emu.reset(1500);
await emu.send(sub.id, 3);
if (kind.recovers) {
  await run.step('dropped connection: the client comes back and catches up, nothing lost', 20_000, async () => {
    await waitUntil('6 messages', 18_000, () => messages.length >= 6, () => `${messages.length} messages; statuses ${statuses.slice(statusesBefore).join()}`);
    const problems = exactlyOnce(received(), await emu.ledger(channel));
    check(problems.length === 0, problems.join('; '));
  });
  process.stdout.write(`     statuses during the outage: ${statuses.slice(statusesBefore).join(', ') || '(none)'}\n`);
} else {
  await run.step('dropped connection: the event engine reports it and does not retry', 12_000, async () => {
    await waitUntil('PNDisconnectedUnexpectedlyCategory', 8_000, () => statuses.slice(statusesBefore).includes('PNDisconnectedUnexpectedlyCategory'),
      () => statuses.slice(statusesBefore).join());
    const at = (await service()).subscribes;
    await sleep(2_500); // past the outage: a client that retries would be back by now
    const now = await service();
    check(now.subscribes === at, `the client sent ${now.subscribes - at} subscribe(s) after reporting the disconnect, want none`);
    check(messages.length === 3, `${messages.length - 3} message(s) arrived without a reconnect`);
  });
  await run.step('the app calls reconnect(): it resumes from its timetoken and catches up', 10_000, async () => {
    pubnub.reconnect();
    await waitUntil('6 messages', 8_000, () => messages.length >= 6, () => `${messages.length} messages; statuses ${statuses.slice(statusesBefore).join()}`);
    const problems = exactlyOnce(received(), await emu.ledger(channel));
    check(problems.length === 0, problems.join('; '));
  });
}
const after = await service();
process.stdout.write(`     emulator: ${after.reset - before.reset} request(s) reset, ${after.timeRequests - before.timeRequests} /time/0, ${after.subscribes - before.subscribes} subscribe(s)\n`);

await run.step('subscribe answers 403: the client reports it and stops for good', 15_000, async () => {
  await waitUntil('a held long-poll', 5_000, async () => (await service()).held >= 1);
  const from = statuses.length;
  await emu.refuseSubscribe(403);
  run.onFail(() => emu.refuseSubscribe(0)); // leave an emulator run by hand usable
  await emu.send(sub.id, 1); // answers the held poll; the next one meets the 403
  await waitUntil(kind.denied, 8_000, () => statuses.slice(from).includes(kind.denied), () => statuses.slice(from).join());
  const refused = (await service()).refused['403'];
  await sleep(2_500);
  const s = await service();
  check(s.refused['403'] === refused, `the client asked again after the 403 (${s.refused['403'] - refused} more refused)`);
  await emu.refuseSubscribe(0);
  const n = messages.length;
  await emu.send(sub.id, 1);
  await sleep(1_000);
  check(messages.length === n, 'a notification arrived after the 403: the loop did not stop');
  process.stdout.write(`     status on 403: ${statuses.slice(from).join(', ')}\n`);
});

if (cfg.client === 'pubnub8') {
  // §6.7: PN8 classifies errors by Content-Type. Without it, the same 403
  // is a bad request with no error data.
  await run.step('403 without Content-Type: pubnub 8 reports PNBadRequestCategory, errorData {}', 10_000, async () => {
    await emu.omitContentType(true);
    await emu.refuseSubscribe(403);
    run.onFail(() => emu.refuseSubscribe(0));
    run.onFail(() => emu.omitContentType(false));
    const seen = [];
    const other = new PubNub({ subscribeKey: sub.deliveryMode.subscriberKey, origin: cfg.origin, ssl: false, userId: 'evtap-interop-ct' });
    other.addListener({ status: (s) => seen.push(s) });
    other.subscribe({ channels: [channel] });
    const s = await waitUntil('a status', 8_000, () => seen[0]);
    check(s.category === 'PNBadRequestCategory' && JSON.stringify(s.errorData) === '{}',
      `status ${s.category} with errorData ${JSON.stringify(s.errorData)}, want PNBadRequestCategory with {}`);
    other.destroy?.();
    await emu.omitContentType(false);
    await emu.refuseSubscribe(0);
  });
}

pubnub.stop?.();
pubnub.destroy?.();
process.stdout.write(`PASS ${cfg.client}: pubnub ${version}: ${messages.length} notifications decrypted, nothing lost or repeated across the drop, stopped on 403\n`);
process.exit(0);
