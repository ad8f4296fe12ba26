package emu

import (
	"strings"
	"testing"
)

func TestShowSecretShowsTheDemoOneAndMasksTheUsers(t *testing.T) {
	const demo = "evtap-demo-secret"
	for _, c := range []struct{ in, want string }{
		{demo, demo},
		{"short", "****** (as given)"},
		{"12345678", "****** (as given)"},
		{"my-own-secret-value", "my-o…ue (as given, masked)"},
	} {
		if got := ShowSecret(c.in, demo); got != c.want {
			t.Errorf("ShowSecret(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := ShowSecret("sécret-ünïcode", demo); strings.Contains(got, "cret-ünïco") {
		t.Errorf("the middle of a user's secret shows: %q", got)
	}
}

func TestSeedPrefersTheConfigsThenTheScenariosThenARandomOne(t *testing.T) {
	seven := int64(7)
	if got := Seed(3, &Scenario{Seed: &seven}); got != 3 {
		t.Errorf("Seed(3, scenario 7) = %d, want 3", got)
	}
	if got := Seed(0, &Scenario{Seed: &seven}); got != 7 {
		t.Errorf("Seed(0, scenario 7) = %d, want 7", got)
	}
	seen := map[int64]bool{}
	for i := 0; i < 4; i++ {
		got := Seed(0, &Scenario{})
		if got <= 0 {
			t.Fatalf("random seed %d is not positive", got)
		}
		seen[got] = true
	}
	if len(seen) < 2 {
		t.Errorf("four random seeds were all %v", seen)
	}
}
