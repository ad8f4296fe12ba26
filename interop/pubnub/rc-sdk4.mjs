// @ringcentral/sdk 4.7.4 with @ringcentral/subscriptions 4.7.4 (the last
// PubNub major) against evtap's emulator: unmodified, with PubNub pointed
// at loopback through a subclass, as the README of the emulator shows
// (ringcentral-pubnub.md §2). Usage: node rc-sdk4.mjs --help

import { createRequire } from 'node:module';
import { configFromProcess } from './lib/emulator.mjs';
import { runRC } from './lib/rcscenario.mjs';

const require = createRequire(import.meta.url);
const cfg = configFromProcess('rc-sdk4.mjs');
const PubNub = require('pubnub'); // the copy @ringcentral/subscriptions uses (4.37.0)
const { SDK } = require('@ringcentral/sdk');
const { Subscriptions } = require('@ringcentral/subscriptions');

// The SDK builds PubNub itself ({ssl:true, restore:true, subscribeKey,
// useRandomIVs:false}, no origin): the subclass only adds the origin.
class LocalPubNub extends PubNub {
  constructor(c) {
    super({ ...c, origin: cfg.origin, ssl: false });
  }
}

const sdk = new SDK({ server: cfg.server, clientId: cfg.clientId, clientSecret: cfg.clientSecret });
const subscriptions = new Subscriptions({ sdk, PubNub: LocalPubNub });
const versions = ['@ringcentral/sdk', '@ringcentral/subscriptions', 'pubnub'].map((p) => `${p} ${require(`${p}/package.json`).version}`);
process.stdout.write(`rc-sdk4: ${versions.join(', ')}; emulator ${cfg.server}\n`);

const { watch } = await runRC({
  name: 'rc-sdk4',
  login: () => sdk.platform().login({ username: cfg.username, password: cfg.password }),
  refresh: () => sdk.platform().refresh(),
  createSubscription: (o) => subscriptions.createSubscription(o),
}, cfg);
process.stdout.write(`PASS rc-sdk4: ${versions.join(', ')}: ${watch.notes.length} notifications decrypted, ${watch.count('renewSuccess')} renewals by PUT, drop survived, stopped after a renew 404\n`);
process.exit(0);
