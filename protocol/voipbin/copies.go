package voipbin

import "hash/fnv"

// copiesKept bounds how many recent payloads are remembered for
// duplicate marking: the copies of one event arrive together (the server
// publishes its topic strings one after another), so a short memory is
// enough and a long stream costs no more.
const copiesKept = 1024

// copies counts how many times each recent payload arrived on this
// connection.
//
// The same event is the same payload, byte for byte: VoIPBin marshals an
// event once and publishes those bytes under each of its topic strings
// (A7), so its copies are identical, while two different events of one
// resource differ at least in status or tm_update (and a speech event in
// its fresh id). A payload is a copy only while it has arrived no more
// times than the number of matching topic strings it can have been
// published under; one more arrival is a new event with the same content.
type copies struct {
	n    map[uint64]uint8
	ring [copiesKept]uint64
	next int
}

// add records one arrival of payload and returns which copy it is
// (1 = the first), given that at most limit copies can come from one
// publication.
func (c *copies) add(payload []byte, limit int) int {
	if c.n == nil {
		c.n = make(map[uint64]uint8, 64)
	}
	h := fnv.New64a()
	_, _ = h.Write(payload)
	key := h.Sum64()
	prev, seen := c.n[key]
	k := int(prev) + 1
	if k > limit || k > 255 {
		k = 1
	}
	if !seen {
		if old := c.ring[c.next]; old != 0 {
			delete(c.n, old)
		}
		c.ring[c.next] = key
		c.next = (c.next + 1) % copiesKept
	}
	c.n[key] = uint8(k)
	return k
}

func (c *copies) reset() {
	clear(c.n)
	c.ring = [copiesKept]uint64{}
	c.next = 0
}

// memory is a bounded map of recent ids to a value (an agent's last
// status, a speech stream seen).
type memory map[string]string

const memoryKept = 4096

func (m *memory) put(k, v string) {
	if *m == nil {
		*m = make(memory)
	}
	if len(*m) >= memoryKept {
		clear(*m)
	}
	(*m)[k] = v
}
