package quiz

import (
	"hash/fnv"
	"math/rand/v2"
	"slices"
)

// View is how a question is shown in one attempt: the same seed always gives
// the same order, so a reload or another device shows exactly what the
// trainee saw before.
type View struct {
	Options []Option // single, multiple: choices; ordering: items, scrambled
	Left    []Option // matching
	Right   []Option // matching, shuffled
}

func rng(seed uint64, id string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(id))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// Present returns q as shown in the attempt with the given seed.
func Present(q *Question, seed uint64) View {
	r := rng(seed, q.ID)
	v := View{Options: slices.Clone(q.Options), Left: slices.Clone(q.Left), Right: slices.Clone(q.Right)}
	switch q.Type {
	case Single, Multiple:
		if q.Shuffle {
			r.Shuffle(len(v.Options), func(i, j int) { v.Options[i], v.Options[j] = v.Options[j], v.Options[i] })
		}
	case Ordering:
		// Items are always scrambled, and never shown already in order.
		r.Shuffle(len(v.Options), func(i, j int) { v.Options[i], v.Options[j] = v.Options[j], v.Options[i] })
		if len(v.Options) > 1 && slices.EqualFunc(v.Options, q.Options, func(a, b Option) bool { return a.ID == b.ID }) {
			v.Options = append(v.Options[1:], v.Options[0])
		}
	case Matching:
		r.Shuffle(len(v.Right), func(i, j int) { v.Right[i], v.Right[j] = v.Right[j], v.Right[i] })
	}
	return v
}

// Draw picks n questions from pool for an attempt, reproducibly from seed.
func Draw(pool []*Question, n int, seed uint64) []*Question {
	p := slices.Clone(pool)
	r := rng(seed, "draw")
	r.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p[:min(n, len(p))]
}
