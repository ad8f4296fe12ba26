// The judge's harness: named checks, each with a deadline, each failure
// saying what the documents expect (and where) and what came instead.
// A check that fails because of a known, reported evtap bug is listed in
// ../known.mjs and is skipped with the bug named, so CI stays green while
// the bug is open. When such a check passes, the run says so loudly
// ("FIXED?") without failing: some of these bugs show only in some runs
// (a random id), and a judge that fails one run in twenty is itself a bug.

import { known as knownBugs } from '../known.mjs';

/** Mismatch is a check that did not hold: what the documents say, and what came. */
export class Mismatch extends Error {
  /**
   * @param {string} doc where the documents say it, e.g. "voipbin.md A3"
   * @param {string} want what they say should happen
   * @param {unknown} got what happened instead
   */
  constructor(doc, want, got) {
    super(`${want} (${doc}); got ${show(got)}`);
    this.doc = doc;
    this.want = want;
    this.got = got;
  }
}

/** expect throws a Mismatch unless ok; got may be a function, evaluated only on failure. */
export function expect(ok, doc, want, got) {
  if (!ok) throw new Mismatch(doc, want, typeof got === 'function' ? got() : got);
}

/** show renders a value for a failure message, cut to a readable length. */
export function show(v) {
  let s;
  if (typeof v === 'string') s = v;
  else {
    try {
      s = JSON.stringify(v);
    } catch {
      s = String(v);
    }
  }
  if (s === undefined) s = String(v);
  return s.length > 600 ? `${s.slice(0, 600)}… (${s.length} chars)` : s;
}

/** sleep resolves after ms milliseconds. */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * waitFor polls cond every 20 ms until it returns a truthy value, which it
 * resolves with; after ms it throws a Mismatch built from doc, want and
 * got() (what is there now).
 */
export async function waitFor(ms, cond, doc, want, got) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() >= deadline) {
      throw new Mismatch(doc, `${want} (waited ${ms} ms)`, got ? await got() : 'nothing');
    }
    await sleep(20);
  }
}

/** Judge runs a suite of named checks and prints one line per check. */
export class Judge {
  /**
   * @param {string} suite the suite's name, the prefix of every check name
   * @param {{out?: {write(s: string): void}, known?: Record<string,string>}} [opts]
   */
  constructor(suite, opts = {}) {
    this.suite = suite;
    this.out = opts.out ?? process.stdout;
    this.known = opts.known ?? knownBugs;
    this.results = [];
  }

  /**
   * check runs fn (sync or async) with a deadline of ms and records the
   * outcome under suite/name. It resolves with fn's value, or undefined when
   * the check failed, so later checks can tell they have nothing to build on.
   */
  async check(name, fn, ms = 15000) {
    const full = `${this.suite}/${name}`;
    const t0 = Date.now();
    let timer;
    const deadline = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Mismatch('judge', `the check to finish within ${ms} ms`, 'it did not')), ms);
    });
    try {
      const v = await Promise.race([Promise.resolve().then(fn), deadline]);
      const bug = this.known[full];
      if (bug) {
        this.record(full, 'fixed', `passes, but ../known.mjs lists it as the known evtap bug "${bug}": if that bug is fixed, remove the entry`);
      } else {
        this.record(full, 'ok', `${Date.now() - t0} ms`);
      }
      return v ?? true;
    } catch (e) {
      const bug = this.known[full];
      this.record(full, bug ? 'known' : 'fail', describe(e), bug);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /** note prints a line of context (counts, timings) under the checks. */
  note(text) {
    this.out.write(`      · ${text}\n`);
  }

  /** skip records a check that could not run because one it builds on failed. */
  skip(name, why) {
    this.record(`${this.suite}/${name}`, 'skip', why);
  }

  record(name, status, detail, bug) {
    this.results.push({ name, status, detail, bug });
    const tag = { ok: 'ok   ', fail: 'FAIL ', known: 'SKIP ', skip: 'skip ', fixed: 'FIXED?' }[status];
    let line = `${tag} ${name}`;
    if (status === 'ok') line += ` (${detail})`;
    else if (status === 'known') line += `: known evtap bug: ${bug}\n        ${indent(detail)}`;
    else line += `\n        ${indent(detail)}`;
    this.out.write(`${line}\n`);
  }

  /** failed reports whether any check failed (known bugs aside). */
  failed() {
    return this.results.some((r) => r.status === 'fail');
  }

  /** finish prints the summary line and sets the process's exit status. */
  finish() {
    const count = (s) => this.results.filter((r) => r.status === s).length;
    const knownOnes = this.results.filter((r) => r.status === 'known').map((r) => r.name);
    const fixed = count('fixed');
    const summary = `${count('ok')} ok, ${count('fail')} failed, ${knownOnes.length} skipped for known evtap bugs, ${count('skip')} not run` +
      (fixed ? `, ${fixed} known bug(s) not seen this run (FIXED? above)` : '');
    if (this.failed()) {
      this.out.write(`FAIL judge ${this.suite}: ${summary}\n`);
      process.exitCode = 1;
    } else {
      this.out.write(`PASS judge ${this.suite}: ${summary}${knownOnes.length ? ` (${knownOnes.join(', ')})` : ''}\n`);
      process.exitCode = 0;
    }
  }
}

function describe(e) {
  if (e instanceof Mismatch) {
    return `documents (${e.doc}): ${e.want}\n        got: ${indent(show(e.got))}`;
  }
  return `error: ${e && e.stack ? e.stack : String(e)}`;
}

function indent(s) {
  return String(s).replace(/\n/g, '\n        ');
}
