// The emulator as the PubNub scripts see it: where it is (from the
// environment or flags, loopback only), its RingCentral REST API (for the
// plain PubNub clients, which need a subscription's channel and key), its
// control API and its ledger of published notifications.

import { createDecipheriv } from 'node:crypto';

/** Settings every script takes; flags win over the environment. */
const options = [
  ['--server', 'RINGCENTRAL_SERVER_URL', 'emulator base URL, e.g. http://127.0.0.1:40123'],
  ['--client-id', 'RINGCENTRAL_CLIENT_ID', 'client id the emulator accepts'],
  ['--client-secret', 'RINGCENTRAL_CLIENT_SECRET', 'client secret the emulator accepts'],
  ['--username', 'RINGCENTRAL_USERNAME', 'password grant user (default: the emulator\'s demo user)'],
  ['--password', 'RINGCENTRAL_PASSWORD', 'password grant password (default: the demo one)'],
  ['--client', 'EVTAP_PUBNUB_CLIENT', 'plain.mjs only: pubnub4, pubnub7, pubnub8, pubnub8-ee or pubnub12'],
  ['--lifetime', 'EVTAP_PUBNUB_LIFETIME', 'seconds: the lifetime the emulator grants (its --pubnub-lifetime)'],
];

export const DEMO_USERNAME = '+16505550100';
export const DEMO_PASSWORD = 'evtap-demo-password';

/** usage names every flag and variable. */
export function usage(script) {
  return `usage: node ${script} [flags]\n${options.map(([f, e, w]) => `  ${f.padEnd(16)} or ${e.padEnd(28)} ${w}`).join('\n')}\n`;
}

/** parseConfig reads flags over the environment; it throws on a mistake. */
export function parseConfig(argv, env) {
  const got = {};
  for (const [flag, name] of options) if (env[name]) got[flag] = env[name];
  for (let i = 0; i < argv.length; i++) {
    let [flag, value] = argv[i].split(/=(.*)/s, 2);
    if (!options.some(([f]) => f === flag)) throw new Error(`unknown argument ${JSON.stringify(argv[i])}`);
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new Error(`${flag} needs a value`);
    }
    got[flag] = value;
  }
  const missing = ['--server', '--client-id', '--client-secret'].filter((f) => !got[f]);
  if (missing.length) throw new Error(`missing ${missing.join(', ')}`);
  const server = got['--server'].replace(/\/+$/, '');
  let url;
  try {
    url = new URL(server);
  } catch {
    throw new Error(`--server ${JSON.stringify(server)} is not a URL`);
  }
  if (!/^127\.\d+\.\d+\.\d+$/.test(url.hostname) && url.hostname !== 'localhost') {
    throw new Error(`--server must be on loopback (the evtap emulator), got host ${url.hostname}`);
  }
  return {
    server,
    origin: url.host, // what a PubNub client's origin option takes: host:port, no scheme
    clientId: got['--client-id'],
    clientSecret: got['--client-secret'],
    username: got['--username'] ?? DEMO_USERNAME,
    password: got['--password'] ?? DEMO_PASSWORD,
    client: got['--client'],
    lifetime: got['--lifetime'] ? Number(got['--lifetime']) : 900,
  };
}

/** configFromProcess parses this process's settings, or says why not and exits 2. */
export function configFromProcess(script) {
  if (process.argv.includes('--help')) {
    process.stdout.write(usage(script));
    process.exit(0);
  }
  try {
    return parseConfig(process.argv.slice(2), process.env);
  } catch (e) {
    process.stderr.write(`${script}: ${e.message}\n${usage(script)}`);
    process.exit(2);
  }
}

/** Emulator talks to `evtap sim ringcentral` over plain HTTP on loopback. */
export class Emulator {
  constructor(cfg) {
    this.cfg = cfg;
    this.control = `${cfg.server}/_evtap/`;
  }

