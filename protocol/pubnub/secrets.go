package pubnub

// SecretFields are where this transport carries secrets beyond the
// OAuth fields every recording redacts and RingCentral's own
// (protocol/ringcentral.SecretFields: encryptionKey, secretKey): the
// subscribe key of the subscription's deliveryMode. The registry turns
// them into the recorder's rules; once found there, the recorder hunts
// the same value wherever it comes back (the k of every envelope, the
// path of every poll).
var SecretFields = map[string]string{
	"subscriberKey": "subscriberKey",
	"encryptionKey": "encryptionKey",
	"secretKey":     "secretKey",
}

// SecretPath says that in a URL the path segment after Prefix is a
// secret of kind Kind.
type SecretPath struct {
	Prefix, Kind string
}

// SecretPaths are PubNub's URLs that carry the subscribe key in their
// path: every subscribe, heartbeat and leave, whether or not the
// subscription's answer (where SecretFields finds it first) is in the
// same recording or capture.
var SecretPaths = []SecretPath{
	{Prefix: pathSubscribe, Kind: "subscriberKey"},
	{Prefix: pathPresence, Kind: "subscriberKey"},
}
