package eventlist

import (
	"encoding/binary"
	"strings"
	"time"
	"unsafe"

	"github.com/evtap/evtap/protocol"
)

// arena holds the Store's events packed end to end in chunks, so that a
// stored event costs its bytes and a few more: no struct of pointers per
// event, no string headers, no size-class rounding per allocation, and
// nothing of the session's kept alive (a body the decoder sliced out of
// a whole frame would keep the frame). A chunk is freed by the garbage
// collector once the last row in it is evicted and no Event unpacked from
// it is held.
//
// A packed event is: Seq (8 bytes), Timestamp as Unix nanoseconds (8),
// its zone's offset in seconds (4), flags (1), then Provider, ID, Name,
// Label, Summary and Subscription, each a uvarint — the length shifted
// left, or the index in the interned strings shifted left with the low
// bit set — followed by the bytes when inline, then the body's length
// and bytes. Bytes once written are never written again, so Events
// unpacked from a chunk stay valid while later events are appended.
type arena struct {
	cur    *chunk
	intern map[string]uint32
	names  []string
}

// chunk is one block of packed events.
type chunk struct{ b []byte }

const (
	chunkSize   = 64 << 10
	maxInterned = 4096 // distinct strings interned; later ones are stored inline
)

// Flags of a packed event.
const (
	flagReplayed = 1 << iota
	flagDuplicate
	flagUTC
	flagNoTime
)

// interned is which of an event's strings repeat from event to event
// (one provider, a few names, labels and subscriptions), in the packed
// order.
var interned = [6]bool{true, false, true, true, false, true}

// pack appends e to the arena and says where it is; false for an event
// it does not pack (one with a seal's verdict, rare), which the Store
// keeps by pointer.
func (a *arena) pack(e *protocol.Event) (*chunk, uint32, bool) {
	if e.Seal != nil {
		return nil, 0, false
	}
	strs := [6]string{e.Provider, e.ID, e.Name, e.Label, e.Summary, e.Subscription}
	var refs [6]uint64
	size := 8 + 8 + 4 + 1
	for i, s := range strs {
		if interned[i] {
			if idx, ok := a.ref(s); ok {
				refs[i] = uint64(idx)<<1 | 1
				size += uvarintLen(refs[i])
				continue
			}
		}
		refs[i] = uint64(len(s)) << 1
		size += uvarintLen(refs[i]) + len(s)
	}
	size += uvarintLen(uint64(len(e.Body))) + len(e.Body)
	ch := a.cur
	if ch == nil || cap(ch.b)-len(ch.b) < size {
		ch = &chunk{b: make([]byte, 0, max(chunkSize, size))}
		if size <= chunkSize {
			a.cur = ch // a larger event has a chunk of its own
		}
	}
	at := len(ch.b)
	b := binary.LittleEndian.AppendUint64(ch.b, e.Seq)
	var flags byte
	var ns int64
	var zone int32
	if e.Timestamp.IsZero() {
		flags |= flagNoTime
	} else {
		ns = e.Timestamp.UnixNano()
		if e.Timestamp.Location() == time.UTC {
			flags |= flagUTC
		} else {
			_, off := e.Timestamp.Zone()
			zone = int32(off)
		}
	}
	if e.Replayed {
		flags |= flagReplayed
	}
	if e.Duplicate {
		flags |= flagDuplicate
	}
	b = binary.LittleEndian.AppendUint64(b, uint64(ns))
	b = binary.LittleEndian.AppendUint32(b, uint32(zone))
	b = append(b, flags)
	for i, s := range strs {
		b = binary.AppendUvarint(b, refs[i])
		if refs[i]&1 == 0 {
			b = append(b, s...)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(e.Body)))
	b = append(b, e.Body...)
	ch.b = b // within the capacity checked above: never moved
	return ch, uint32(at), true
}

// ref interns s, when there is room.
func (a *arena) ref(s string) (uint32, bool) {
	if idx, ok := a.intern[s]; ok {
		return idx, true
	}
	if len(a.names) >= maxInterned {
		return 0, false
	}
	if a.intern == nil {
		a.intern = make(map[string]uint32)
	}
	s = strings.Clone(s) // never keep the session's buffer it may be part of
	a.intern[s] = uint32(len(a.names))
	a.names = append(a.names, s)
	return uint32(len(a.names) - 1), true
}

// unpack builds the event packed at ch.b[at:]. Its strings and body point
// into the chunk.
func (a *arena) unpack(ch *chunk, at uint32) *protocol.Event {
	b := ch.b[at:]
	e := &protocol.Event{Seq: binary.LittleEndian.Uint64(b)}
	ns := int64(binary.LittleEndian.Uint64(b[8:]))
	zone := int32(binary.LittleEndian.Uint32(b[16:]))
	flags := b[20]
	switch {
	case flags&flagNoTime != 0:
	case flags&flagUTC != 0:
		e.Timestamp = time.Unix(0, ns).UTC()
	default:
		e.Timestamp = time.Unix(0, ns).In(time.FixedZone("", int(zone)))
	}
	e.Replayed, e.Duplicate = flags&flagReplayed != 0, flags&flagDuplicate != 0
	i := 21
	var strs [6]string
	for k := range strs {
		ref, n := binary.Uvarint(b[i:])
		i += n
		if ref&1 == 1 {
			strs[k] = a.names[ref>>1]
			continue
		}
		l := int(ref >> 1)
		if l > 0 {
			strs[k] = unsafe.String(&b[i], l)
		}
		i += l
	}
	e.Provider, e.ID, e.Name, e.Label, e.Summary, e.Subscription = strs[0], strs[1], strs[2], strs[3], strs[4], strs[5]
	l, n := binary.Uvarint(b[i:])
	i += n
	if l > 0 {
		e.Body = b[i : i+int(l) : i+int(l)]
	}
	return e
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}