  async #fetch(method, url, { body, headers = {} } = {}) {
    let res;
    try {
      res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(5000) });
    } catch (e) {
      throw new Error(`${method} ${url}: ${e.cause?.message ?? e.message}`);
    }
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text };
  }

  /** login runs the password grant with Basic auth, as the PubNub-era SDKs do. */
  async login() {
    const basic = Buffer.from(`${this.cfg.clientId}:${this.cfg.clientSecret}`).toString('base64');
    const r = await this.#fetch('POST', `${this.cfg.server}/restapi/oauth/token`, {
      headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: this.cfg.username, password: this.cfg.password }).toString(),
    });
    if (r.status !== 200) throw new Error(`login: HTTP ${r.status} ${r.text.slice(0, 200)}`);
    this.token = r.json.access_token;
  }

  /** subscribe creates a PubNub subscription and returns the emulator's answer. */
  async subscribe(eventFilters) {
    const r = await this.#fetch('POST', `${this.cfg.server}/restapi/v1.0/subscription`, {
      headers: { Authorization: `bearer ${this.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ eventFilters, deliveryMode: { transportType: 'PubNub' } }),
    });
    if (r.status !== 200) throw new Error(`subscribe: HTTP ${r.status} ${r.text.slice(0, 200)}`);
    return r.json;
  }

  async #act(path) {
    const r = await this.#fetch('POST', this.control + path);
    if (r.status !== 200 || !(r.json?.affected >= 1)) {
      throw new Error(`control API POST ${path}: HTTP ${r.status} ${r.text.slice(0, 200)}`);
    }
    return r.json.affected;
  }

  /** counters is the emulator's counters; pubnub() its PubNub part. */
  async counters() {
    const r = await this.#fetch('GET', this.control + 'counters');
    if (r.status !== 200) throw new Error(`counters: HTTP ${r.status}`);
    return r.json;
  }

  async pubnub() {
    return (await this.counters()).pubnub;
  }

  /** ledger lists every notification published to channel, oldest first. */
  async ledger(channel) {
    const r = await this.#fetch('GET', `${this.control}pubnub/ledger?channel=${encodeURIComponent(channel)}`);
    if (r.status !== 200) throw new Error(`ledger: HTTP ${r.status}`);
    return r.json.entries;
  }

  send(subscription, count) { return this.#act(`pubnub/send?subscription=${subscription}&count=${count}`); }
  /** reset cuts the held long-polls with a TCP reset and resets every PubNub request for outageMs. */
  reset(outageMs) { return this.#act(`pubnub/reset?outage=${outageMs}ms`); }
  refuseSubscribe(status) { return this.#act(`pubnub/refuse-subscribe?status=${status}`); }
  omitContentType(on) { return this.#act(`pubnub/omit-content-type?on=${on}`); }
  failRenew(code) { return this.#act(`pubnub/fail-renew?code=${code}`); }
  burst(subscription, count) { return this.#act(`pubnub/burst?subscription=${subscription}&count=${count}`); }
}

/**
 * decryptNode decrypts a notification with Node's own aes-128-ecb: an
 * implementation independent of PubNub's CryptoJS, to cross-check it.
 */
export function decryptNode(ciphertext, key) {
  const d = createDecipheriv('aes-128-ecb', Buffer.from(key, 'base64'), null);
  return JSON.parse(Buffer.concat([d.update(Buffer.from(ciphertext, 'base64')), d.final()]).toString('utf8'));
}

/** RC_DECRYPT are the options both RingCentral SDKs pass to pubnub.decrypt (§5.1). */
export const RC_DECRYPT = { encryptKey: false, keyEncoding: 'base64', keyLength: 128, mode: 'ecb' };

/** PRESENCE is the filter of the seed's example: it forces encryption. */
export const PRESENCE = '/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true';

/**
 * expectExactlyOnce checks that the uuids received are exactly the
 * ledger's for the channel, once each and in its order.
 */
export function exactlyOnce(received, ledger) {
  const want = ledger.map((e) => e.id);
  const seen = new Map();
  for (const id of received) seen.set(id, (seen.get(id) ?? 0) + 1);
  const dup = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  const missing = want.filter((id) => !seen.has(id));
  const extra = received.filter((id) => !want.includes(id));
  const problems = [];
  if (dup.length) problems.push(`received twice: ${dup.join(', ')}`);
  if (missing.length) problems.push(`never received: ${missing.join(', ')}`);
  if (extra.length) problems.push(`not in the ledger: ${extra.join(', ')}`);
  if (!problems.length && want.join() !== received.join()) problems.push('received out of the ledger\'s order');
  return problems;
}
