package emu

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func TestControlAPIOverHTTP(t *testing.T) {
	e, base := newEcho(t, Config{})
	cl := dial(t, base)
	e.only(t)

	if code, out := post(t, base, "inject-raw", `{"not":"valid`); code != 200 || out["affected"] != 1.0 {
		t.Fatalf("inject-raw: %d %v", code, out)
	}
	if got := cl.read(); got != `{"not":"valid` {
		t.Fatalf("raw frame %q", got)
	}
	for action, check := range map[string]func(Counters) bool{
		"pause":            func(c Counters) bool { return c.Paused },
		"resume":           func(c Counters) bool { return !c.Paused },
		"rate?perSec=250":  func(c Counters) bool { return c.Rate == 250 },
		"delay?d=5ms":      func(c Counters) bool { return c.FrameDelay == 5*time.Millisecond },
		"reorder?on=true":  func(c Counters) bool { return c.Reorder },
		"reorder?on=false": func(c Counters) bool { return !c.Reorder },
	} {
		if code, out := post(t, base, action, ""); code != 200 || out["affected"] != 1.0 {
			t.Fatalf("%s: %d %v", action, code, out)
		}
		if c := getCounters(t, base); !check(c) {
			t.Errorf("%s: counters %+v", action, c)
		}
	}
	for _, bad := range []string{"rate?perSec=-1", "rate?perSec=1e9", "rate?perSec=lots", "close?code=99", "close?code=1006",
		"close?code=soon", "delay?d=soon", "reorder?on=maybe"} {
		if code, out := post(t, base, bad, ""); code != 400 || out["error"] == "" {
			t.Errorf("%s: %d %v, want 400 with an error", bad, code, out)
		}
	}
	if code, out := post(t, base, "inject-raw", strings.Repeat("x", MaxBody+1)); code != 400 || !strings.Contains(out["error"].(string), "longer") {
		t.Errorf("oversized body: %d %v", code, out)
	}
	if code, out := post(t, base, "close?conn=c1&code=4002&reason=bye", ""); code != 200 || out["affected"] != 1.0 {
		t.Fatalf("close: %d %v", code, out)
	}
	var ce *websocket.CloseError
	if err := cl.readClosed(); !errors.As(err, &ce) || ce.Code != 4002 || ce.Text != "bye" {
		t.Fatalf("close seen by the client: %v", err)
	}
	eventually(t, "no connection", func() bool { return getCounters(t, base).Open == 0 })
	if code, out := post(t, base, "drop", ""); code != 200 || out["affected"] != 0.0 {
		t.Fatalf("drop with nothing open: %d %v", code, out)
	}
	dial(t, base)
	if code, out := post(t, base, "drop?conn=c2", ""); code != 200 || out["affected"] != 1.0 {
		t.Fatalf("drop c2: %d %v", code, out)
	}
	c := getCounters(t, base)
	if c.Connections != 2 || c.MaxRate != MaxRate || c.MaxQueued != DefaultMaxQueued {
		t.Fatalf("counters %+v", c)
	}
	resp, err := http.Get(base + ControlPrefix + "drop")
	if err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET on an action: %v %v", resp, err)
	}
	resp.Body.Close()
}

func TestAProviderAddsControlActionsAndCounters(t *testing.T) {
	type mine struct {
		Counters
		Widgets int `json:"widgets"`
	}
	var e *echo
	e, base := newEcho(t, Config{Counters: func() any { return mine{e.Counters(), 7} }})
	e.Control("frob", func(r *http.Request) (int, error) {
		if r.URL.Query().Get("hard") == "" {
			return 0, fmt.Errorf("hard must be set")
		}
		return 3, nil
	})
	if code, out := post(t, base, "frob?hard=1", ""); code != 200 || out["affected"] != 3.0 {
		t.Fatalf("frob: %d %v", code, out)
	}
	if code, out := post(t, base, "frob", ""); code != 400 || out["error"] != "hard must be set" {
		t.Fatalf("frob without hard: %d %v", code, out)
	}
	resp, err := http.Get(base + ControlPrefix + "counters")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	n, _ := resp.Body.Read(buf)
	b.Write(buf[:n])
	if !strings.Contains(b.String(), `"widgets":7`) || !strings.Contains(b.String(), `"generated":`) {
		t.Fatalf("counters %s", b.String())
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a second frob was accepted")
		}
	}()
	e.Control("frob", nil)
}

func TestIntParamTakesTheDefaultOrANumberInRange(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
		err  string
	}{
		{"", 7, ""},
		{"1", 1, ""},
		{"10", 10, ""},
		{"0", 0, `count must be a whole number from 1 to 10, got "0"`},
		{"11", 0, `count must be a whole number from 1 to 10, got "11"`},
		{"2.5", 0, `count must be a whole number from 1 to 10, got "2.5"`},
	} {
		n, err := IntParam(c.in, 7, 1, 10, "count")
		if n != c.want || (err == nil) != (c.err == "") || err != nil && err.Error() != c.err {
			t.Errorf("IntParam(%q) = %d, %v; want %d, %q", c.in, n, err, c.want, c.err)
		}
	}
}
