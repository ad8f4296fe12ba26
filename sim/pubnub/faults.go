package pubnub

import (
	"fmt"
	"net/http"
	"time"
)

// switches are the faults in force. Guarded by the service's lock.
type switches struct {
	outageUntil time.Time     // every PubNub request before then is reset
	refuse      int           // status every subscribe answers; 0: none
	stall       chan struct{} // non-nil while /time/0 is stalled; closed to release
	omitCT      bool          // answers carry no Content-Type
}

// RefusableStatuses are the statuses RefuseSubscribe takes: the ones
// whose bodies the real service's documents give.
var RefusableStatuses = []int{http.StatusBadRequest, http.StatusForbidden, http.StatusRequestEntityTooLarge, http.StatusTooManyRequests}

// ResetPolls cuts the long-polls held on channel ("" = every channel)
// with a TCP reset, as a network failure would, and returns how many it
// cut. For outage after that, every PubNub request (subscribe, /time/0,
// presence) is reset on arrival too, so clients see the network down for
// that long; 0 cuts only the polls held now.
func (p *Service) ResetPolls(channel string, outage time.Duration) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for w := range p.polls {
		if channel == "" || w.has(channel) {
			w.cut()
			n++
		}
	}
	if outage > 0 {
		p.faults.outageUntil = p.cfg.Now().Add(outage)
	}
	p.log("control: reset %d long-poll(s); outage %s", n, outage)
	return n
}

// SetOutage starts an outage of d (every PubNub request is reset) or,
// with d 0, ends the one in force. It does not cut the polls already
// held (ResetPolls does).
func (p *Service) SetOutage(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if d <= 0 {
		p.faults.outageUntil = time.Time{}
	} else {
		p.faults.outageUntil = p.cfg.Now().Add(d)
	}
	p.log("control: outage %s", d)
}

// inOutage reports whether requests are being reset now. Caller holds
// mu.
func (p *Service) inOutage() bool {
	return !p.faults.outageUntil.IsZero() && p.cfg.Now().Before(p.faults.outageUntil)
}

// RefuseSubscribe makes every subscribe answer status with the real
// service's body for it (400, 403, 413 or 429); 0 stops it. Clients
// treat 400 and 403 as final: their subscribe loop stops for good.
func (p *Service) RefuseSubscribe(status int) error {
	if status != 0 && !refusable(status) {
		return fmt.Errorf("status must be 0 (off) or one of %v, not %d", RefusableStatuses, status)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults.refuse = status
	p.log("control: subscribe answers %d", status)
	return nil
}

func refusable(status int) bool {
	for _, s := range RefusableStatuses {
		if s == status {
			return true
		}
	}
	return false
}

// StallTime makes /time/0 hold its answers while on; turning it off
// answers the requests held.
func (p *Service) StallTime(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case on && p.faults.stall == nil:
		p.faults.stall = make(chan struct{})
	case !on && p.faults.stall != nil:
		close(p.faults.stall)
		p.faults.stall = nil
	}
	p.log("control: /time/0 stalled %v", on)
}

// OmitContentType makes every PubNub answer leave out Content-Type
// while on (PN8 then misreads a 403 as a bad request).
func (p *Service) OmitContentType(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults.omitCT = on
	p.log("control: omit Content-Type %v", on)
}

// log writes to the emulator's operator log once mounted.
func (p *Service) log(format string, a ...any) {
	if p.srv != nil {
		p.srv.Logf("pubnub: "+format, a...)
	}
}
