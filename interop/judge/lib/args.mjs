// The one argument every judge script takes: the evtap binary to judge.

import { existsSync } from 'node:fs';
import { EXIT_UNAVAILABLE, Unavailable } from './proc.mjs';

/** evtapBin reads --evtap BIN (or $EVTAP_BIN), or exits 2 saying what is missing. */
export function evtapBin(script, argv = process.argv.slice(2), env = process.env) {
  let bin = env.EVTAP_BIN;
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = argv[i].split(/=(.*)/s, 2);
    if (flag === '--evtap') bin = value ?? argv[++i];
    else {
      process.stderr.write(`usage: node ${script} --evtap BIN (or EVTAP_BIN=BIN)\nunknown argument ${JSON.stringify(argv[i])}\n`);
      process.exit(2);
    }
  }
  if (!bin) {
    process.stderr.write(`usage: node ${script} --evtap BIN (or EVTAP_BIN=BIN)\nmissing --evtap: the evtap binary to judge (go build -o /tmp/evtap .)\n`);
    process.exit(2);
  }
  if (!existsSync(bin)) {
    process.stderr.write(`--evtap ${bin}: no such file\n`);
    process.exit(2);
  }
  return bin;
}

/**
 * main runs fn, turning Unavailable into exit status 77 (the Go test skips
 * then) and any other throw into a failure with its stack.
 */
export function main(fn) {
  // Exit when the checks are done: an idle keep-alive connection or a
  // request's timeout timer must not keep the script alive.
  fn().then(() => process.exit(process.exitCode ?? 0), (e) => {
    if (e instanceof Unavailable) {
      process.stdout.write(`UNAVAILABLE ${e.message}\n`);
      process.exit(EXIT_UNAVAILABLE);
    }
    process.stdout.write(`FAIL judge: ${e && e.stack ? e.stack : e}\n`);
    process.exit(1);
  });
}
