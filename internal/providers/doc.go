// Package providers is the registry: the one place that knows which
// providers exist. Each provider is one file here that builds an Entry
// from its own packages (protocol/<p>, session/<p>, sim/<p>) and
// registers it; the commands, the run and the UI take everything
// provider-specific from the Entry and name no provider themselves.
package providers
