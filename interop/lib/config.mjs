// Where the emulator is and which credentials it accepts, from flags or
// the environment, with a usage message instead of a stack trace.

const options = [
  // flag, environment variable, what it is
  ['--server', 'RINGCENTRAL_SERVER_URL', 'emulator base URL, e.g. http://127.0.0.1:40123'],
  ['--client-id', 'RINGCENTRAL_CLIENT_ID', 'client id the emulator accepts'],
  ['--client-secret', 'RINGCENTRAL_CLIENT_SECRET', 'client secret the emulator accepts'],
  ['--jwt', 'RINGCENTRAL_JWT', 'JWT credential the emulator accepts'],
  ['--control', 'EVTAP_CONTROL_URL', 'control API URL (default: <server>/_evtap/)'],
  ['--access-token-ttl', 'EVTAP_INTEROP_ACCESS_TOKEN_TTL', 'seconds; ask for short access tokens so the SDK must refresh (rc-sdk.mjs only)'],
];

// Flags that may be left out.
const optional = new Set(['--control', '--access-token-ttl']);

/** usage is the help text naming every flag and variable. */
export function usage(script) {
  const lines = options.map(([flag, env, what]) => `  ${flag.padEnd(18)} or ${env.padEnd(30)} ${what}`);
  return `usage: node ${script} [flags]\n${lines.join('\n')}\n`;
}

/**
 * parseConfig reads flags (argv) over environment variables (env).
 * It throws an Error whose message says what is missing or wrong.
 */
export function parseConfig(argv, env) {
  const got = {};
  for (const [flag, name] of options) {
    if (env[name]) got[flag] = env[name];
  }
  for (let i = 0; i < argv.length; i++) {
    let [flag, value] = argv[i].split(/=(.*)/s, 2);
    if (!options.some(([f]) => f === flag)) {
      throw new Error(`unknown argument ${JSON.stringify(argv[i])}`);
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new Error(`${flag} needs a value`);
    }
    got[flag] = value;
  }
  const missing = options.filter(([flag]) => !optional.has(flag) && !got[flag]);
  if (missing.length > 0) {
    throw new Error(`missing ${missing.map(([flag, env]) => `${flag} (or ${env})`).join(', ')}`);
  }
  const server = got['--server'].replace(/\/+$/, '');
  let url;
  try {
    url = new URL(server);
  } catch {
    throw new Error(`--server ${JSON.stringify(server)} is not a URL`);
  }
  // These scripts cut connections and forget sessions through the control
  // API: they are for the emulator on this machine, never for a service.
  if (!isLoopback(url.hostname)) {
    throw new Error(`--server must be on loopback (the evtap emulator), got host ${url.hostname}`);
  }
  let accessTokenTTL;
  if (got['--access-token-ttl'] !== undefined) {
    accessTokenTTL = Number(got['--access-token-ttl']);
    // @ringcentral/sdk treats a token as expired 60 s early (Auth.ts 60-66).
    if (!Number.isInteger(accessTokenTTL) || accessTokenTTL <= 60) {
      throw new Error(`--access-token-ttl must be a whole number of seconds above 60, got ${JSON.stringify(got['--access-token-ttl'])}`);
    }
  }
  return {
    server,
    accessTokenTTL,
    clientId: got['--client-id'],
    clientSecret: got['--client-secret'],
    jwt: got['--jwt'],
    control: got['--control'] ?? `${server}/_evtap/`,
  };
}

function isLoopback(host) {
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * configFromProcess parses this process's flags and environment; on --help
 * it prints the usage and exits 0, on a bad or missing value it says what
 * and exits 2.
 */
export function configFromProcess(script) {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
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
