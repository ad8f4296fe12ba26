package record

import (
	"encoding/json"
	"fmt"
	"time"
)

// Format is the value of Header.Format in every recording.
const Format = "evtap-recording"

// Version is the recording format version this package writes. Readers
// accept every version from 1 up to this one.
//
// Version 1 recordings hold the Updates a session published, decoded
// then; replay plays them as they are. From version 2 a recording is the
// headless stream (frames, states, markers and errors, and what the
// provider's decoder derived from them); replay runs the provider's
// decoder again over the recorded facts and drops the recorded derived
// Updates (protocol.Derived), so a fixed decoder shows old recordings
// right.
const Version = 2

// Header is the first line of a recording.
type Header struct {
	Format   string `json:"format"`
	Version  int    `json:"version"`
	Provider string `json:"provider,omitempty"` // the provider's name in the registry
	Endpoint string `json:"endpoint,omitempty"` // with secrets replaced
	// URL is the socket URL in force when the recording started, with
	// secrets replaced: a recording started halfway through a session
	// (the TUI's R) holds no dialing state to take it from. Version 2.
	URL          string    `json:"url,omitempty"`
	Start        time.Time `json:"start"`
	EvtapVersion string    `json:"evtap_version,omitempty"`
	// Redacted lists the kinds of values replaced by placeholders
	// (e.g. "ws_access_token"), never the values; empty when the
	// recording was made with redaction off.
	Redacted []string `json:"redacted"`
}

// check says why h cannot be read by this version, if it cannot.
func (h Header) check() error {
	if h.Format != Format {
		if h.Format == "" {
			return fmt.Errorf("first line is not an evtap recording header (no %q field); is this an evtap recording?", "format")
		}
		return fmt.Errorf("not an evtap recording: format is %q, want %q", h.Format, Format)
	}
	if h.Version < 1 {
		return fmt.Errorf("recording has invalid format version %d", h.Version)
	}
	if h.Version > Version {
		return fmt.Errorf("recording format version %d is newer than this evtap reads (up to %d); upgrade evtap", h.Version, Version)
	}
	return nil
}

func parseHeader(line []byte) (Header, error) {
	var h Header
	if err := json.Unmarshal(line, &h); err != nil {
		return h, fmt.Errorf("line 1: header is not valid JSON (%v); is this an evtap recording?", err)
	}
	return h, h.check()
}
