package ringcentral

import "errors"

// Scenario is a parsed script of timed actions (see docs/emulator.md).
type Scenario struct{}

// ParseScenario reads a YAML scenario; errors name the line.
func ParseScenario(data []byte) (*Scenario, error) { return nil, errors.New("TODO") }

// LoadScenario reads and parses a scenario file.
func LoadScenario(path string) (*Scenario, error) { return nil, errors.New("TODO") }
