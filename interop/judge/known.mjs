// Checks that fail because of a known evtap bug, reported to its owners,
// by full check name (suite/check). Each is skipped with the bug named, so
// CI stays green while it is open; a run in which one passes says
// "FIXED?" (remove the entry once the fix has landed). README.md lists
// them too, with the input and what the documents say.
export const known = {
  // sim/dialpad: with --seed 11 a generated company user has id 9925300487599089
  // (any seed makes some), which JSON.parse reads as …088: ids at or above 2^53, which a browser —
  // Dialpad's own sample client — rounds; every documented id is below 2^53.
  'sim-dialpad/numeric ids inside events are integers JavaScript holds exactly (below 2^53, as every documented id is)':
    'sim/dialpad generates ids of 2^53 and above inside events: user 9925300487599089 reads as 9925300487599088 in JavaScript',

  // session/dialpad: a rotation whose GET /websockets/{id} is answered 429
  // with Retry-After: 1 is retried 50-450 ms later (with Retry-After: 3,
  // four GETs in those 3 s), though docs/session.md promises backoff of at
  // least a server's Retry-After.
  "connect-dialpad/a 429 with Retry-After: 1 on a rotation's GET: the retry waits a second, and nothing is lost":
    'Dialpad rotation retries a 429 without waiting for its Retry-After',
};
