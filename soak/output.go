package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	"github.com/evtap/evtap/protocol"
)

// update is the part of one headless line the soak reads. Event bodies
// are skipped: the ledger identifies a notification by its session,
// sequence and uuid.
type update struct {
	T     time.Time       `json:"t"`
	Kind  protocol.Kind   `json:"kind"`
	Conn  int             `json:"conn"`
	State *protocol.State `json:"state"`
	Event *struct {
		ID           string `json:"id"`
		Seq          uint64 `json:"seq"`
		Replayed     bool   `json:"replayed"`
		Duplicate    bool   `json:"duplicate"`
		Subscription string `json:"subscription_id"`
	} `json:"event"`
	Gap   *protocol.Gap   `json:"gap"`
	Error *protocol.Error `json:"error"`
}

// drop is one `dropped` state and what followed it.
type drop struct {
	at      time.Time
	conn    int
	cause   string
	working bool // the connection had reached live or recovered
	backoff *protocol.State
	back    time.Time // the next live or recovered; zero if never
}

// gapSeen is one gap Update.
type gapSeen struct {
	at   time.Time
	conn int
	gap  protocol.Gap
}

// connSeen is what evtap said of one of its connections.
type connSeen struct {
	upgraded    bool
	working     bool      // live or recovered
	recoveredAt time.Time // the Successful ConnectionDetails, if any
	failed      bool      // recovery Failed: a new session
}

// observer reads evtap's stdout, slowly, and keeps what the checks
// need. Its methods are safe for concurrent use.
type observer struct {
	t   *tally
	cfg Config

	mu       sync.Mutex
	lines    int
	bytes    int64
	kinds    map[protocol.Kind]int
	events   int
	replayed int
	dupMark  int
	gaps     []gapSeen
	drops    []drop
	conns    map[int]*connSeen
	upgrades []int // evtap's connection numbers in the order they upgraded
	phases   map[protocol.Phase]int
	errors   map[string]int // by where and message
	bad      []string       // lines that are not Updates (the first few)
	last     protocol.Phase
	pauses   int
}

func newObserver(t *tally, cfg Config) *observer {
	return &observer{t: t, cfg: cfg, kinds: map[protocol.Kind]int{}, conns: map[int]*connSeen{},
		phases: map[protocol.Phase]int{}, errors: map[string]int{}}
}

// read consumes r until it ends, pausing as a slow consumer does.
func (o *observer) read(r io.Reader) error {
	br := bufio.NewReaderSize(r, 1<<20)
	n := 0
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			// A line longer than the buffer: gather it whole.
			rest := append([]byte(nil), line...)
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				rest = append(rest, line...)
			}
			line = rest
		}
		if len(line) > 0 {
			o.line(line)
			if n++; n%o.cfg.PauseEvery == 0 && o.cfg.Pause > 0 {
				o.mu.Lock()
				o.pauses++
				o.mu.Unlock()
				time.Sleep(o.cfg.Pause)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// kindOf finds the kind near the start of a line without parsing it:
// frames are most lines and are only counted.
func kindOf(line []byte) protocol.Kind {
	head := line[:min(len(line), 120)]
	i := bytes.Index(head, []byte(`"kind":"`))
	if i < 0 {
		return ""
	}
	rest := head[i+len(`"kind":"`):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return protocol.Kind(rest[:j])
}

func (o *observer) line(line []byte) {
	k := kindOf(line)
	o.mu.Lock()
	o.lines++
	o.bytes += int64(len(line))
	o.kinds[k]++
	o.mu.Unlock()
	switch k {
	case protocol.KindRecv, protocol.KindSent, protocol.KindHeartbeat:
		return
	}
	var u update
	if err := json.Unmarshal(line, &u); err != nil || u.Kind == "" || u.T.IsZero() {
		o.mu.Lock()
		if len(o.bad) < 5 {
			o.bad = append(o.bad, fmt.Sprintf("%.200q (%v)", line, err))
		}
		o.mu.Unlock()
		return
	}
	switch {
	case u.Event != nil:
		o.event(u)
	case u.State != nil:
		o.state(u)
	case u.Gap != nil:
		o.mu.Lock()
		o.gaps = append(o.gaps, gapSeen{at: u.T, conn: u.Conn, gap: *u.Gap})
		o.mu.Unlock()
	case u.Error != nil:
		o.mu.Lock()
		key := u.Error.Where + ": " + u.Error.Message
		if _, ok := o.errors[key]; ok || len(o.errors) < 50 {
			o.errors[key]++
		} else {
			o.errors["(other errors)"]++
		}
		o.mu.Unlock()
	}
}

func (o *observer) event(u update) {
	e := u.Event
	o.mu.Lock()
	o.events++
	if e.Replayed {
		o.replayed++
	}
	if e.Duplicate {
		o.dupMark++
	}
	o.mu.Unlock()
	o.t.show(shownEvent{sub: e.Subscription, seq: e.Seq, uuid: hash32(e.ID), conn: uint32(u.Conn), replayed: e.Replayed, dup: e.Duplicate})
}

func (o *observer) conn(n int) *connSeen {
	c := o.conns[n]
	if c == nil {
		c = &connSeen{}
		o.conns[n] = c
	}
	return c
}

func (o *observer) state(u update) {
	st := u.State
	o.mu.Lock()
	defer o.mu.Unlock()
	o.phases[st.Phase]++
	o.last = st.Phase
	c := o.conn(u.Conn)
	switch st.Phase {
	case protocol.PhaseUpgraded:
		if !c.upgraded {
			c.upgraded = true
			o.upgrades = append(o.upgrades, u.Conn)
		}
	case protocol.PhaseRecovered:
		if c.recoveredAt.IsZero() {
			c.recoveredAt = u.T
		}
		c.working = true
		o.back(u.T)
	case protocol.PhaseRecoveryFailed:
		c.failed = true
	case protocol.PhaseLive:
		c.working = true
		o.back(u.T)
	case protocol.PhaseDropped:
		o.drops = append(o.drops, drop{at: u.T, conn: u.Conn, cause: st.Cause, working: c.working})
	case protocol.PhaseBackoff:
		if n := len(o.drops); n > 0 && o.drops[n-1].backoff == nil {
			b := *st
			o.drops[n-1].backoff = &b
		}
	}
}

// back marks the end of the outage after the last drop. Caller holds mu.
func (o *observer) back(at time.Time) {
	if n := len(o.drops); n > 0 && o.drops[n-1].back.IsZero() {
		o.drops[n-1].back = at
	}
}

// eventCount is how many events evtap has shown.
func (o *observer) eventCount() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.events
}

// phase is the newest phase evtap reported.
func (o *observer) phase() protocol.Phase {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.last
}

// errorList is the errors evtap reported, most frequent first.
func (o *observer) errorList() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	type kv struct {
		k string
		n int
	}
	var all []kv
	for k, n := range o.errors {
		all = append(all, kv{k, n})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].n > all[j].n || all[i].n == all[j].n && all[i].k < all[j].k })
	out := make([]string, len(all))
	for i, e := range all {
		out[i] = fmt.Sprintf("%d× %.160s", e.n, e.k)
	}
	return out
}
