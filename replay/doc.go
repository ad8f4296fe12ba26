// Package replay turns a recording back into the Updates it was made of,
// on a clock that can pause, change speed, step and seek, so that the UI
// and headless output cannot tell a replay from the live session except
// by the controls it offers. It can also serve a recording's received
// frames to any WebSocket client (serve.go).
//
// Updates are emitted exactly as recorded, with their recorded time and
// offset: headless replay at --speed max prints the recording's lines,
// which are the live headless lines.
package replay
