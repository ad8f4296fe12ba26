// Interop check of RingCentral Extensible (@rc-ex/core + @rc-ex/ws) against
// evtap's RingCentral emulator. Usage: node rc-ex.mjs --help
//
// What it checks is in lib/scenario.mjs; this file only says how this SDK
// logs in and subscribes, exactly as its README shows.

import RingCentral from '@rc-ex/core';
import WebSocketExtension from '@rc-ex/ws';
import { configFromProcess } from './lib/config.mjs';
import { runScenario } from './lib/scenario.mjs';
import { version } from './lib/versions.mjs';

const cfg = configFromProcess('rc-ex.mjs');
if (cfg.accessTokenTTL !== undefined) {
  // @rc-ex/core never refreshes by itself: an expired token would only
  // make the wstoken call fail, which says nothing about the emulator.
  process.stderr.write('rc-ex.mjs: --access-token-ttl is for rc-sdk.mjs only (@rc-ex/core does not refresh tokens by itself)\n');
  process.exit(2);
}
const rc = new RingCentral({ server: cfg.server, clientId: cfg.clientId, clientSecret: cfg.clientSecret });
let wse;

await runScenario({
  name: 'rc-ex',
  versions: { '@rc-ex/core': version('@rc-ex/core'), '@rc-ex/ws': version('@rc-ex/ws') },
  async login() {
    await rc.authorize({ jwt: cfg.jwt });
  },
  async subscribe(filters, onNotification) {
    wse = new WebSocketExtension();
    await rc.installExtension(wse);
    await wse.subscribe(filters, onNotification);
    return wse;
  },
  async close() {
    await rc.revoke(); // revokes the subscription (DELETE), closes the socket, stops recovery
  },
}, cfg);
process.exit(0);
