// Steps with deadlines, and the one way a script fails: a message naming
// the step, then exit status 1.

/** StepError is a check that did not hold; its message says what was seen. */
export class StepError extends Error {}

/** sleep resolves after ms milliseconds. */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * waitUntil polls cond (which may be async) every 25 ms until it returns a
 * truthy value, which it resolves with. After ms it throws a StepError
 * that says what was awaited and, if given, what detail() reports now.
 */
export async function waitUntil(what, ms, cond, detail) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() >= deadline) {
      const now = detail ? `; now: ${await detail()}` : '';
      throw new StepError(`${what}: not within ${ms} ms${now}`);
    }
    await sleep(25);
  }
}

/** check throws a StepError with message unless ok. */
export function check(ok, message) {
  if (!ok) throw new StepError(message);
}

/** Run prints one line per step and fails the script on the first error. */
export class Run {
  constructor(name, out = process.stdout) {
    this.name = name;
    this.out = out;
    this.passed = [];
    this.undo = [];
  }

  /**
   * onFail registers fn to run (best effort, 2 s at most) before a failing
   * script exits, so an emulator the user runs by hand is not left as the
   * script had set it (for example paused).
   */
  onFail(fn) {
    this.undo.push(fn);
  }

  /**
   * step runs fn with a deadline of ms. It resolves with fn's result, or
   * prints why the step failed and exits 1: a hung SDK promise must not
   * hang the script.
   */
  async step(title, ms, fn) {
    const t0 = Date.now();
    let timer;
    const deadline = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new StepError(`step took longer than its ${ms} ms deadline`)), ms);
    });
    try {
      const v = await Promise.race([fn(), deadline]);
      this.passed.push(title);
      this.out.write(`ok   ${title} (${Date.now() - t0} ms)\n`);
      return v;
    } catch (e) {
      await this.fail(`${title}: ${describe(e)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** fail prints the reason and what passed before it, undoes, then exits 1. */
  async fail(reason) {
    this.out.write(`FAIL ${this.name}: ${reason}\n`);
    this.out.write(`     (${this.passed.length} step(s) passed before this one)\n`);
    const undo = this.undo.splice(0).map((fn) => Promise.resolve().then(fn).catch(() => {}));
    await Promise.race([Promise.all(undo), sleep(2000)]);
    process.exit(1);
  }
}

// describe turns an SDK error into one line: a RestException carries the
// HTTP status and body the emulator answered with, which is what anyone
// debugging the emulator needs to see.
function describe(e) {
  if (e instanceof StepError) return e.message;
  const parts = [e?.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : String(e?.message ?? e)];
  const r = e?.response;
  if (r) {
    const body = r.data !== undefined ? r.data : r.body;
    parts.push(`(HTTP ${r.status}${body !== undefined ? ` ${JSON.stringify(body).slice(0, 300)}` : ''})`);
  }
  return parts.join(' ');
}
