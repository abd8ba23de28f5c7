package retrieval

import (
	"fmt"
	"math"

	"sentiment/look"
)

// Base is the collection's average light: every reference's light, each
// adjective weighing the same whatever its number of references, against
// which a mood's own traits are read.
func (ix *Index) Base() (look.Light, error) {
	count := map[string]int{}
	for _, e := range ix.Entries {
		count[e.Adjective]++
	}
	ls := make([]look.WeightedLight, 0, len(ix.Entries))
	for _, e := range ix.Entries {
		ls = append(ls, look.WeightedLight{Light: e.Light, Weight: 1 / float64(count[e.Adjective])})
	}
	if len(ls) == 0 {
		return look.Light{}, fmt.Errorf("retrieval: an empty index has no average light")
	}
	return look.Mean(ls)
}

// MatchBoost is how many references' worth a reference weighs in its
// mood's light when it is the photo's best structural match, falling off
// with its distance in SSIM from the best (by MatchFalloff): the paper's
// retrieval picks the reference whose structure is most like the photo's,
// and its light counts most — but not alone, so that one unusual picture
// cannot invert the mood.
const (
	MatchBoost   = 2.0
	MatchFalloff = 0.05
)

// Mood returns the mood of adjective for a photo: the light of every
// reference of the adjective (look.NewMood weighs each by how typical it
// is), the photo's best structural matches among them — matches, ranked
// by Retrieve — weighing more. When the best match is poor (Match.Poor)
// structure says nothing about which reference fits, and the mood is the
// references' consensus alone: consensus reports it. extra lights (a
// reference the user chose, say) join with their own weights.
func (ix *Index) Mood(adjective string, matches []Match, extra ...look.WeightedLight) (m look.Mood, consensus bool, err error) {
	best := math.Inf(-1)
	for _, x := range matches {
		if x.Entry != nil && x.Adjective == adjective {
			best = max(best, x.SSIM)
		}
	}
	consensus = math.IsInf(best, -1) || best < PoorMatch
	boost := map[uint32]float64{}
	if !consensus {
		for _, x := range matches {
			if x.Entry != nil && x.Adjective == adjective {
				boost[x.ID] = MatchBoost * math.Exp((x.SSIM-best)/MatchFalloff)
			}
		}
	}
	var ls []look.WeightedLight
	for _, e := range ix.Entries {
		if e.Adjective == adjective {
			ls = append(ls, look.WeightedLight{Light: e.Light, Weight: 1 + boost[e.ID]})
		}
	}
	if len(ls) == 0 {
		return look.Mood{}, false, fmt.Errorf("%w: no reference is %q", ErrNoMatch, adjective)
	}
	m, err = look.NewMood(append(ls, extra...))
	return m, consensus, err
}
