package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/evtap/evtap/protocol"
)

// Request is one HTTP request a Provider makes through the engine: a REST
// call (Link.REST) or one long-poll (Poller.Poll).
type Request struct {
	// Where names what the request is for ("token", "renew", "poll");
	// it becomes RejectedError.Where and starts error messages.
	Where  string
	Method string // "" means GET
	URL    string
	Header http.Header
	Body   []byte
	// Mask lists more values of the client's own to hide wherever they
	// appear in the published copy (a key in a URL path). Authorization
	// and similar headers, secret query parameters and secret form or
	// JSON fields are masked without being listed.
	Mask []string
}

// Response is an answer to a Request.
type Response struct {
	Status   int
	Header   http.Header
	Body     []byte
	Duration time.Duration
	// Msg is what the provider's decoder returned for the answer's http
	// frame, so a caller need not parse the body twice; nil if nothing.
	Msg any
}

// exchange sends r, publishing it as a sent http frame and the answer as
// a received one, and classifies the answer: nil for 2xx; a
// *RejectedError for a 4xx other than 408 and 429; a *Retryable for
// 408, 429, 5xx, other statuses and network errors, with the
// Retry-After of a 429 or 503. The Response comes back with the error
// whenever there was an answer, so the caller can read the provider's
// own error body.
func (s *Session) exchange(ctx context.Context, n int, r Request, timeout time.Duration) (*Response, error) {
	if s.ended.Load() {
		return nil, errors.New(r.Where + ": the session has ended")
	}
	where := r.Where
	if where == "" {
		where = "http"
	}
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var body io.Reader
	if r.Body != nil {
		body = strings.NewReader(string(r.Body))
	}
	req, err := http.NewRequestWithContext(ctx, method, r.URL, body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	for k, v := range r.Header {
		req.Header[k] = v
	}

	m := masker{extra: r.Mask}
	id := int(s.httpID.Add(1))
	maskedURL := m.url(r.URL)
	sent := protocol.HTTPRequest{ID: id, Method: method, URL: maskedURL,
		Header: m.requestHeader(r.Header), Body: m.body(req.Header.Get("Content-Type"), r.Body)}
	s.publishHTTP(n, protocol.KindSent, sent, len(r.Body))

	start := time.Now()
	resp, err := s.client.Do(req)
	answer := protocol.HTTPResponse{ID: id, Method: method, URL: maskedURL}
	if err != nil {
		answer.Duration = protocol.Millis(time.Since(start))
		answer.Error = m.text(scrubURLError(err).Error())
		s.publishHTTP(n, protocol.KindRecv, answer, 0)
		if ctx.Err() != nil && errors.Is(err, context.DeadlineExceeded) {
			return nil, &Retryable{Err: fmt.Errorf("%s: no answer within %s", where, timeout)}
		}
		return nil, &Retryable{Err: fmt.Errorf("%s: %s", where, answer.Error)}
	}
	data, readErr := io.ReadAll(io.LimitReader(resp.Body, s.opt.ReadLimit+1))
	resp.Body.Close()
	answer.Duration = protocol.Millis(time.Since(start))
	answer.Status, answer.Header = resp.StatusCode, responseHeader(resp.Header)
	out := &Response{Status: resp.StatusCode, Header: resp.Header, Duration: answer.Duration.Duration()}
	switch {
	case readErr != nil:
		answer.Error = "reading the answer: " + scrubURLError(readErr).Error()
		s.publishHTTP(n, protocol.KindRecv, answer, len(data))
		return nil, &Retryable{Err: fmt.Errorf("%s: %s", where, answer.Error)}
	case int64(len(data)) > s.opt.ReadLimit:
		answer.Error = fmt.Sprintf("the answer is larger than the %d-byte read limit", s.opt.ReadLimit)
		s.publishHTTP(n, protocol.KindRecv, answer, len(data))
		return nil, fmt.Errorf("%s: %s", where, answer.Error)
	}
	answer.Body = string(data)
	out.Body = data
	out.Msg = s.publishHTTP(n, protocol.KindRecv, answer, len(data))
	return out, classify(where, resp.StatusCode, resp.Header, data, time.Now())
}

// publishHTTP publishes one side of an exchange as an http frame and
// returns the decoder's message for it.
func (s *Session) publishHTTP(n int, kind protocol.Kind, v any, size int) any {
	data, err := json.Marshal(v)
	if err != nil {
		return nil // the types above always marshal
	}
	msg, _ := s.publishRaw(n, protocol.Update{Kind: kind, Frame: &protocol.Frame{Op: protocol.OpHTTP, Data: string(data), Size: size}}, data)
	return msg
}

// classify turns an HTTP status into the error Link.REST returns.
func classify(where string, status int, h http.Header, body []byte, now time.Time) error {
	if status/100 == 2 {
		return nil
	}
	code, msg := RefusalText(body)
	if msg == "" {
		msg = http.StatusText(status)
	}
	if status/100 == 4 && status != http.StatusRequestTimeout && status != http.StatusTooManyRequests {
		return &RejectedError{Where: where, Status: status, Code: code, Message: msg, Header: h}
	}
	e := &Retryable{Status: status, Err: fmt.Errorf("%s: %s", where, strings.TrimSpace(code+" "+msg))}
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		e.RetryAfter = retryAfter(h.Get("Retry-After"), now)
	}
	return e
}

// retryAfter reads a Retry-After header: seconds or an HTTP date, capped
// at MaxRetryAfter; 0 when absent or unreadable.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter
		}
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return max(0, min(d, MaxRetryAfter))
}

// scrubURLError drops the method and URL a *url.Error repeats (the URL
// may hold a secret; the frame already names it, masked).
func scrubURLError(err error) error {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		if inner := ue.Unwrap(); inner != nil {
			return inner
		}
	}
	return err
}
