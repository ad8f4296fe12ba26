package ringcentral

// connectionDetails is the first frame of a connection. Its wsc token
// resumes from pos (the client's position); its sequence is the
// session's own, the newest number it has given: for a new session
// both are 1, after a Successful recovery the numbers in between are
// the ones replayed from the buffer (docs/ringcentral-notes.md §1).
func (s *Server) connectionDetails(sess *session, pos uint64, state, code string) []byte {
	meta := meta{
		Type: typeConnectionDetails, MessageID: sess.gen.uuid(), Status: 200,
		WSC:     &wscRef{Token: s.wsc.encode(sess.id, pos), Sequence: sess.seq},
		Headers: map[string]string{"RCRequestId": sess.gen.uuid()},
	}
	body := connDetails{
		CreationTime: sess.created.UTC().Format(detailsTimeLayout), MaxConnectionsPerSession: 50,
		RecoveryBufferSize: s.cfg.BufferSize, RecoveryTimeout: seconds(s.cfg.RecoveryTimeout),
		IdleTimeout: seconds(s.cfg.IdleTimeout), AbsoluteTimeout: seconds(s.cfg.AbsoluteTimeout),
		MaxActiveRequests: 10, RecoveryState: state, RecoveryErrorCode: code,
	}
	frame := encodeFrame(meta, body)
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
		c.Send(s.connectionDetails(sess, sess.seq, "", ""))
		return
	}
	old := s.sessions[wscSession]
	code := ""
	switch {
	case old == nil:
		code = wsgNoSubscription // forgotten or expired: nothing to recover
	case old.oauthSession != oauthSession:
		code = wsgOtherSession
	case old.sub == nil:
		code = wsgNoSubscription
		s.discard(old, EvictedDiscarded)
	}
	if code != "" {
		s.counters.Recoveries.Failed++
		s.logf("%s: recovery Failed (%s)", c.ID(), code)
		sess := s.newSession(oauthSession)
		s.bind(c, sess)
		c.Send(s.connectionDetails(sess, sess.seq, recoveryFailed, code))
		return
	}
	if prev := old.conn; prev != nil {
		// The client came back before the server noticed it had gone:
		// the new connection takes the session over.
		old.conn = nil
		prev.sess = nil
		prev.Kill()
	}
	s.counters.Recoveries.Successful++
	replay := 0
	for _, n := range old.buffered() {
		if n.seq > pos {
			replay++
		}
	}
	if made := int(old.seq - pos); made > replay {
		// The buffer keeps the newest BufferSize: the client will see the
		// rest as a jump in the sequence, and the counters as dropped.
		s.logf("%s: recovery Successful for session %s from sequence %d: %d made since, the oldest %d no longer buffered; replaying %d",
			c.ID(), old.id, pos, made, made-replay, replay)
	} else {
		s.logf("%s: recovery Successful for session %s from sequence %d; replaying %d", c.ID(), old.id, pos, replay)
	}
	s.bind(c, old)
	c.Send(s.connectionDetails(old, pos, recoverySuccessful, ""))
	// @rc-ex/ws (1.4.2) re-attaches its notification listener only after
	// it has awaited ConnectionDetails, so frames arriving in the same
	// read are dropped by the SDK. A short pause puts the replay in a
	// later read; everything after it waits too, so order holds.
	if s.cfg.ReplayDelay > 0 {
		c.Hold(s.cfg.ReplayDelay)
	}
	for _, n := range old.buffered() {
		if n.seq > pos {
			n.queue(c)
		}
	}
}

func (s *Server) bind(c *conn, sess *session) {
	c.sess = sess
	sess.conn = c
}

// discard removes a session and cuts its connection; its buffered
// notifications that never reached a socket are dropped for good (why is
// the ledger's reason). Caller holds mu.
func (s *Server) discard(sess *session, why string) {
	delete(s.sessions, sess.id)
	for _, n := range sess.buffered() {
		n.evict(why)
	}
	sess.buf, sess.head, sess.bufBytes = nil, 0, 0
	if c := sess.conn; c != nil {
		sess.conn = nil
		c.sess = nil
		c.Kill()
	}
}
