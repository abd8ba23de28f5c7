package engine

import (
	"fmt"

	"sentiment/imaging"
	"sentiment/look"
	"sentiment/retrieval"
)

// A Mood is the light a transfer moves a photo toward, and what it was
// made from: what the front ends pass to Transfer and report to the user.
type Mood struct {
	// Adjective is the mood's word; empty when the light is the reference
	// picture's own (one's own reference).
	Adjective string `json:"adjective,omitempty"`
	// Light is the mood's light and Base the collection's average light,
	// which the mood's own traits are read against (zero without an
	// index: the photo's own light is used).
	Light look.Mood  `json:"-"`
	Base  look.Light `json:"-"`
	// References is how many references the light was made from, and
	// Consensus whether it is their consensus alone because none shares
	// the photo's structure (the best match is under retrieval.PoorMatch).
	References int  `json:"references"`
	Consensus  bool `json:"consensus"`
}

// MoodOf returns the mood of adjective for photo (any size) from the
// index: every reference of the adjective, the photo's best structural
// matches weighing more (retrieval.Index.Mood); chosen, if not nil, is
// the reference the user picked among them, whose light weighs as a best
// match's does.
func MoodOf(ix *retrieval.Index, photo *imaging.RGB, adjective string, chosen *imaging.RGB) (Mood, error) {
	matches, err := Retrieve(ix, "", photo, retrieval.Query{Adjective: adjective})
	if err != nil {
		return Mood{}, err
	}
	var extra []look.WeightedLight
	if chosen != nil {
		l, err := look.Describe(chosen)
		if err != nil {
			return Mood{}, badInput(fmt.Errorf("the reference: %w", err))
		}
		extra = append(extra, look.WeightedLight{Light: l, Weight: retrieval.MatchBoost})
	}
	m, consensus, err := ix.Mood(adjective, matches, extra...)
	if err != nil {
		return Mood{}, err
	}
	base, err := ix.Base()
	if err != nil {
		return Mood{}, err
	}
	return Mood{Adjective: adjective, Light: m, Base: base, References: len(matches), Consensus: consensus}, nil
}

// ReferenceMood returns the mood of a reference picture alone — one's own
// reference, whose look the user asked for — read against the index's
// average light if there is an index (ix may be nil).
func ReferenceMood(ix *retrieval.Index, ref *imaging.RGB) (Mood, error) {
	l, err := look.Describe(ref)
	if err != nil {
		return Mood{}, badInput(fmt.Errorf("the reference: %w", err))
	}
	m := Mood{Light: look.Mood{Light: l}, References: 1}
	if ix != nil && len(ix.Entries) > 0 {
		if m.Base, err = ix.Base(); err != nil {
			return Mood{}, err
		}
	}
	return m, nil
}
