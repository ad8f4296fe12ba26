package run

import (
	"testing"

	"github.com/evtap/evtap/protocol"
)

func TestSpoolDeliversEverythingInOrderWhileTheConsumerStalls(t *testing.T) {
	q := newSpool(0)
	release := make(chan struct{})
	got := make(chan []int, 1)
	go func() {
		var seen []int
		q.drain(func(batch []protocol.Update) bool {
			<-release // the consumer is stalled until every put has returned
			for _, u := range batch {
				seen = append(seen, u.Conn)
			}
			return true
		})
		got <- seen
	}()
	const n = 10000
	for i := 0; i < n; i++ {
		q.put(protocol.Update{Conn: i}) // would deadlock here if put blocked
	}
	q.close()
	close(release)
	seen := <-got
	if len(seen) != n {
		t.Fatalf("want %d Updates, got %d", n, len(seen))
	}
	for i, c := range seen {
		if c != i {
			t.Fatalf("Update %d arrived at position %d", c, i)
		}
	}
}

func TestSpoolStopsWhenTheConsumerIsGone(t *testing.T) {
	q := newSpool(0)
	for i := 0; i < 5; i++ {
		q.put(protocol.Update{Conn: i})
	}
	calls := 0
	q.drain(func([]protocol.Update) bool { calls++; return false }) // returns: the consumer said stop
	if calls != 1 {
		t.Fatalf("draining went on after the consumer said stop: %d calls", calls)
	}
	q.put(protocol.Update{}) // putting after the consumer left must not block
	q.drain(func([]protocol.Update) bool { t.Fatal("what was left after the stop was handed out"); return true })
}
