// What evtap promises about the placeholders in its headless output
// (docs/recording-format.md, "Redaction": "The placeholder of a value is
// derived from the value itself … so the same secret gets the same
// placeholder in every line … the reader can still see that the token
// presented on reconnect is the one issued before"): the same secret,
// one placeholder; two secrets, two placeholders.

export const PLACEHOLDER = /REDACTED-[a-z_]+-[0-9a-f]{12}/;

/**
 * httpFrames returns evtap's http frames (README: recv/sent frames with op
 * "http") with their data parsed: {dir, method, url, status, header, body}.
 */
export function httpFrames(updates) {
  const out = [];
  for (const u of updates) {
    if ((u.kind !== 'sent' && u.kind !== 'recv') || u.frame?.op !== 'http') continue;
    try {
      out.push({ dir: u.kind, ...JSON.parse(u.frame.data) });
    } catch {
      // not JSON: nothing to read placeholders from
    }
  }
  return out;
}

/** placeholderIn returns the placeholder in text, or undefined. */
export function placeholderIn(text) {
  return PLACEHOLDER.exec(String(text ?? ''))?.[0];
}

/** jsonField parses an http frame's body and returns field f (at the top level). */
export function jsonField(frame, f) {
  try {
    return JSON.parse(frame.body)[f];
  } catch {
    return undefined;
  }
}

/**
 * samePlaceholders checks pairs of sightings: same = [[what, placeholderA,
 * placeholderB], …] must be equal (one secret), different = [[what, a, b], …]
 * must differ (two secrets). It returns the list of broken promises.
 */
export function placeholderProblems(same, different) {
  const problems = [];
  for (const [what, a, b] of same) {
    if (!a || !b) problems.push(`${what}: not found (${a}, ${b})`);
    else if (a !== b) problems.push(`${what}: one secret, two placeholders ${a} and ${b}`);
  }
  for (const [what, a, b] of different) {
    if (!a || !b) problems.push(`${what}: not found (${a}, ${b})`);
    else if (a === b) problems.push(`${what}: two secrets, one placeholder ${a}`);
  }
  return problems;
}
