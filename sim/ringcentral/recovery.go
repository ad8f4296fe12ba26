package ringcentral

import rc "github.com/evtap/evtap/protocol/ringcentral"

// connectionDetails is the first frame of a connection. Its wsc token
// resumes from pos (the client's position); its sequence is the
// session's own, the newest number it has given: for a new session
// both are 1, after a Successful recovery the numbers in between are
// the ones replayed from the buffer (docs/ringcentral-notes.md §1).
func (s *Server) connectionDetails(sess *session, pos uint64, state, code string) []byte {
	meta := rc.Meta{
		Type: rc.TypeConnectionDetails, MessageID: sess.gen.uuid(), Status: 200,
		WSC:     &rc.WSC{Token: s.wsc.encode(sess.id, pos), Sequence: sess.seq},
		Headers: map[string]string{"RCRequestId": sess.gen.uuid()},
	}
	body := rc.ConnectionDetails{
		CreationTime: sess.created.UTC().Format(rc.TimeLayout), MaxConnectionsPerSession: 50,
		RecoveryBufferSize: s.cfg.BufferSize, RecoveryTimeout: seconds(s.cfg.RecoveryTimeout),
		IdleTimeout: seconds(s.cfg.IdleTimeout), AbsoluteTimeout: seconds(s.cfg.AbsoluteTimeout),
		MaxActiveRequests: 10, RecoveryState: state, RecoveryErrorCode: code,
	}
	frame, _ := rc.Encode(meta, body)
	return frame
}

// attach binds a new connection to a session: a fresh one, or the one
// its wsc names if it can be recovered. It queues ConnectionDetails and,
// after a successful recovery, the buffered notifications the client
// missed. Caller holds mu.
func (s *Server) attach(c *conn, oauthSession string, recovering bool, wscSession string, pos uint64) {
	if !recovering {
		sess := s.newSession(oauthSession)
		s.bind(c, sess)
		c.enqueue(outFrame{data: s.connectionDetails(sess, sess.seq, "", "")})
		return
	}
	old := s.sessions[wscSession]
	code := ""
	switch {
	case old == nil:
		code = rc.WSGNoSubscription // forgotten or expired: nothing to recover
	case old.oauthSession != oauthSession:
		code = rc.WSGOtherSession
	case old.sub == nil:
		code = rc.WSGNoSubscription
		s.discard(old)
	}
	if code != "" {
		s.counters.Recoveries.Failed++
		s.logf("%s: recovery Failed (%s)", c.id, code)
		sess := s.newSession(oauthSession)
		s.bind(c, sess)
		c.enqueue(outFrame{data: s.connectionDetails(sess, sess.seq, rc.RecoveryFailed, code)})
		return
	}
	if prev := old.conn; prev != nil {
		// The client came back before the server noticed it had gone:
		// the new connection takes the session over.
		old.conn = nil
		prev.sess = nil
		prev.kill()
	}
	s.counters.Recoveries.Successful++
	s.logf("%s: recovery Successful for session %s from sequence %d (%d made since)", c.id, old.id, pos, old.seq-pos)
	s.bind(c, old)
	c.enqueue(outFrame{data: s.connectionDetails(old, pos, rc.RecoverySuccessful, "")})
	// @rc-ex/ws (1.4.2) re-attaches its notification listener only after
	// it has awaited ConnectionDetails, so frames arriving in the same
	// read are dropped by the SDK. A short pause puts the replay in a
	// later read; everything after it waits too, so order holds.
	if s.cfg.ReplayDelay > 0 {
		c.enqueue(outFrame{pause: s.cfg.ReplayDelay})
	}
	for _, b := range old.buf {
		if b.seq > pos {
			c.enqueue(outFrame{data: b.frame, notif: old})
		}
	}
}

func (s *Server) bind(c *conn, sess *session) {
	c.sess = sess
	sess.conn = c
}

// discard removes a session and cuts its connection. Caller holds mu.
func (s *Server) discard(sess *session) {
	delete(s.sessions, sess.id)
	if c := sess.conn; c != nil {
		sess.conn = nil
		c.sess = nil
		c.kill()
	}
}
