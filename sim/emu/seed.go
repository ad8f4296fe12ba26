package emu

import (
	"crypto/rand"
	"encoding/binary"
)

// Seed is the seed a provider's generator runs from: seed unless it is
// 0, else the scenario's (when it names one), else a random one. A
// random seed is positive, so that the banner shows one a user can pass
// back with --seed to repeat the run.
func Seed(seed int64, sc *Scenario) int64 {
	if seed == 0 && sc != nil && sc.Seed != nil {
		seed = *sc.Seed
	}
	if seed == 0 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		seed = int64(binary.LittleEndian.Uint64(b[:]) >> 1)
	}
	return seed
}
