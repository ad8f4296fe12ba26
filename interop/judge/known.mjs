// Checks that fail because of a known evtap bug, reported to its owners,
// by full check name (suite/check). Each is skipped with the bug named, so
// CI stays green while it is open; a run in which one passes says
// "FIXED?" (remove the entry once the fix has landed). README.md lists
// them too, with the input and what the documents say.
export const known = {
  // record (redaction in headless output and recordings): a secret found
  // later is replaced by the placeholder of another secret — the first
  // literal credential's — instead of its own (docs/recording-format.md,
  // Redaction: "derived from the value itself").
  'connect-voipbin/placeholders: the login token keeps one placeholder from the login answer to the ?token= it is sent as; the password has its own':
    'redaction: the login token shows as the password\'s placeholder in the ?token= URL (REDACTED-password-…), another in the login answer (REDACTED-token-…)',
  'connect-dialpad/placeholders: each URL token keeps its own placeholder from the REST answer to the URL dialled; the API key has its own':
    'redaction: every URL dialled shows the API key\'s placeholder (REDACTED-authorization-…) in place of its own URL token\'s',
  'connect-pubnub/placeholders: the access token keeps one placeholder from the token answer to the bearer header; the client credentials and the sub key have their own':
    'redaction: the Basic credentials, the assertion, the bearer access token and the sub key in the poll URL all show one placeholder (REDACTED-authorization-…)',
};
