// Package sim holds evtap's provider emulators: sim/emu, the core every
// emulator shares (lifecycle, banner, control API, scenarios,
// fault-injecting connections, counters, the generator pump), and one
// sub-package per provider (sim/ringcentral, ...) built on it.
//
// An emulator is written from the provider documents and
// shared/protocols alone, with its own wire types: it imports neither the
// client (session) nor the client's protocol/<provider>, so that the two
// cannot share a mistake and pass each other's tests.
package sim
