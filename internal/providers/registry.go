package providers

import (
	"fmt"
	"slices"
	"strings"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
	"github.com/evtap/evtap/record/har"
	"github.com/evtap/evtap/replay"
	"github.com/evtap/evtap/ui"
)

// Registry is a set of providers, one of them the default. Builtin holds
// the ones evtap ships; tests build their own.
type Registry struct {
	entries []*Entry // by name
	def     string
}

// NewRegistry makes a registry of entries whose default is the one named
// def. It panics on a malformed entry or a duplicate name: both are
// programming errors, caught by any test that builds the registry.
func NewRegistry(def string, entries ...*Entry) *Registry {
	r := &Registry{def: def}
	for _, e := range entries {
		r.Register(e)
	}
	return r
}

// builtin is filled by each provider file's init.
var builtin = &Registry{def: DefaultName}

// DefaultName is the provider `evtap` and `evtap demo` start when none
// is named.
const DefaultName = "ringcentral"

// Builtin is the registry of the providers evtap ships.
func Builtin() *Registry { return builtin }

// Register adds e.
func (r *Registry) Register(e *Entry) {
	if err := e.check(); err != nil {
		panic("providers: " + err.Error())
	}
	if _, dup := r.Lookup(e.Name); dup {
		panic("providers: " + e.Name + " registered twice")
	}
	i, _ := slices.BinarySearchFunc(r.entries, e.Name, func(x *Entry, name string) int { return strings.Compare(x.Name, name) })
	r.entries = slices.Insert(r.entries, i, e)
}

// check says what is missing from e.
func (e *Entry) check() error {
	switch {
	case e.Name == "" || strings.ToLower(e.Name) != e.Name || strings.ContainsAny(e.Name, " /:"):
		return fmt.Errorf("entry name %q must be one lower-case word", e.Name)
	case e.Title == "" || e.Summary == "":
		return fmt.Errorf("%s: Title and Summary are required", e.Name)
	case e.UI.Name != e.Name:
		return fmt.Errorf("%s: UI.Name is %q", e.Name, e.UI.Name)
	case e.Connect != nil && e.Connect.Flags == nil:
		return fmt.Errorf("%s: Connect without Flags", e.Name)
	case e.Emulator != nil && (e.Emulator.Flags == nil || e.Emulator.Demo == nil || e.Emulator.Client == nil):
		return fmt.Errorf("%s: Emulator needs Flags, Demo and Client", e.Name)
	}
	return nil
}

// All is every entry, by name.
func (r *Registry) All() []*Entry { return slices.Clone(r.entries) }

// Lookup finds the entry named name.
func (r *Registry) Lookup(name string) (*Entry, bool) {
	for _, e := range r.entries {
		if e.Name == name {
			return e, true
		}
	}
	return nil, false
}

// Default is the entry `evtap` starts with no command; nil when the
// registry lacks it.
func (r *Registry) Default() *Entry {
	e, _ := r.Lookup(r.def)
	return e
}

// Names lists the names of the entries for which has is true, in order.
func (r *Registry) Names(has func(*Entry) bool) []string {
	var names []string
	for _, e := range r.entries {
		if has(e) {
			names = append(names, e.Name)
		}
	}
	return names
}

// Connectable is true for an entry `evtap connect` can use.
func Connectable(e *Entry) bool { return e.Connect != nil }

// Emulated is true for an entry with an emulator.
func Emulated(e *Entry) bool { return e.Emulator != nil }

// Claim returns the entry that claims arg as its own (a ws:// URL), or
// nil. A CatchAll entry gets arg only if no other entry claims it.
func (r *Registry) Claim(arg string) *Entry {
	return r.claim(func(e *Entry) bool {
		return e.Connect != nil && e.Connect.Claims != nil && e.Connect.Claims(arg)
	})
}

// claim asks the specific entries first, then the catch-alls.
func (r *Registry) claim(claims func(*Entry) bool) *Entry {
	for _, catchAll := range []bool{false, true} {
		for _, e := range r.entries {
			if e.CatchAll == catchAll && claims(e) {
				return e
			}
		}
	}
	return nil
}

// Decoder makes a fresh decoder for the provider named name (a
// recording's header), or nil when evtap knows none: a replay then plays
// the recorded Updates as they are.
func (r *Registry) Decoder(name string) protocol.Decoder {
	if e, ok := r.Lookup(name); ok && e.Decoder != nil {
		return e.NewDecoder()
	}
	return nil
}

// Responder makes the `replay --serve` responder of the provider named
// name, or nil.
func (r *Registry) Responder(name string) replay.Responder {
	if e, ok := r.Lookup(name); ok && e.Responder != nil {
		return e.Responder()
	}
	return nil
}

// Redact adds the redaction rules of the provider named name to o.
func (r *Registry) Redact(name string, o *record.Options) {
	if e, ok := r.Lookup(name); ok && e.Redact != nil {
		e.Redact(o)
	}
}

// HAR is how `evtap import` recognises providers: a matcher for every
// provider that claims HAR captures, and the catch-all entry (the raw
// WebSocket, if registered) for sockets nobody claims, as Claim does
// for the command line.
func (r *Registry) HAR() har.ImportOptions {
	var o har.ImportOptions
	matcher := func(e *Entry) har.Matcher { return har.Matcher{Provider: e.Name, Match: e.HAR, Decoder: e.NewDecoder} }
	for _, e := range r.entries {
		switch {
		case e.CatchAll && o.Default == nil:
			m := matcher(e)
			o.Default = &m
		case !e.CatchAll && (e.HAR != nil || e.Decoder != nil):
			// One without HAR recognises no capture of its own, but an
			// evtap export that names it imports with its decoder.
			o.Matchers = append(o.Matchers, matcher(e))
		}
	}
	return o
}

// Describe is the UI description of the provider named name; an unknown
// name (an old recording, an imported capture) gets the generic words.
func (r *Registry) Describe(name string) (p ui.Provider) {
	if e, ok := r.Lookup(name); ok {
		return e.UI
	}
	p.Name = name
	return p
}
