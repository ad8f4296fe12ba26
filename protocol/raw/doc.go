// Package raw is the wire format of a plain WebSocket: no greeting, no
// subscriptions, no sequence numbers, no schema. Every data frame the
// server sends is an event a user wants to see, as it came:
//
//   - a text frame's Body is the JSON itself when the text is JSON,
//     else the text as a JSON string; its summary is the first line;
//   - a binary frame's Body holds its byte length, hex and base64; its
//     summary a hex preview;
//   - the server's close frame is an event with its code and reason.
//
// Nothing on a raw stream says what was missed, so the Decoder never
// reports a sequence gap; after a drop it reports the outage window
// (protocol.Outages) in which events may have been lost, never "no gap".
//
// Like every protocol package it is pure: standard library only, no
// clock, no I/O.
package raw

// ProviderName is the raw provider's name on the command line, in
// recordings and in Event.Provider.
const ProviderName = "raw"
