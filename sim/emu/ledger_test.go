package emu

import (
	"encoding/json"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
)

type entry struct {
	Seq  uint64   `json:"seq"`
	Tags []string `json:"tags"`
}

func newTestLedger(size int) *Ledger[entry] {
	return NewLedger(size, func(e *entry, seq uint64) { e.Seq = seq },
		func(e *entry) entry { c := *e; c.Tags = append([]string{}, e.Tags...); return c })
}

func seqs(p LedgerPage[entry]) []uint64 {
	out := []uint64{}
	for _, e := range p.Entries {
		out = append(out, e.Seq)
	}
	return out
}

func sameSeqs(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestLedgerPagesTheNewestEntriesInOrder(t *testing.T) {
	l := newTestLedger(5)
	for i := 0; i < 12; i++ { // past the size twice, so it compacts
		l.Add(&entry{})
	}
	for _, c := range []struct {
		since uint64
		limit int
		want  []uint64
		next  uint64
	}{
		{0, 100, []uint64{8, 9, 10, 11, 12}, 12}, // the oldest kept on
		{3, 2, []uint64{8, 9}, 9},                // since before what is kept
		{7, 2, []uint64{8, 9}, 9},
		{9, 100, []uint64{10, 11, 12}, 12},
		{12, 100, []uint64{}, 12}, // nothing new: next stays
		{40, 100, []uint64{}, 40},
		{math.MaxUint64, 100, []uint64{}, math.MaxUint64},
	} {
		p := l.Page(c.since, c.limit)
		if !sameSeqs(seqs(p), c.want) || p.Next != c.next || p.Dropped != 7 {
			t.Errorf("Page(%d, %d) = %v next %d dropped %d; want %v next %d dropped 7",
				c.since, c.limit, seqs(p), p.Next, p.Dropped, c.want, c.next)
		}
	}
}

func TestLedgerCopiesWhatDoChangesLater(t *testing.T) {
	l := newTestLedger(10)
	e := &entry{}
	l.Add(e)
	l.Do(func() { e.Tags = append(e.Tags, "c1") })
	before := l.Page(0, 1).Entries[0]
	one := l.Copy(e)
	l.Do(func() { e.Tags = append(e.Tags, "c2") })
	if len(before.Tags) != 1 || len(one.Tags) != 1 || len(l.Page(0, 1).Entries[0].Tags) != 2 {
		t.Errorf("copies %v %v changed with the entry, or the entry did not: %v", before.Tags, one.Tags, e.Tags)
	}
}

func TestANilLedgerAnswersEmptyPages(t *testing.T) {
	var l *Ledger[entry]
	if p := l.Page(3, 10); len(p.Entries) != 0 || p.Entries == nil || p.Next != 3 || p.Dropped != 0 {
		t.Errorf("nil ledger page %+v, want no entries ([] in JSON) and next 3", p)
	}
}

func TestHandleLedgerReadsSinceAndLimit(t *testing.T) {
	s, base := newEcho(t, Config{})
	l := newTestLedger(100)
	for i := 0; i < 3; i++ {
		l.Add(&entry{})
	}
	s.HandleLedger(func(since uint64, limit int) any { return l.Page(since, limit) })
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
	var p LedgerPage[entry]
	if err := json.Unmarshal([]byte(body), &p); code != 200 || err != nil || !sameSeqs(seqs(p), []uint64{2}) || p.Next != 2 {
		t.Errorf("GET ledger?since=1&limit=1: %d %s", code, body)
	}
	if code, body := get(""); code != 200 || !strings.Contains(body, `"next":3`) {
		t.Errorf("GET ledger: %d %s, want all three", code, body)
	}
	for _, q := range []string{"?since=x", "?since=-1", "?limit=0", "?limit=10001", "?since=" + strings.Repeat("9", 500), "?limit=" + strings.Repeat("9", 500)} {
		if code, body := get(q); code != 400 || !strings.Contains(body, "must be") || len(body) > 400 {
			t.Errorf("GET ledger%.40s: %d %s, want a short 400", q, code, body)
		}
	}
}
