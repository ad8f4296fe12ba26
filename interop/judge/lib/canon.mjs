// Canonical JSON: the same value always prints the same text, whatever the
// key order, so a payload the judge sent can be found in what evtap printed.

/** canon is JSON with object keys sorted at every depth. */
export function canon(v) {
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canon(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** tally counts each canonical text in xs. */
export function tally(xs) {
  const m = new Map();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}
