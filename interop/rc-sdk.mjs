// Interop check of the official JavaScript SDK (@ringcentral/sdk with
// @ringcentral/subscriptions, the current major, built on @rc-ex/ws)
// against evtap's RingCentral emulator. Usage: node rc-sdk.mjs --help
//
// What it checks is in lib/scenario.mjs; this file only says how this SDK
// logs in and subscribes, exactly as its README shows.

import { SDK } from '@ringcentral/sdk';
import { Subscriptions } from '@ringcentral/subscriptions';
import { configFromProcess } from './lib/config.mjs';
import { runScenario } from './lib/scenario.mjs';
import { version } from './lib/versions.mjs';

const cfg = configFromProcess('rc-sdk.mjs');
const sdk = new SDK({ server: cfg.server, clientId: cfg.clientId, clientSecret: cfg.clientSecret });
const platform = sdk.platform();
const subscriptions = new Subscriptions({ sdk });
let registered;

await runScenario({
  name: 'rc-sdk',
  versions: {
    '@ringcentral/sdk': version('@ringcentral/sdk'),
    '@ringcentral/subscriptions': version('@ringcentral/subscriptions'),
    '@rc-ex/ws (its dependency)': version('@rc-ex/ws', '@ringcentral/subscriptions'),
  },
  async login() {
    await platform.login({ jwt: cfg.jwt, access_token_ttl: cfg.accessTokenTTL });
  },
  async subscribe(filters, onNotification) {
    const subscription = subscriptions.createSubscription();
    subscription.on(subscription.events.notification, onNotification);
    registered = await subscription.setEventFilters(filters).register();
    // register() returns @rc-ex/ws's Subscription; its wse is the
    // WebSocketExtension that owns the socket and the recovery loop.
    return registered.wse;
  },
  async close() {
    await registered.wse.revoke(); // DELETE the subscription, close the socket, stop recovery
    await platform.logout();
  },
}, cfg);
process.exit(0);
