package retrieval

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"sentiment/backbone"
	"sentiment/imaging"
	"sentiment/op"
)

// Subject makes the subject features of pictures: what a picture shows,
// as a network sees it, so that a photo's noun can be guessed from the
// references' (GuessNouns). They are the network's deepest feature map,
// the picture stretched to the square its classifier was trained on (as
// edge maps stretch it), averaged over the picture, and scaled to
// sixteen levels, a byte each (the largest 15; only their direction is
// compared).
//
// The deepest map was the best of SqueezeNet's taps and its class
// probabilities at guessing the references' nouns from the others' (47 %
// top-1, 75 % top-3, against 36 % and 68 % for fire6 and 37 % and 67 %
// for the probabilities: BenchmarkSubjectAgreement). Sixteen levels
// instead of floats kept that agreement (and put one more input's noun
// in its top three) and keep the index small: gzip packs the levels on the
// way to the page.
type Subject struct {
	Net backbone.Network
}

// Name is the name of the network, which an index records with the
// features: features of another network do not compare.
func (s Subject) Name() string { return s.Net.Name() }

// Features returns the subject features of m.
func (s Subject) Features(m *imaging.RGB) ([]uint8, error) {
	if s.Net == nil {
		return nil, errors.New("retrieval: subject features need a network")
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	taps := s.Net.Taps()
	// At the classifier's size: at 160 px instead of SqueezeNet's 227,
	// top-1 fell from 47 % to 39 %.
	x, err := square(m, s.Net.InputSize())
	if err != nil {
		return nil, err
	}
	tap := taps[len(taps)-1]
	fs, err := s.Net.Features(x, tap)
	if err != nil {
		return nil, err
	}
	v := op.GlobalAvgPool(fs[tap]).Data()
	top := slices.Max(v)
	out := make([]uint8, len(v))
	if !(top > 0) || math.IsInf(float64(top), 0) {
		// A picture the network sees nothing in (or broken weights):
		// no direction to compare.
		return nil, fmt.Errorf("retrieval: %s sees nothing in this picture (largest feature %g)", s.Net.Name(), top)
	}
	for i, a := range v {
		out[i] = uint8(math.Round(float64(max(a, 0) / top * subjectLevels)))
	}
	return out, nil
}

// subjectLevels is the largest level of a subject feature.
const subjectLevels = 15

// NounGuess is a noun of an index and how alike a photo is to its
// references.
type NounGuess struct {
	Name string `json:"name"`
	// Score is the mean cosine similarity of the photo's subject features
	// with those of the noun's closest references, in [0, 1].
	Score float64 `json:"score"`
}

// guessNeighbours is how many of a noun's references speak for it: their
// mean similarity ranks the nouns. Three beat one (a single look-alike
// decides too much), the mean of all (a noun's varied references blur
// it) and the nearest ten overall (the nouns with many references win).
const guessNeighbours = 3

// GuessNouns ranks the index's nouns by how alike the subject features f
// of a photo (Subject.Features, by the index's Subject network) are to
// those of their references, best first. References without a noun or
// without features do not count, nor does the one skip names (its index
// in Entries, or -1 for none): a reference guessed as if it were a photo
// must not find itself.
func (ix *Index) GuessNouns(f []uint8, skip int) ([]NounGuess, error) {
	if ix.Subject == "" {
		return nil, errors.New("retrieval: the index has no subject features")
	}
	q := unit(f)
	sims := map[string][]float64{}
	for i := range ix.Entries {
		e := &ix.Entries[i]
		if i == skip || e.Noun == "" || len(e.Subject) == 0 {
			continue
		}
		if len(e.Subject) != len(f) {
			return nil, fmt.Errorf("retrieval: subject features of %d values against the index's %d", len(f), len(e.Subject))
		}
		sims[e.Noun] = append(sims[e.Noun], dot(q, unit(e.Subject)))
	}
	out := make([]NounGuess, 0, len(sims))
	for noun, s := range sims {
		slices.SortFunc(s, func(a, b float64) int { return cmp.Compare(b, a) })
		s = s[:min(guessNeighbours, len(s))]
		var sum float64
		for _, v := range s {
			sum += v
		}
		out = append(out, NounGuess{noun, sum / float64(len(s))})
	}
	slices.SortFunc(out, func(a, b NounGuess) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return out, nil
}

// unit returns v as a unit vector (zero stays zero).
func unit(v []uint8) []float64 {
	out := make([]float64, len(v))
	var n float64
	for i, a := range v {
		out[i] = float64(a)
		n += out[i] * out[i]
	}
	if n > 0 {
		n = 1 / math.Sqrt(n)
		for i := range out {
			out[i] *= n
		}
	}
	return out
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
