//go:build !race

package ringcentral

const raceEnabled = false
