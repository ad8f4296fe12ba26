package main

import (
	"fmt"
	"time"
)

// accounting is the comparison of evtap's output with the emulator's
// ledger, notification by notification.
type accounting struct {
	notifications int // in the ledger
	sessions      int // with at least one notification
	shown         int // notifications evtap showed at least once
	replayed      int // shown marked replayed
	duplicates    int // notifications shown more than once
	dupMarked     int // of which evtap marked the repeat as a duplicate
	uuidMismatch  int // shown with a uuid the emulator did not give that sequence
	notInLedger   int // shown, but the ledger has no such notification
	neverWritten  int // shown, but the emulator never wrote it
	unaccounted   int // sequences missing from the ledger

	countedGaps    int    // gaps with a count
	countedMissed  uint64 // what evtap's counted gaps say was missed
	ledgerInGaps   int    // notifications evtap never showed that its counted gaps cover
	falseGap       int    // notifications a counted gap covers that evtap did show
	doubleGap      int    // notifications two gaps cover
	badGapCount    int    // gaps whose Missed is not To-From+1
	gapNoSession   int    // gaps on a connection that showed no event
	unknownGaps    int    // gaps of unknown size (a new session)
	sessionsShown  int    // sessions evtap showed events of
	forgottenTails int    // sessions whose unshown tail went with a forget
	tailLost       int    // notifications lost with a forgotten session (no count is possible)

	windowLoss   int      // never shown although still in the buffer when evtap recovered
	receivedLoss int      // never shown although written before one evtap showed from the same connection
	noGapLoss    int      // never shown, in no gap, not lost with a forgotten session
	examples     []string // the first few losses, described
	mapping      string   // why evtap's connections could not be matched to the emulator's, if so
}

func (a *accounting) example(format string, args ...any) {
	if len(a.examples) < 8 {
		a.examples = append(a.examples, fmt.Sprintf(format, args...))
	}
}

// losses is everything that counts as lost or duplicated inside the
// recovery window.
func (a *accounting) losses() int {
	return a.windowLoss + a.receivedLoss + a.noGapLoss + a.notInLedger + a.neverWritten + a.uuidMismatch + a.falseGap + a.doubleGap + a.badGapCount
}

