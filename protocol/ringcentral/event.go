package ringcentral

import (
	"encoding/json"
	"errors"

	"github.com/evtap/evtap/protocol"
)

// ProviderName is what Event.Provider says for RingCentral events.
const ProviderName = "ringcentral"

// EventOf turns one ServerNotification frame, out of any stream, into
// evtap's Event: the envelope's ids and times, the wsc sequence, the row
// cells, and the whole notification as Body. It knows nothing of what
// came before (replayed, duplicate, gaps): a stream of frames goes
// through a Decoder, which derives those too.
func EventOf(f Frame) (*protocol.Event, error) {
	if f.Body == nil {
		return nil, errors.New("ServerNotification without a body")
	}
	var n Notification
	if err := json.Unmarshal(f.Body, &n); err != nil {
		return nil, errors.New("ServerNotification body: " + err.Error())
	}
	ev := &protocol.Event{
		Provider: ProviderName, ID: n.UUID, Name: n.Event, Subscription: n.SubscriptionID,
		Timestamp: n.Time(), Body: f.Body,
	}
	if f.Meta.WSC != nil {
		ev.Seq = f.Meta.WSC.Sequence
	}
	ev.Label, ev.Summary = Summarize(n)
	return ev, nil
}
