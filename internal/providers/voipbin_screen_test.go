package providers_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/evtap/evtap/internal/providers"
	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/ui/shell"
)

// The VoIPBin screen, drawn from a fixed session through the provider's
// own decoder and UI description: the topics with what each matched, the
// copy a 3-part prefix receives marked D, the call's states summarised
// from its own fields, the keepalive pane, and a drop shown as a window in
// which events may have been lost.
func TestTheVoIPBinScreen(t *testing.T) {
	for _, size := range []struct{ w, h int }{{160, 45}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			golden.RequireEqual(t, []byte(voipBinScreen(t, size.w, size.h)))
		})
	}
}

const (
	screenCustomer = "5013bc52-da9a-11ee-844f-2fa34248de28"
	screenCall     = "0c4f3b8e-1a2b-4c5d-8e9f-0a1b2c3d4e5f"
)

var screenT0 = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

// voipBinSession is what a session publishes (frames and states), before
// the decoder: the recorded facts of a short VoIPBin session.
func voipBinSession() []protocol.Update {
	at := func(s float64) time.Time { return screenT0.Add(time.Duration(s * float64(time.Second))) }
	st := func(s float64, conn int, p protocol.State) protocol.Update {
		return protocol.Update{Time: at(s), Kind: protocol.KindState, Conn: conn, State: &p}
	}
	frame := func(s float64, conn int, kind protocol.Kind, data string) protocol.Update {
		return protocol.Update{Time: at(s), Kind: kind, Conn: conn, Frame: &protocol.Frame{Op: protocol.OpText, Data: data, Size: len(data)}}
	}
	topics := `{"type":"subscribe","topics":["customer_id:` + screenCustomer + `:call","customer_id:` + screenCustomer + `:agent:agent_"]}`
	call := func(status, hangup string) string {
		return `{"id":"` + screenCall + `","customer_id":"` + screenCustomer + `","owner_type":"","owner_id":"00000000-0000-0000-0000-000000000000",` +
			`"type":"flow","source":{"type":"tel","target":"+15559298461"},"destination":{"type":"tel","target":"+15550100100"},` +
			`"status":"` + status + `","direction":"incoming","hangup_by":"` + map[bool]string{true: "remote"}[hangup != ""] + `","hangup_reason":"` + hangup + `",` +
			`"tm_create":"2026-11-29T12:00:02.000000000Z","tm_update":"2026-11-29T12:00:0` + map[string]string{"dialing": "2", "ringing": "3", "progressing": "4", "hangup": "9"}[status] + `.000000000Z"}`
	}
	agent := `{"id":"9a1f0c1e-4b9e-4c6e-9a5d-1f2e3d4c5b6a","customer_id":"` + screenCustomer + `","username":"agent@evtap.example","name":"Ada","status":"available","permission":16}`
	url := "ws://127.0.0.1:9/v1.0/ws?token=***"
	var us []protocol.Update
	for conn, t := range []float64{0, 20} {
		conn++
		us = append(us,
			st(t, conn, protocol.State{Phase: protocol.PhaseDialing, URL: url}),
			st(t+0.1, conn, protocol.State{Phase: protocol.PhaseUpgraded, URL: url}),
			st(t+0.1, conn, protocol.State{Phase: protocol.PhaseSubscribing, Cause: "subscribe sent with 2 topic(s)"}),
			frame(t+0.1, conn, protocol.KindSent, topics),
			st(t+1.1, conn, protocol.State{Phase: protocol.PhaseLive, Cause: "the connection survived 1s after the subscribe"}),
		)
		if conn == 2 {
			break
		}
		for i, s := range []string{"dialing", "ringing", "progressing"} {
			c := call(s, "")
			us = append(us, frame(2+float64(i), 1, protocol.KindRecv, c), frame(2+float64(i), 1, protocol.KindRecv, c))
		}
		us = append(us, frame(5, 1, protocol.KindRecv, agent),
			st(12, 1, protocol.State{Phase: protocol.PhaseDropped, Cause: "read error: connection reset by peer"}),
			st(12, 1, protocol.State{Phase: protocol.PhaseBackoff, Attempt: 1, Delay: protocol.Millis(8 * time.Second), Until: at(20)}))
	}
	h := call("hangup", "normal")
	return append(us, frame(22, 2, protocol.KindRecv, h), frame(22, 2, protocol.KindRecv, h))
}

func voipBinScreen(t *testing.T, w, h int) string {
	t.Helper()
	e, ok := providers.Builtin().Lookup("voipbin")
	if !ok {
		t.Fatal("no voipbin entry")
	}
	dec := e.NewDecoder()
	feed := shell.NewFeed(1000)
	for _, u := range voipBinSession() {
		var raw []byte
		if u.Frame != nil {
			raw = []byte(u.Frame.Data)
		}
		derived, _ := dec.Decode(nil, &u, raw)
		feed.Push(u)
		for _, d := range derived {
			d.Time, d.Offset, d.Conn = u.Time, u.Offset, u.Conn
			feed.Push(d)
		}
	}
	src := shell.NewSource(feed, protocol.Controls{protocol.CmdDrop: true, protocol.CmdSetFilters: true}, func(protocol.Command) error { return nil })
	m := shell.New(src, shell.Options{Title: "VoIPBin emulator http://127.0.0.1:9", Provider: e.UI,
		Now: func() time.Time { return screenT0.Add(25 * time.Second) }})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("hangup")) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(shell.Model)
	return ansi.Strip(fm.View().Content)
}
