package ringcentral

import (
	"fmt"
	"strings"
	"time"

	"github.com/evtap/evtap/sim/emu"
	"github.com/evtap/evtap/sim/pubnub"
)

// Lifetimes of a REST subscription delivered over PubNub
// (ringcentral-pubnub.md §3.4): at most 900 s, and more than 120 s,
// because the official SDKs refuse a subscription that expires within
// their 120 s renew handicap.
const (
	PushMaxLifetime     = 900 * time.Second
	PushMinLifetime     = 121 * time.Second
	PushDefaultLifetime = PushMaxLifetime
)

// The PubNub long-poll's hold (pubnub.DefaultHold, pubnub.MaxHold),
// named here for the command line.
const (
	DefaultPubNubHold = pubnub.DefaultHold
	MaxPubNubHold     = pubnub.MaxHold
)

// Encryption policies of REST subscriptions delivered over PubNub.
const (
	// EncryptSensitive forces encryption when a filter carries sensitive
	// data (presence, as the seed's example shows) or the request asks
	// for it: the documented behaviour, and the default.
	EncryptSensitive = "sensitive"
	// EncryptAlways encrypts every subscription.
	EncryptAlways = "always"
	// EncryptOnRequest encrypts only when the request says
	// deliveryMode.encryption = true.
	EncryptOnRequest = "request"
)

// PubNubConfig configures RingCentral's PubNub transport: the REST
// subscriptions with deliveryMode.transportType "PubNub" and the PubNub
// service that delivers them, both on the emulator's listener. The zero
// value takes the documented defaults.
type PubNubConfig struct {
	// Hold is how long an empty long-poll is held (default 280 s, at most
	// 309 s: clients time out at 310 s).
	Hold time.Duration
	// Lifetime is the expiresIn granted when a request names none
	// (default 900 s). Any lifetime, asked or configured, is kept within
	// 121-900 s.
	Lifetime time.Duration
	// Encryption is the policy: EncryptSensitive (default),
	// EncryptAlways or EncryptOnRequest.
	Encryption string
	// QueueSize and QueueTTL are PubNub's queue per channel (default 100
	// messages, 20 min).
	QueueSize int
	QueueTTL  time.Duration
}

// clampLifetime keeps a lifetime within what the documents allow.
func clampLifetime(d time.Duration) time.Duration {
	return min(max(d, PushMinLifetime), PushMaxLifetime)
}

func (c PubNubConfig) withDefaults() PubNubConfig {
	emu.DefaultPositive(&c.Lifetime, PushDefaultLifetime)
	c.Lifetime = clampLifetime(c.Lifetime)
	emu.Default(&c.Encryption, EncryptSensitive)
	return c
}

// CheckEncryption says why an encryption policy is not one of the three.
func CheckEncryption(policy string) error {
	switch policy {
	case "", EncryptSensitive, EncryptAlways, EncryptOnRequest:
		return nil
	}
	return fmt.Errorf("encryption policy must be %s, %s or %s, not %q", EncryptSensitive, EncryptAlways, EncryptOnRequest, policy)
}

// pushBanner is the PubNub transport's part of the banner: the origin to
// give the PubNub clients (this listener), the subscribe key, and the
// rules in force.
func (s *Server) pushBanner(base string) []string {
	origin := strings.TrimPrefix(base, "http://")
	c := s.push.cfg
	return []string{
		"  pubnub origin (--pubnub-origin): " + base + " (PubNub clients: origin '" + origin + "', ssl false)",
		"  pubnub subscribe key:            " + s.push.subKey,
		fmt.Sprintf("  pubnub subscriptions: POST %s with deliveryMode.transportType PubNub; lifetime %s (121-900 s), encryption %s, long-poll hold %s",
			pathSubscription, c.Lifetime, c.Encryption, s.push.pn.Config().Hold),
	}
}
