package pubnub

// recentIDs recognises a notification uuid among the last recentIDCount
// seen: RingCentral may publish a notification again, and a catch-up
// after a resumed poll can overlap what arrived before the drop.
type recentIDs struct {
	set  map[string]struct{}
	ring []string
	next int
}

const recentIDCount = 1024

// seen reports whether id was seen recently, and remembers it.
func (r *recentIDs) seen(id string) bool {
	if _, ok := r.set[id]; ok {
		return true
	}
	if r.set == nil {
		r.set, r.ring = make(map[string]struct{}, recentIDCount), make([]string, recentIDCount)
	}
	if old := r.ring[r.next]; old != "" {
		delete(r.set, old)
	}
	r.ring[r.next] = id
	r.next = (r.next + 1) % recentIDCount
	r.set[id] = struct{}{}
	return false
}
