// Running evtap as a user would: `evtap sim PROVIDER` until its banner
// says where it listens, and `evtap connect … --headless`, whose stdout is
// one JSON Update per line (README, "Headless output").

import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Unavailable is thrown when this evtap build lacks a command or flag a script needs. */
export class Unavailable extends Error {}

/** EXIT_UNAVAILABLE is the exit status of a script whose evtap lacks what it judges (judge_test.go skips on it). */
export const EXIT_UNAVAILABLE = 77;

/**
 * requireHelp runs `evtap ...args --help` and throws Unavailable unless it
 * succeeds and mentions every one of needles (flags the script will use).
 */
export function requireHelp(bin, args, needles) {
  const r = spawnSync(bin, [...args, '--help'], { encoding: 'utf8', timeout: 10000 });
  const text = `${r.stdout}${r.stderr}`;
  const usage = /^Usage:\s*\n\s*evtap (\S+(?: \S+)*)/m.exec(text);
  const want = `${args.join(' ')}`;
  // An unknown provider falls back to the parent command's help, whose
  // usage line names PROVIDER instead of it.
  if (r.status !== 0 || !usage || !usage[1].startsWith(want)) {
    throw new Unavailable(`this evtap has no "evtap ${want}" (its --help shows no such command)`);
  }
  const missing = needles.filter((n) => !text.includes(n));
  if (missing.length) throw new Unavailable(`"evtap ${want}" on this build has no ${missing.join(', ')}`);
}

// Every child still running when the script exits (a failure, a deadline,
// SIGTERM from the Go test) is killed with it, so no evtap is left behind.
const children = new Set();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    process.stdout.write(`FAIL judge: interrupted by ${sig}\n`);
    process.exit(1);
  });
}

/** Proc is a running child with its stderr kept. */
class Proc {
  constructor(child) {
    this.child = child;
    children.add(child);
    child.on('exit', () => children.delete(child));
    this.stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c) => {
      this.stderr += c;
      if (this.stderr.length > 1 << 20) this.stderr = this.stderr.slice(-(1 << 19));
    });
    this.exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
    this.exited = null;
    this.exit.then((e) => (this.exited = e));
  }

  /** stop sends SIGINT and waits for the exit, killing after ms. */
  async stop(ms = 5000) {
    if (this.exited) return this.exited;
    this.child.kill('SIGINT');
    const t = setTimeout(() => this.child.kill('SIGKILL'), ms);
    const e = await this.exit;
    clearTimeout(t);
    return e;
  }

  /** exitWithin resolves with the exit, or null when still running after ms. */
  exitWithin(ms) {
    return Promise.race([this.exit, new Promise((r) => setTimeout(() => r(null), ms))]);
  }
}

/**
 * startSim runs `evtap sim provider ...args` on a free loopback port and
 * resolves once the banner's "listening on" line is printed, with the
 * banner's lines and the base URL.
 */
export async function startSim(bin, provider, args = [], ms = 20000) {
  const child = spawn(bin, ['sim', provider, '--listen', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const p = new Proc(child);
  p.banner = [];
  const rl = createInterface({ input: child.stdout });
  const ready = new Promise((resolve, reject) => {
    rl.on('line', (line) => {
      p.banner.push(line);
      const m = /listening on (127\.0\.0\.1:\d+)/.exec(line);
      if (m) resolve(m[1]);
    });
    p.exit.then((e) => reject(new Error(`evtap sim ${provider} exited (${e.code ?? e.signal}) before listening:\n${p.banner.join('\n')}\n${p.stderr}`)));
    setTimeout(() => reject(new Error(`evtap sim ${provider} printed no "listening on" within ${ms} ms:\n${p.banner.join('\n')}\n${p.stderr}`)), ms);
  });
  try {
    p.addr = await ready;
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  p.url = `http://${p.addr}`;
  /** line returns the text after the banner label that starts a line, trimmed. */
  p.line = (label) => {
    for (const l of p.banner) {
      const t = l.trim();
      if (t.startsWith(label)) return t.slice(label.length).trim();
    }
    return undefined;
  };
  return p;
}

/**
 * connect runs `evtap connect ...args --headless` and collects every Update
 * it prints (each parsed line, with the receipt time in ._at).
 */
export function connect(bin, args, { env } = {}) {
  const child = spawn(bin, ['connect', ...args, '--headless'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...cleanEnv(), ...env },
  });
  const p = new Proc(child);
  p.updates = [];
  p.badLines = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      const u = JSON.parse(line);
      u._at = Date.now();
      p.updates.push(u);
    } catch {
      p.badLines.push(line);
    }
  });
  /** of returns the Updates of kind k. */
  p.of = (k) => p.updates.filter((u) => u.kind === k);
  /** events returns the event Updates' event objects. */
  p.events = () => p.of('event').map((u) => u.event);
  return p;
}

/** cleanEnv is this environment without the providers' credential variables. */
export function cleanEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(VOIPBIN_|DIALPAD_|RINGCENTRAL_|EVTAP_)/.test(k)) continue;
    env[k] = v;
  }
  return env;
}

/** tail is the last n lines of a process's stderr, for a failure message. */
export function tail(text, n = 15) {
  return text.split('\n').slice(-n).join('\n');
}
