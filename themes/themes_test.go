package themes

import "testing"

func TestEveryColouredThemeGivesEveryRoleAColour(t *testing.T) {
	for _, name := range []string{"dark", "light", "high-contrast"} {
		th, err := ByName(name)
		if err != nil {
			t.Fatal(err)
		}
		for r := range roles {
			if th.Color(r) == nil {
				t.Errorf("%s leaves role %d without a colour", name, r)
			}
		}
	}
}

func TestNoColorMeansMonoUnlessAThemeIsNamed(t *testing.T) {
	th, _ := Choose("", "1", true)
	if th.Name != "mono" || th.Color(Alert) != nil {
		t.Fatalf("NO_COLOR gave %s", th.Name)
	}
	th, _ = Choose("light", "1", true)
	if th.Name != "light" {
		t.Fatalf("an explicit --theme should win over NO_COLOR, got %s", th.Name)
	}
	th, _ = Choose("", "", false)
	if th.Name != "light" {
		t.Fatalf("a light background should get the light theme, got %s", th.Name)
	}
	if _, err := ByName("purple"); err == nil {
		t.Fatal("an unknown theme was accepted")
	}
}
