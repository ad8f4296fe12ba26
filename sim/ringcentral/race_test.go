//go:build race

package ringcentral

// raceEnabled lets the few tests that push megabytes through the JSON
// decoder skip under the race detector, which makes them forty times
// slower; the code they exercise runs in other tests with it.
const raceEnabled = true
