// Package replay turns a recording back into the Updates it was made of,
// on a clock that can pause, change speed, step and seek, so that the UI
// and headless output cannot tell a replay from the live session except
// by the controls it offers. It can also serve a recording's received
// frames to any WebSocket client, answering through the provider's
// Responder (serve.go).
//
// A version 2 recording is played through the provider's decoder, which
// the caller passes in: the recorded facts (frames, states, markers,
// errors) are fed to it in order, and the Updates it derives replace the
// recorded derived ones, so headless replay at --speed max prints what
// the live run printed. A version 1 recording, or one whose provider has
// no decoder, plays its lines as recorded.
//
// The package names no provider.
package replay
