// Package protocol is evtap's own vocabulary, shared by every other package:
// the Update (one line of headless output and one line of a recording), the
// raw Frame, the decoded Event, connection State, Subscription, Gap, Marker
// and Error, and the Command a user sends back.
//
// It is pure: standard library only, no sockets, no goroutines. Each
// provider's wire format lives in a sub-package (protocol/ringcentral, …)
// that speaks in these types.
package protocol
