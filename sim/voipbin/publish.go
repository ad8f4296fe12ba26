package voipbin

import "encoding/json"

// publish sends one event to every connection, once for each of its
// topic strings that one of the connection's prefixes matches: a
// connection whose prefixes match both the old and the new topic string
// gets the frame twice, as VoIPBin's subscribers do. Connections are
// served in the order they opened. Caller holds mu.
func (s *Server) publish(eventType string, data []byte) {
	frame := data
	if s.wrapped {
		frame, _ = json.Marshal(struct {
			Type string          `json:"type"`
			Data json.RawMessage `json:"data"`
		}{eventType, data})
	}
	topics := publishTopics(eventType, data, s.customer)
	s.counters.Published++
	for _, c := range s.conns {
		for _, t := range topics {
			if c.matches(t) {
				c.offer(frame)
			}
		}
	}
}
