package dialpad

import (
	"net/http"
	"strconv"
	"strings"
)

// maxLimit bounds ?limit= (the spec's introduction: "List APIs support a
// limit and cursor parameter"; it gives no maximum).
const maxLimit = 100

// page reads ?cursor= and ?limit= for list: the creation sequence to
// start after and how many items to answer.
func (s *Server) page(r *http.Request, list string) (after uint64, limit int, e *apiError) {
	q := r.URL.Query()
	limit = s.cfg.PageSize
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			return 0, 0, paramError("limit", "must be a whole number from 1 to %d, not %q", maxLimit, clip([]byte(v)))
		}
		limit = n
	}
	if c := q.Get("cursor"); c != "" {
		after, e = decodeCursor(list, c)
	}
	return after, limit, e
}

// A cursor is opaque to clients; inside it names the list and the
// creation sequence of the last item answered, so deleting items between
// pages neither repeats nor skips any.
func encodeCursor(list string, seq uint64) string {
	return b64.EncodeToString([]byte("evtap:" + list + ":" + strconv.FormatUint(seq, 10)))
}

func decodeCursor(list, c string) (uint64, *apiError) {
	bad := paramError("cursor", "not a cursor this list handed out")
	raw, err := b64.DecodeString(c)
	if err != nil {
		return 0, bad
	}
	rest, ok := strings.CutPrefix(string(raw), "evtap:"+list+":")
	if !ok {
		return 0, bad
	}
	seq, err := strconv.ParseUint(rest, 10, 64)
	if err != nil {
		return 0, bad
	}
	return seq, nil
}

// collection is the shape of every list answer: items, and a cursor
// while more remain (absent on the last page, which ends the python
// SDK's loop).
type collection struct {
	Cursor string `json:"cursor,omitempty"`
	Items  []any  `json:"items"`
}

// paginate picks the page after sequence after from items sorted by
// sequence; seqOf reads an item's sequence, render makes its JSON.
func paginate[T any](list string, items []T, seqOf func(T) uint64, after uint64, limit int, render func(T) any) collection {
	out := collection{Items: []any{}}
	var last uint64
	for _, it := range items {
		if seqOf(it) <= after {
			continue
		}
		if len(out.Items) == limit {
			out.Cursor = encodeCursor(list, last)
			break
		}
		out.Items = append(out.Items, render(it))
		last = seqOf(it)
	}
	return out
}
