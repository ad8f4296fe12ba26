package providers_test

import (
	"os"
	"testing"
	"time"
)

// TestMain draws every screen golden in UTC, whatever the machine's
// zone: the TUI shows local times.
func TestMain(m *testing.M) {
	time.Local = time.UTC
	os.Exit(m.Run())
}
