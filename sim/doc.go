// Package sim holds evtap's provider emulators. Each provider lives in
// its own sub-package (sim/ringcentral, …) and speaks only through the
// wire types of protocol/<provider>; no emulator imports the client
// (session), so the two cannot share a mistake.
package sim
