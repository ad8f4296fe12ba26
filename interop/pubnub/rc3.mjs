// ringcentral 3.3.0 (the legacy JavaScript SDK, on pubnub 4.37.0) against
// evtap's emulator. First the useRandomIVs trap as a fresh install meets
// it: with pubnub 4.37's defaults every encrypted notification arrives as
// null. Then, with useRandomIVs:false injected, the whole check of
// lib/rcscenario.mjs. Usage: node rc3.mjs --help

import { createRequire } from 'node:module';
import { Run, check, waitUntil } from '../lib/run.mjs';
import { Emulator, PRESENCE, configFromProcess } from './lib/emulator.mjs';
import { Watch, runRC } from './lib/rcscenario.mjs';

const require = createRequire(import.meta.url);
const cfg = configFromProcess('rc3.mjs');
const PubNub = require('pubnub'); // the copy ringcentral 3.3.0 uses (4.37.0)
const SDK = require('ringcentral');

// RC3 builds PubNub as {ssl:true, restore:true, subscribeKey,
// origin:'ringcentral.pubnubapi.com', keepAlive:true}: the subclasses
// change the origin, and the second also useRandomIVs.
class LocalPubNub extends PubNub {
  constructor(c) {
    super({ ...c, origin: cfg.origin, ssl: false });
  }
}
class FixedPubNub extends PubNub {
  constructor(c) {
    super({ ...c, origin: cfg.origin, ssl: false, useRandomIVs: false });
  }
}

const sdkWith = (PN) => new SDK({ server: cfg.server, appKey: cfg.clientId, appSecret: cfg.clientSecret, PubNub: PN });
const versions = ['ringcentral', 'pubnub'].map((p) => `${p} ${require(`${p}/package.json`).version}`);
process.stdout.write(`rc3: ${versions.join(', ')}; emulator ${cfg.server}\n`);

const run = new Run('rc3');
const emu = new Emulator(cfg);
await run.step('the useRandomIVs trap: with pubnub 4.37 defaults notifications arrive as null', 15_000, async () => {
  const sdk = sdkWith(LocalPubNub);
  await sdk.platform().login({ username: cfg.username, password: cfg.password });
  const sub = sdk.createSubscription();
  const watch = new Watch(sub);
  await sub.setEventFilters([PRESENCE]).register();
  const s = sub.subscription();
  await waitUntil('the SDK\'s long-poll', 5_000, async () => (await emu.pubnub()).service.held >= 1);
  await emu.send(s.id, 2);
  await waitUntil('2 notifications', 8_000, () => watch.notes.length >= 2);
  check(watch.notes.every((n) => n === null), `notifications decrypted despite useRandomIVs: ${JSON.stringify(watch.notes)}`);
  const ledger = await emu.ledger(s.deliveryMode.address);
  check(ledger.length === 2 && ledger.every((e) => e.deliveries === 1), `the emulator delivered ${JSON.stringify(ledger)}`);
  await sub.remove();
});

const sdk = sdkWith(FixedPubNub);
const { watch } = await runRC({
  name: 'rc3',
  login: () => sdk.platform().login({ username: cfg.username, password: cfg.password }),
  refresh: () => sdk.platform().refresh(),
  createSubscription: (o) => sdk.createSubscription(o),
}, cfg, run);
process.stdout.write(`PASS rc3: ${versions.join(', ')}: nulls with pubnub's defaults (useRandomIVs), then ${watch.notes.length} notifications decrypted, ${watch.count('renewSuccess')} renewals by PUT, drop survived, stopped after a renew 404\n`);
process.exit(0);
