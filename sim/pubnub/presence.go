package pubnub

import "net/http"

// handleTime is GET /time/{callback}: [<timetoken>]. PN4, PN7 and PN8
// poll it every 3 s after a network error and resubscribe on its first
// answer, so stalling it keeps them away (StallTime).
func (p *Service) handleTime(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.stats.times++
	if p.inOutage() {
		p.stats.resets++
		p.mu.Unlock()
		resetConn(w)
		return
	}
	stall := p.faults.stall
	p.mu.Unlock()
	if stall != nil {
		select {
		case <-stall:
		case <-r.Context().Done():
			return
		case <-p.stopped():
			return
		}
	}
	p.mu.Lock()
	omit := p.faults.omitCT
	p.mu.Unlock()
	p.write(w, omit, http.StatusOK, timeAnswer(p.Now()))
}

// handlePresence answers GET /v2/presence/sub-key/{subKey}/channel/
// {channels}/heartbeat and .../leave: 200 with the Presence service's
// OK body (any 200 JSON works for the clients; a body with error set
// would count as a failure).
func (p *Service) handlePresence(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		if action == "leave" {
			p.stats.leaves++
		} else {
			p.stats.heartbeats++
		}
		omit := p.faults.omitCT
		if p.inOutage() {
			p.stats.resets++
			p.mu.Unlock()
			resetConn(w)
			return
		}
		known := p.keys[r.PathValue("subKey")]
		p.mu.Unlock()
		if !known {
			p.answerError(w, omit, http.StatusBadRequest, nil)
			return
		}
		body := presenceAnswer{Status: http.StatusOK, Message: "OK", Service: "Presence"}
		if action == "leave" {
			body.Action = "leave"
		}
		p.write(w, omit, http.StatusOK, encode(body))
	}
}