// account compares. It runs once everything has been read, so it takes
// no locks.
func (r *run) account() accounting {
	t, o := r.tally, r.obs
	var a accounting
	a.notifications = t.entries
	a.unaccounted = len(t.early)

	// evtap numbers its connections per dial; the emulator per upgrade.
	// With one client and nothing refused, the k-th connection evtap saw
	// upgraded is the emulator's ck. Checked below against the ledger.
	emuConn := map[uint32]uint32{}
	for k, n := range o.upgrades {
		emuConn[uint32(n)] = uint32(k + 1)
	}
	recoveredAt := map[int]int64{} // evtap connection → ns since start
	for n, c := range o.conns {
		if !c.recoveredAt.IsZero() {
			recoveredAt[n] = t.since(c.recoveredAt)
		}
	}
	// Pass 1: what was shown, and from which connection.
	connSession := map[uint32]*session{}
	maxShownVia := map[uint32]uint64{} // emulator connection → newest sequence shown from it
	badMap := 0
	for _, s := range t.order {
		if len(s.notes) > 0 {
			a.sessions++
		}
		shownAny := false
		for i := range s.notes {
			n := &s.notes[i]
			seq := s.base + uint64(i)
			if !n.inLedger {
				if n.shown > 0 {
					a.notInLedger++
					a.example("session %s sequence %d: shown, but not in the ledger", s.id, seq)
				} else {
					a.unaccounted++
				}
				continue
			}
			if n.shown == 0 {
				continue
			}
			shownAny = true
			a.shown++
			if n.replayed > 0 {
				a.replayed++
			}
			if n.shown > 1 {
				a.duplicates++
				if n.dupMarked > 0 {
					a.dupMarked++
				}
				a.example("session %s sequence %d: shown %d times (%d marked duplicate)", s.id, seq, n.shown, n.dupMarked)
			}
			if n.shownUUID != n.uuid {
				a.uuidMismatch++
				a.example("session %s sequence %d: shown with another uuid than the emulator gave it", s.id, seq)
			}
			if n.writes == 0 {
				a.neverWritten++
				a.example("session %s sequence %d: shown, but the emulator never wrote it", s.id, seq)
			}
			connSession[n.shownConn] = s
			if c := emuConn[n.shownConn]; c != 0 && n.writes <= 2 {
				if n.conns[0] != c && n.conns[1] != c {
					badMap++
				} else if seq > maxShownVia[c] {
					maxShownVia[c] = seq
				}
			}
		}
		if shownAny {
			a.sessionsShown++
		}
	}
	if badMap > 0 {
		a.mapping = fmt.Sprintf("%d notifications shown on a connection the emulator did not write them on: evtap's connections could not be matched to the emulator's, so losses after receipt were not checked", badMap)
		maxShownVia = nil
	}

	// Pass 2: the gaps evtap reported.
	inGap := map[*session]map[uint64]bool{}
	for _, g := range o.gaps {
		s := connSession[uint32(g.conn)]
		if g.gap.Missed == 0 && g.gap.From == 0 && g.gap.To == 0 {
			a.unknownGaps++
			continue
		}
		a.countedGaps++
		a.countedMissed += uint64(g.gap.Missed)
		if g.gap.To < g.gap.From || uint64(g.gap.Missed) != g.gap.To-g.gap.From+1 {
			a.badGapCount++
			a.example("gap %d..%d says %d missed", g.gap.From, g.gap.To, g.gap.Missed)
			continue
		}
		if s == nil {
			a.gapNoSession++
			continue
		}
		if inGap[s] == nil {
			inGap[s] = map[uint64]bool{}
		}
		rec, recovered := recoveredAt[g.conn]
		for seq := g.gap.From; seq <= g.gap.To && seq-g.gap.From < 1<<24; seq++ {
			if seq < s.base || seq-s.base >= uint64(len(s.notes)) {
				a.falseGap++
				a.example("gap %d..%d on connection %d: sequence %d was never made", g.gap.From, g.gap.To, g.conn, seq)
				continue
			}
			n := &s.notes[seq-s.base]
			if inGap[s][seq] {
				a.doubleGap++
				continue
			}
			inGap[s][seq] = true
			if n.shown > 0 {
				a.falseGap++
				a.example("gap %d..%d on connection %d counts sequence %d, which evtap showed", g.gap.From, g.gap.To, g.conn, seq)
				continue
			}
			a.ledgerInGaps++
			// A counted gap is right only for what the buffer had let go
			// before evtap came back for it: the emulator answered the
			// recovery before evtap said recovered, so a notification
			// evicted after that was still there to replay.
			if !recovered || n.evicted != evictOverflow || n.evictedAt > rec {
				a.windowLoss++
				if recovered {
					a.example("session %s sequence %d: in gap %d..%d, but still in the recovery buffer when connection %d recovered (evicted %s after start, recovered %s)",
						s.id, seq, g.gap.From, g.gap.To, g.conn, time.Duration(n.evictedAt), time.Duration(rec))
				} else {
					a.example("session %s sequence %d: in gap %d..%d on connection %d, which never recovered", s.id, seq, g.gap.From, g.gap.To, g.conn)
				}
			}
		}
	}

	// Pass 3: every notification evtap never showed.
	for si, s := range t.order {
		last := uint64(0)
		for i := len(s.notes) - 1; i >= 0; i-- {
			if s.notes[i].shown > 0 {
				last = s.base + uint64(i)
				break
			}
		}
		forgotten := len(s.notes) > 0 && s.notes[len(s.notes)-1].evicted == evictForgotten
		tail := 0
		for i := range s.notes {
			n := &s.notes[i]
			seq := s.base + uint64(i)
			if !n.inLedger || n.shown > 0 {
				continue
			}
			// Gap or not, one written on a connection before a later one
			// evtap showed from it reached evtap and was lost there.
			if maxShownVia != nil {
				for k := 0; k < int(min(n.writes, 2)); k++ {
					if c := n.conns[k]; c != 0 && maxShownVia[c] > seq {
						a.receivedLoss++
						a.example("session %s sequence %d: written on c%d before sequence %d, which evtap showed from c%d, yet never shown", s.id, seq, c, maxShownVia[c], c)
						break
					}
				}
			}
			if inGap[s][seq] {
				continue
			}
			// What a forgotten session still had after the last one evtap
			// showed went with it: no one can count it, and evtap says so
			// with a gap of unknown size on the next session. The last
			// session is not forgotten by the chaos (the soak forgets it
			// only after evtap has caught up and exited).
			if seq > last && forgotten && si < len(t.order)-1 {
				tail++
				continue
			}
			a.noGapLoss++
			a.example("session %s sequence %d: never shown, in no gap (evicted %q, written %d times)", s.id, seq, evictName(n.evicted), n.writes)
		}
		if tail > 0 {
			a.forgottenTails++
			a.tailLost += tail
		}
	}
	return a
}

func evictName(c uint8) string {
	switch c {
	case evictNone:
		return "still buffered"
	case evictOverflow:
		return "overflow"
	case evictForgotten:
		return "forgotten"
	}
	return "other"
}
