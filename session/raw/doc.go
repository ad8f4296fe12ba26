// Package raw is the session.Provider of a plain WebSocket: `evtap
// connect ws://host/path`, what wscat and websocat users reach for.
//
// There is no token flow, no greeting and no subscription: Prepare says
// what to dial (the URL, the user's upgrade headers, a bearer token,
// subprotocols, Origin), the engine upgrades, and the connection is live
// at once. Opened sends the user's --send frames, on every connection,
// so a server that expects a hello or a subscribe gets it again after
// each reconnect, then the frames sent by hand while no connection was
// open. Every frame the server sends is published by the engine and
// turned into an event by protocol/raw's Decoder.
//
// A Session is the provider driven by the engine, plus what the command
// line needs: validation of the user's URL, headers and subprotocols
// (the errors are the user's mistakes, in their words), the secrets to
// keep out of every output, and the masking of those secrets in every
// Update it publishes.
package raw
