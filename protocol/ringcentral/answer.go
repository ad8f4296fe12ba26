package ringcentral

import (
	"strconv"
	"strings"

	"github.com/evtap/evtap/protocol"
)

// subscriptionInfo is what the decoder reads of a subscription answer.
type subscriptionInfo struct {
	id, status, expiration, transport string
	filters                           []string
	expiresIn                         int
}

func readInfo(sc *scanner, in *subscriptionInfo) {
	more, _ := sc.objectFirst()
	for ; more; more = sc.objectNext() {
		switch sc.key() {
		case "id":
			in.id = sc.text()
		case "status":
			in.status = stringOnly(sc)
		case "eventFilters":
			in.filters = readStrings(sc)
		case "expirationTime":
			in.expiration = stringOnly(sc)
		case "expiresIn":
			in.expiresIn = readCount(sc)
		case "deliveryMode":
			more, _ := sc.objectFirst()
			for ; more; more = sc.objectNext() {
				if sc.key() == "transportType" {
					in.transport = stringOnly(sc)
					continue
				}
				sc.skip()
			}
		default:
			sc.skip()
		}
	}
}

// readStrings reads an array of strings; other elements, and anything
// but an array, are skipped.
func readStrings(sc *scanner) []string {
	var out []string
	more, _ := sc.arrayFirst()
	for ; more; more = sc.arrayNext() {
		if s := stringOnly(sc); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// readFilters reads the eventFilters of a request body.
func readFilters(sc *scanner) []string {
	var out []string
	more, _ := sc.objectFirst()
	for ; more; more = sc.objectNext() {
		if sc.key() == "eventFilters" {
			out = readStrings(sc)
			continue
		}
		sc.skip()
	}
	return out
}

// readErrorBody reads the RingCentral REST error format.
func readErrorBody(sc *scanner, eb *ErrorBody) {
	more, _ := sc.objectFirst()
	for ; more; more = sc.objectNext() {
		switch sc.key() {
		case "errorCode":
			eb.ErrorCode = sc.text()
		case "message":
			eb.Message = scalarText(sc)
		case "errors":
			eb.Errors = eb.Errors[:0]
			more, _ := sc.arrayFirst()
			for ; more; more = sc.arrayNext() {
				var e ErrorDetail
				more, isObj := sc.objectFirst()
				for ; more; more = sc.objectNext() {
					switch sc.key() {
					case "errorCode":
						e.ErrorCode = sc.text()
					case "message":
						e.Message = scalarText(sc)
					case "parameterName":
						e.Parameter = scalarText(sc)
					default:
						sc.skip()
					}
				}
				if isObj {
					eb.Errors = append(eb.Errors, e)
				}
			}
		default:
			sc.skip()
		}
	}
}

// APIError is the refusal an error body states, with status.
func (eb *ErrorBody) APIError(status int) *protocol.APIError {
	e := &protocol.APIError{Status: status, Code: eb.ErrorCode, Message: eb.Message}
	for _, x := range eb.Errors {
		if x.Message != "" && x.Message != eb.Message {
			if e.Message != "" {
				e.Message += "; "
			}
			e.Message += x.Message
		}
	}
	return e
}

// isSubscriptionPath reports the subscription collection, with or
// without the trailing slash the documents use.
func isSubscriptionPath(p string) bool {
	return strings.TrimSuffix(p, "/") == PathSubscription
}

// subscriptionIDOf returns {id} of /restapi/v1.0/subscription/{id}.
func subscriptionIDOf(p string) (string, bool) {
	id, ok := strings.CutPrefix(p, PathSubscription+"/")
	id = strings.TrimSuffix(id, "/")
	return id, ok && id != "" && !strings.Contains(id, "/")
}

// answer matches a ClientRequest response to its request and derives
// what it says of the subscription.
func (d *Decoder) answer(dst []protocol.Update, fr *frame, keep *WSC) ([]protocol.Update, any) {
	if !fr.answered {
		dst = decodeError(dst, "answer to an unknown request "+strconv.Quote(clip(fr.id, 80))+" ignored")
		return dst, keepMsg(keep)
	}
	d.unanswered(fr.id)
	a := &Answer{Request: fr.request, Status: fr.status, Keep: keep}
	req := fr.request
	var s *protocol.Subscription
	switch id, isItem := subscriptionIDOf(req.Path); {
	case req.Method == "POST" && isSubscriptionPath(req.Path), req.Method == "PUT" && isItem:
		s = &protocol.Subscription{Requested: req.Filters}
		if !a.OK() {
			s.Error = fr.errBody.APIError(fr.status)
			break
		}
		in := &fr.info
		s.ID, s.Status, s.Filters, s.Transport, s.ExpiresIn = in.id, in.status, in.filters, in.transport, in.expiresIn
		s.ExpiresAt = parseTime(in.expiration)
	case req.Method == "DELETE" && isItem:
		s = &protocol.Subscription{ID: id, Status: "Removed"}
		if !a.OK() {
			s = &protocol.Subscription{ID: id, Error: fr.errBody.APIError(fr.status)}
		}
	}
	if s != nil {
		a.Subscription = s
		dst = append(dst, protocol.Update{Kind: protocol.KindSubscription, Subscription: s})
	}
	return dst, a
}
