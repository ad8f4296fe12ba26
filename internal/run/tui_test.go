package run

import (
	"context"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/ui/shell"
)

// brokenModel fails the way a TUI that cannot run does: Bubble Tea
// recovers the panic and Run returns an error.
type brokenModel struct{}

func (brokenModel) Init() tea.Cmd                       { panic("no terminal") }
func (brokenModel) Update(tea.Msg) (tea.Model, tea.Cmd) { return brokenModel{}, nil }
func (brokenModel) View() tea.View                      { return tea.NewView("") }

func TestATUIThatCannotRunIsReportedNotSwallowed(t *testing.T) {
	run := func(ctx context.Context, emit func(protocol.Update)) error { <-ctx.Done(); return nil }
	runErr, uiErr := showInTUI(context.Background(), shell.NewFeed(10), run, func(*shell.Feed) tea.Model { return brokenModel{} })
	if runErr != nil {
		t.Fatalf("the source failed: %v", runErr)
	}
	if uiErr == nil {
		t.Fatal("the TUI failed and nobody was told")
	}
}

func TestAnInterruptedTUIIsNoFailure(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // as SIGINT or --duration would
	run := func(ctx context.Context, emit func(protocol.Update)) error { return nil }
	_, uiErr := showInTUI(ctx, shell.NewFeed(10), run, func(*shell.Feed) tea.Model { return brokenModel{} })
	if uiErr != nil {
		t.Fatalf("an interrupted run reported %v", uiErr)
	}
}
