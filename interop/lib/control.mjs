// Client for the emulator's control API (docs/emulator.md, "Control API").
// The interop scripts use it to learn what the emulator sent and to cause
// the faults whose recovery they check; it is plain HTTP on loopback.

/** Control talks to `evtap sim`'s /_evtap/ endpoints. */
export class Control {
  /** @param {string} base control API URL ending in /_evtap/ */
  constructor(base) {
    this.base = base.endsWith('/') ? base : base + '/';
  }

  async #call(method, path, body) {
    const url = this.base + path;
    let res;
    try {
      res = await fetch(url, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(5000),
      });
    } catch (e) {
      throw new Error(`control API ${method} ${url}: ${e.cause?.message ?? e.message}`);
    }
    const text = await res.text();
    if (!res.ok) {
      throw new Error(`control API ${method} ${url}: HTTP ${res.status}: ${text.slice(0, 300)}`);
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`control API ${method} ${url}: answer is not JSON: ${text.slice(0, 120)}`);
    }
  }

  // An action answers {"affected":N}; zero means it found nothing to act
  // on, which for these scripts is always a broken precondition.
  async #act(path, body) {
    const r = await this.#call('POST', path, body);
    if (typeof r.affected !== 'number' || r.affected < 1) {
      throw new Error(`control API POST ${path}: affected nothing (${JSON.stringify(r)})`);
    }
    return r.affected;
  }

  /** The emulator's counters (connections, recoveries, sessions, ...). */
  counters() { return this.#call('GET', 'counters'); }

  /** The session whose subscription has id subscriptionId, or undefined. */
  async sessionOf(subscriptionId) {
    const c = await this.counters();
    return (c.sessions ?? []).find((s) => s.subscriptionId === subscriptionId);
  }

  drop(conn) { return this.#act(`drop?conn=${encodeURIComponent(conn)}`); }
  forget(session) { return this.#act(`forget?session=${encodeURIComponent(session)}`); }
  pause() { return this.#act('pause'); }
  resume() { return this.#act('resume'); }
  send(session, kind, count) {
    return this.#act(`send?session=${encodeURIComponent(session)}&kind=${kind}&count=${count}`);
  }
  inject(session, event, body) {
    return this.#act(`inject?session=${encodeURIComponent(session)}`, { event, body });
  }
}
