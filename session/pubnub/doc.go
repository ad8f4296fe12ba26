// Package pubnub is a live RingCentral session over PubNub: the
// deprecated transport in which a REST subscription
// (deliveryMode.transportType "PubNub") names a PubNub channel that the
// client long-polls. It logs in as the WebSocket transport does
// (session/ringcentral.Auth), creates the subscription with a POST,
// long-polls its channel through the engine's long-poll transport (the
// handshake without a timetoken, then each poll from the cursor the last
// answer gave), and renews it with PUT once it is within two minutes of
// expiring, on a 10 s tick, as the official SDKs do.
//
// Where the SDKs go silent, it says what happened and goes on:
//
//   - a renewal answered 404 re-creates the subscription (the SDKs
//     destroy theirs) and moves the poll to the new channel;
//   - a renewal that moves the channel replaces the poll at once;
//   - a dropped poll resumes from the last timetoken after a /time/0
//     probe, so PubNub's queue delivers what was published meanwhile
//     (protocol/pubnub's Decoder marks it and reports what the queue
//     could not hold);
//   - PubNub refusing the poll (403 access denied, 400 bad key) halts
//     the session: the official clients stop for good, and so does
//     evtap until the operator resumes it.
//
// On exit it sends the presence leave and deletes the subscription.
// Every REST call and every poll is an http frame, read by
// protocol/pubnub.Decoder, which derives the events, subscriptions and
// gaps; this package acts on the typed answers it hands back and
// publishes the phases and the context pane.
package pubnub
