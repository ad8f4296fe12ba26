package dialpad

import (
	"sync"
	"time"
)

// limiter counts requests per operation in fixed windows. The spec gives
// each operation its own "Rate limit: N per minute"; the emulator counts
// each operation on its own (evtap's reading) for its one API key.
type limiter struct {
	mu      sync.Mutex
	windows map[string]*window
}

type window struct {
	start time.Time
	n     int
}

func newLimiter() *limiter { return &limiter{windows: map[string]*window{}} }

// allow counts one request of op and reports whether it is within limit
// per length; if not, how long until the window ends. A negative limit
// allows everything.
func (l *limiter) allow(op string, limit int, length time.Duration, now time.Time) (bool, time.Duration) {
	if limit < 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.windows[op]
	if w == nil || !now.Before(w.start.Add(length)) || now.Before(w.start) {
		w = &window{start: now}
		l.windows[op] = w
	}
	if w.n >= limit {
		return false, w.start.Add(length).Sub(now)
	}
	w.n++
	return true, 0
}
