package pubnub

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Bounds on what clients can make the service hold (evtap's choice; the
// documents give the real service's limits only as URL length).
const (
	// MaxPolls bounds the long-polls held at once; more get 429.
	MaxPolls = 1000
	// MaxURL bounds a request's path and query; a longer one gets 413
	// from the "Balancer", as the real service answers an oversized
	// request.
	MaxURL = 32 << 10
)

// poll is one held long-poll.
type poll struct {
	subKey   string
	channels []string
	wake     chan struct{} // a publish on one of its channels (capacity 1)
	reset    chan struct{} // closed to cut it with a TCP reset
	isCut    bool          // guarded by the service's lock
}

func (w *poll) wakeUp() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// cut asks the handler holding the poll to reset its connection. Caller
// holds the service's lock.
func (w *poll) cut() {
	if !w.isCut {
		w.isCut = true
		close(w.reset)
	}
}

func (w *poll) has(ch string) bool {
	for _, c := range w.channels {
		if c == ch {
			return true
		}
	}
	return false
}

// splitChannels reads the comma-separated channel list of the path
// (already unescaped), dropping empty names.
func splitChannels(s string) []string {
	var out []string
	for _, c := range strings.Split(s, ",") {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

// handleSubscribe is GET /v2/subscribe/{subKey}/{channels}/{callback}.
// Query parameters are read by name in any order; unknown ones (uuid,
// pnsdk, heartbeat, requestid, ee, l_time, auth, ...) are ignored, and a
// repeated requestid is fine (PN12 retries with the same one).
func (p *Service) handleSubscribe(w http.ResponseWriter, r *http.Request) {
	subKey, channels := r.PathValue("subKey"), splitChannels(r.PathValue("channels"))
	p.mu.Lock()
	p.stats.subscribes++
	omit := p.faults.omitCT
	if p.inOutage() {
		p.stats.resets++
		p.mu.Unlock()
		resetConn(w)
		return
	}
	if status := p.refusal(r, subKey, channels); status != 0 {
		p.mu.Unlock()
		p.answerError(w, omit, status, channels)
		return
	}
	tt, handshake, err := ParseTimetoken(r.URL.Query().Get("tt"))
	if err != nil || len(channels) == 0 {
		p.stats.refused[http.StatusBadRequest]++
		p.mu.Unlock()
		p.write(w, omit, http.StatusBadRequest, encode(invalidArgumentsBody()))
		return
	}
	if handshake {
		p.stats.handshakes++
		t := p.clock.next()
		p.mu.Unlock()
		p.write(w, omit, http.StatusOK, encode(subscribeAnswer{T: cursor{t.String(), DefaultRegion}, M: []envelope{}}))
		return
	}
	if msgs := p.since(subKey, channels, tt); len(msgs) > 0 {
		body := p.answer(msgs)
		p.mu.Unlock()
		p.deliver(w, omit, body, msgs)
		return
	}
	if len(p.polls) >= MaxPolls {
		p.stats.refused[http.StatusTooManyRequests]++
		p.mu.Unlock()
		p.write(w, omit, http.StatusTooManyRequests, encode(ErrorBody(http.StatusTooManyRequests, nil)))
		return
	}
	hold := p.hold(subKey, channels)
	p.mu.Unlock()
	defer p.release(hold)

	timer := time.NewTimer(p.cfg.Hold)
	defer timer.Stop()
	for {
		select {
		case <-hold.wake:
			p.mu.Lock()
			msgs := p.since(subKey, channels, tt)
			if len(msgs) == 0 {
				p.mu.Unlock()
				continue // what woke it has expired meanwhile: hold on
			}
			body := p.answer(msgs)
			omit = p.faults.omitCT
			p.mu.Unlock()
			p.deliver(w, omit, body, msgs)
			return
		case <-timer.C:
			p.mu.Lock()
			p.stats.holdExpired++
			omit = p.faults.omitCT
			p.mu.Unlock()
			// Nothing to deliver: the same t, so the client asks again
			// from where it was.
			p.write(w, omit, http.StatusOK, encode(subscribeAnswer{T: cursor{tt.String(), DefaultRegion}, M: []envelope{}}))
			return
		case <-hold.reset:
			p.mu.Lock()
			p.stats.resets++
			p.mu.Unlock()
			resetConn(w)
			return
		case <-r.Context().Done():
			return // the client went away
		case <-p.stopped():
			return
		}
	}
}

// refusal is the error status a subscribe gets before it is read: a
// refusal the operator set, an oversized request, an unknown key. It
// counts it. Caller holds mu.
func (p *Service) refusal(r *http.Request, subKey string, channels []string) int {
	status := p.faults.refuse
	switch {
	case status != 0:
	case len(r.URL.RawQuery)+len(r.URL.EscapedPath()) > MaxURL:
		status = http.StatusRequestEntityTooLarge
	case !p.keys[subKey]:
		status = http.StatusBadRequest
	}
	if status != 0 {
		p.stats.refused[status]++
	}
	return status
}

// answerError writes status with the real service's body for it.
func (p *Service) answerError(w http.ResponseWriter, omit bool, status int, channels []string) {
	p.write(w, omit, status, encode(ErrorBody(status, channels)))
}

// hold registers a long-poll on its channels. Caller holds mu.
func (p *Service) hold(subKey string, channels []string) *poll {
	w := &poll{subKey: subKey, channels: channels, wake: make(chan struct{}, 1), reset: make(chan struct{})}
	p.polls[w] = true
	for _, c := range channels {
		p.channel(chanKey{subKey, c}).waiters[w] = true
	}
	return w
}

// release unregisters a long-poll that has ended.
func (p *Service) release(w *poll) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.polls, w)
	for _, c := range w.channels {
		if ch := p.channels[chanKey{w.subKey, c}]; ch != nil {
			delete(ch.waiters, w)
			p.forgetIdle(ch)
		}
	}
}

// answer encodes the messages as a subscribe answer whose t is the
// newest one's timetoken. Caller holds mu.
func (p *Service) answer(msgs []*message) []byte {
	a := subscribeAnswer{T: cursor{msgs[len(msgs)-1].tt.String(), DefaultRegion}, M: make([]envelope, len(msgs))}
	for i, m := range msgs {
		a.M[i] = envelope{A: "3", F: 0, I: m.publisher, P: cursor{m.tt.String(), DefaultRegion},
			K: m.key.subKey, C: m.key.name, B: m.key.name, D: m.data}
	}
	return encode(a)
}

// deliver writes an answer carrying msgs and, once it is written,
// counts each message delivered in the ledger.
func (p *Service) deliver(w http.ResponseWriter, omit bool, body []byte, msgs []*message) {
	if err := p.write(w, omit, http.StatusOK, body); err != nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stats.answered++
	p.stats.deliveries += uint64(len(msgs))
	for _, m := range msgs {
		m.entry.Deliveries++
	}
}

// write answers with the service's headers: Content-Type on every
// answer, errors included, unless the fault omits it (then none at all:
// net/http would otherwise sniff one).
func (p *Service) write(w http.ResponseWriter, omit bool, status int, body []byte) error {
	h := w.Header()
	if omit {
		h["Content-Type"] = nil
	} else {
		h.Set("Content-Type", ContentType)
	}
	h.Set("Cache-Control", "no-cache")
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, err := w.Write(body)
	if err == nil {
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
	return err
}

// resetConn cuts the request's connection with a TCP reset (SO_LINGER
// 0), as a network failure would; the client gets ECONNRESET, not an
// answer.
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler) // closes the connection without an answer
	}
	c, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}

// stopped is closed when the emulator closes.
func (p *Service) stopped() <-chan struct{} {
	if p.srv == nil {
		return nil
	}
	return p.srv.Stopped()
}
