package emu

import "cmp"

// Default gives a Config field left out its default: *v becomes def when
// it is the zero value. A negative number keeps its meaning (usually:
// switched off).
func Default[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// DefaultPositive gives a field that cannot be switched off its default:
// *v becomes def unless it is above zero.
func DefaultPositive[T cmp.Ordered](v *T, def T) {
	var zero T
	if *v <= zero {
		*v = def
	}
}
