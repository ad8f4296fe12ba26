package ringcentral

// SecretFields are where RingCentral's protocol carries secrets beyond
// the OAuth fields every recording redacts (access_token, refresh_token,
// client_secret, assertion, …): the name of each field, query parameter
// or form field, and the kind of secret its placeholder names. The
// registry turns them into the recorder's rules.
//
// "wsc.token" is the token of a frame's wsc object, "wsc" the same token
// as the reconnect URL's query parameter, and "recovery.token" the same
// again in the recovery context evtap publishes; one kind, so that a
// reader sees the token presented on reconnect is the one issued.
var SecretFields = map[string]string{
	"ws_access_token": "ws_access_token",
	"wsc":             "wsc",
	"wsc.token":       "wsc",
	"recovery.token":  "wsc",
	"encryptionKey":   "encryptionKey", // PubNub delivery: decrypts notifications
	"secretKey":       "secretKey",     // PubNub delivery: signs requests
}
