package ringcentral

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// ledgerOf reads the whole ledger once every entry is settled (or
// fails): the state a test compares a client's output with.
func ledgerOf(t *testing.T, s *Server) []LedgerEntry {
	t.Helper()
	var p LedgerPage
	eventually(t, "every ledger entry to settle", func() bool {
		p = s.Ledger(0, 100000)
		for _, e := range p.Entries {
			if !e.Settled {
				return false
			}
		}
		return true
	})
	return p.Entries
}

// The ledger follows a notification through a drop and a recovery: one
// the client read was written on its first connection; one made while
// it was away, then replayed, on the second; one pushed out of a full
// buffer before the client came back was never written and is lost for
// overflow; and when the session is forgotten, what it still held is
// evicted as forgotten.
func TestTheLedgerSaysWhereEveryNotificationWent(t *testing.T) {
	s, base := startSim(t, Config{BufferSize: 3})
	c, wt, info, _ := liveSubscribed(t, s, base)
	s.Generate("", "sms", 1) // sequence 2: read on c1
	f, n := c.notification()
	last := f.Meta.WSC
	s.Drop("")
	c.readClosed()
	eventually(t, "the server to notice the drop", func() bool { return s.Counters().Open == 0 })
	s.Generate("", "sms", 5) // 3..7 while away; the buffer of 3 keeps 5..7
	c2, _, err := dialWS(t, wt, last.Token)
	if err != nil {
		t.Fatal(err)
	}
	c2.readType(typeConnectionDetails)
	for want := uint64(5); want <= 7; want++ {
		if f, _ := c2.notification(); f.Meta.WSC.Sequence != want {
			t.Fatalf("replayed %d, want %d", f.Meta.WSC.Sequence, want)
		}
	}
	s.Forget("")
	c2.readClosed()

	es := ledgerOf(t, s)
	if len(es) != 6 {
		t.Fatalf("ledger has %d entries, want the 6 notifications made", len(es))
	}
	for i, e := range es {
		if e.Seq != uint64(i+1) || e.Sequence != uint64(i+2) || e.Subscription != info.ID || e.Session == "" || e.Source != SourceSent {
			t.Fatalf("entry %d: %+v", i, e)
		}
	}
	if es[0].UUID != n.UUID {
		t.Errorf("entry of sequence 2 has uuid %s, the client read %s", es[0].UUID, n.UUID)
	}
	want := []struct {
		written []string
		evicted string
		lost    bool
	}{
		{[]string{"c1"}, EvictedOverflow, false},
		{nil, EvictedOverflow, true},
		{nil, EvictedOverflow, true},
		{[]string{"c2"}, EvictedForgotten, false},
		{[]string{"c2"}, EvictedForgotten, false},
		{[]string{"c2"}, EvictedForgotten, false},
	}
	for i, w := range want {
		e := es[i]
		if e.EvictedAt.Before(e.Time) {
			t.Errorf("sequence %d evicted at %s, before it was made at %s", e.Sequence, e.EvictedAt, e.Time)
		}
		if !slices.Equal(e.Written, w.written) && !(len(e.Written) == 0 && len(w.written) == 0) || e.Evicted != w.evicted || e.Lost != w.lost || e.Pending != 0 {
			t.Errorf("sequence %d: written %v evicted %q lost %v pending %d; want written %v evicted %q lost %v",
				e.Sequence, e.Written, e.Evicted, e.Lost, e.Pending, w.written, w.evicted, w.lost)
		}
	}
	lost := 0
	for _, e := range es {
		if e.Lost {
			lost++
		}
	}
	if got := s.Counters().Dropped; got != uint64(lost) {
		t.Errorf("the counters say %d dropped, the ledger %d lost", got, lost)
	}
}

// A notification queued on a connection that is cut before writing it
// is discarded there, and still buffered until the session goes.
func TestTheLedgerNamesTheConnectionThatDiscardedACopy(t *testing.T) {
	s, base := startSim(t, Config{})
	c, _, _, _ := liveSubscribed(t, s, base)
	s.SetFrameDelay(5 * time.Second) // hold the writer so the cut comes first
	s.Generate("", "sms", 1)
	s.Drop("")
	c.readClosed()
	eventually(t, "the copy to be discarded", func() bool {
		p := s.Ledger(0, 10)
		return len(p.Entries) == 1 && p.Entries[0].Pending == 0
	})
	e := s.Ledger(0, 10).Entries[0]
	if !slices.Equal(e.Discarded, []string{"c1"}) || len(e.Written) != 0 || e.Evicted != "" || e.Settled || e.Lost {
		t.Fatalf("entry %+v: want discarded on c1, still buffered, not settled", e)
	}
	s.Forget("")
	if e := ledgerOf(t, s)[0]; e.Evicted != EvictedForgotten || !e.Lost {
		t.Fatalf("after forget: %+v", e)
	}
}

func TestTheLedgerKeepsTheNewestAndPages(t *testing.T) {
	s, base := startSim(t, Config{LedgerSize: 10})
	liveSubscribed(t, s, base)
	s.Generate("", "sms", 25)
	p := s.Ledger(0, 100)
	if len(p.Entries) != 10 || p.Entries[0].Seq != 16 || p.Dropped != 15 || p.Next != 25 {
		t.Fatalf("page from 0: %d entries from %d, dropped %d, next %d", len(p.Entries), p.Entries[0].Seq, p.Dropped, p.Next)
	}
	if p := s.Ledger(20, 3); len(p.Entries) != 3 || p.Entries[0].Seq != 21 || p.Next != 23 {
		t.Fatalf("page from 20: %+v", p)
	}
	if p := s.Ledger(25, 3); len(p.Entries) != 0 || p.Next != 25 {
		t.Fatalf("page at the end: %+v", p)
	}
	if p := s.Ledger(1000, 3); len(p.Entries) != 0 || p.Next != 1000 {
		t.Fatalf("page past the end: %+v", p)
	}
}

func TestNoLedgerWhenSwitchedOff(t *testing.T) {
	s, base := startSim(t, Config{LedgerSize: -1})
	c, _, _, _ := liveSubscribed(t, s, base)
	s.Generate("", "sms", 2)
	c.notification()
	c.notification()
	if p := s.Ledger(0, 10); len(p.Entries) != 0 {
		t.Fatalf("ledger off, yet %d entries", len(p.Entries))
	}
	// The core counts a write after it returns, maybe after the read.
	eventually(t, "2 delivered without a ledger", func() bool { return s.Counters().Delivered == 2 })
}

func TestTheLedgerOverTheControlAPI(t *testing.T) {
	s, base := startSim(t, Config{})
	liveSubscribed(t, s, base)
	s.Generate("", "sms", 3)
	get := func(q string) (int, string) {
		resp, err := http.Get(base + ControlPrefix + "ledger" + q)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := get("?since=1&limit=1")
	var p LedgerPage
	if err := json.Unmarshal([]byte(body), &p); code != 200 || err != nil || len(p.Entries) != 1 || p.Entries[0].Sequence != 3 || p.Next != 2 {
		t.Fatalf("GET ledger: %d %s", code, body)
	}
	for _, q := range []string{"?since=x", "?limit=0", "?limit=10001", "?since=" + strings.Repeat("9", 500)} {
		if code, body := get(q); code != 400 || !strings.Contains(body, "must be") || len(body) > 400 {
			t.Errorf("GET ledger%.40s: %d %s, want a clear 400", q, code, body)
		}
	}
}
