package shell

import (
	"testing"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/ui"
)

// A refused upgrade says why in the connection pane: the status and the
// answer's headers, as the engine put them in the state's Info.
func TestARefusedUpgradeShowsTheAnswersHeaders(t *testing.T) {
	m := driveWith(t, newFakeSource(), ui.Provider{}, 160, 40,
		state(0, protocol.State{Phase: protocol.PhaseRejected, HTTPStatus: 401, Cause: "rejected by the server (upgrade): HTTP 401",
			Info: map[string]string{"Www-Authenticate": `Bearer realm="events"`, "X-Request-Id": "r-1"}}))
	mustContain(t, screen(m), "REJECTED: HTTP 401", `header  Www-Authenticate: Bearer realm="events"`, "header  X-Request-Id: r-1")
}

// The subprotocol the server chose is shown with the connection; a
// state that is no refusal shows no headers.
func TestTheChosenSubprotocolIsShown(t *testing.T) {
	m := driveWith(t, newFakeSource(), ui.Provider{}, 160, 40,
		state(0, protocol.State{Phase: protocol.PhaseUpgraded, Info: map[string]string{"subprotocol": "graphql-transport-ws"}}),
		state(1, protocol.State{Phase: protocol.PhaseLive}))
	s := screen(m)
	mustContain(t, s, "proto   graphql-transport-ws")
	mustNotContain(t, s, "header  ")
}
