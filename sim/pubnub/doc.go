// Package pubnub emulates the part of the PubNub service that the
// RingCentral PubNub transport uses (shared/protocols/ringcentral-pubnub.md
// §6): the v2 subscribe long-poll, /time/0, presence heartbeat and leave,
// the per-channel message queue with its catch-up rules, and the error
// bodies of the real service. It is mounted on an emulator built on
// sim/emu (the RingCentral emulator mounts it on its own listener, so one
// origin serves both the REST API and PubNub), and whoever owns the
// channels publishes to them with Publish.
//
// What a real client sees:
//
//   - GET /v2/subscribe/{subKey}/{channels}/{callback}: with no tt, tt=0
//     or tt= it is the handshake and answers at once with the current
//     timetoken and no messages; with a timetoken it answers at once with
//     every queued message newer than it, oldest first, or holds the
//     request until a publish on one of its channels or until the hold
//     (280 s by default) ends, then answers m:[] and the same t.
//   - Each channel keeps its newest QueueSize (100) messages for QueueTTL
//     (20 min); a subscribe to several channels gets at most QueueSize
//     messages across them. What is gone is gone: a client that comes
//     back too late has a gap, as with the real service.
//   - Timetokens are 17-digit strings (Unix time in 100 ns units) that
//     grow strictly with every publish and handshake.
//   - Every answer, errors included, carries
//     Content-Type: text/javascript; charset="UTF-8" (unless the
//     omit-Content-Type fault is on).
//
// Faults: reset held long-polls (a TCP reset), an outage during which
// every PubNub request is reset, subscribe answering an error status with
// the service's body, /time/0 stalled, Content-Type omitted. The ledger
// records every message published (id, channel, timetoken, how often it
// was delivered, whether the queue lost it), so a test can prove
// exactly-once delivery.
//
// The package imports neither evtap's client (session) nor its
// protocol/pubnub: it is written from the documents alone.
package pubnub
