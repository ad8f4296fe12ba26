// Checks that fail because of a known evtap bug, reported to its owners,
// by full check name (suite/check). Each is skipped with the bug named, so
// CI stays green while it is open; a run in which one passes says
// "FIXED?" (remove the entry once the fix has landed). README.md lists
// them too, with the input and what the documents say.
export const known = {};
