package emu

// Weighted is one choice of Pick and how likely it is, against the
// others' weights.
type Weighted[T any] struct {
	Value  T
	Weight int
}

// Pick draws one of choices, each as likely as its weight says, from
// intn (the generator's seeded source: rand.Intn or rand.IntN), so that
// one seed picks the same sequence every run. It draws once.
func Pick[T any](intn func(int) int, choices []Weighted[T]) T {
	total := 0
	for _, c := range choices {
		total += c.Weight
	}
	n := intn(total)
	for _, c := range choices {
		if n < c.Weight {
			return c.Value
		}
		n -= c.Weight
	}
	return choices[0].Value
}
