// Package pubnub is the wire format of RingCentral's push notifications
// over PubNub (the deprecated REST-subscription transport,
// shared/seeds/003 and shared/protocols/ringcentral-pubnub.md):
//
//   - the PubNub v2 subscribe long-poll: its request URL (the handshake
//     without tt, then the loop with tt, tr, heartbeat, uuid and pnsdk),
//     its answer envelope {t:{t,r}, m:[{a,f,i,p,k,c,b,d,e,…}]} and the
//     17-digit timetokens that are its cursor;
//   - PubNub's error bodies (403 Access Manager, 400, 413, 429, arrays)
//     classified as the SDKs' status categories;
//   - RingCentral's AES-128-ECB/PKCS#7 payload encryption, with a verdict
//     and a reason for every message (ok, plain, wrong key, bad JSON, the
//     useRandomIVs first-block trap);
//   - the renew schedule the SDKs follow (expirationTime − 120 s, looked
//     at every 10 s);
//   - the Decoder: one pass over the http frames a session publishes
//     (REST subscription calls and polls), deriving subscription answers,
//     decrypted events, duplicate and catch-up marks, and the gaps
//     PubNub's queue (100 messages, 20 minutes) can cause;
//   - the context pane's fields (Context).
//
// RingCentral's own parts (OAuth, the subscription resource, notification
// bodies and their row summary) are protocol/ringcentral's; this package
// uses them. It is pure: standard library only, no sockets, no clock.
package pubnub
