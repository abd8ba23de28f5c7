// Package retrieval picks reference photos for a mood: the first step of
// the paper. Every reference of the chosen adjective (or polarity) has its
// edge map compared with the input's by SSIM, and the most alike in
// structure win, so that the transfer borrows the mood of a photo with the
// same kind of content. The references come as an Index: a compact,
// versioned, checksummed file that cmd/build makes from a folder of photos
// and its catalog.tsv, holding each reference's tags, attribution, edge map
// and working-size picture path, and the vocabulary the page offers.
package retrieval

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"

	"sentiment/imaging"
	"sentiment/ssim"
)

// Query says which references compete and how many to return. The page
// sends one as JSON ({adjective, noun, k}).
type Query struct {
	// Adjective selects the references of one adjective; if empty, every
	// adjective of Polarity competes.
	Adjective string   `json:"adjective"`
	Polarity  Polarity `json:"polarity,omitempty"`
	// Noun, if not empty, puts the references of that noun first: they are
	// ranked among themselves, then the rest of the selection after them.
	Noun string `json:"noun"`
	// K is how many matches to return; 0 or less returns them all.
	K int `json:"k"`
	// Perceptual, if not nil, ranks by the distance between backbone
	// features instead of by the SSIM of edge maps (the paper's comparison).
	Perceptual *Perceptual `json:"-"`
}

// Match is one retrieved reference with its attribution: the one record
// that the command line prints, the page shows and the build's
// attribution.json lists (the Entry's fields flattened into the JSON).
type Match struct {
	*Entry
	// SSIM is the structural similarity of the edge maps of the input and
	// the reference, in [−1, 1]; higher is more alike.
	SSIM float64 `json:"ssim"`
	// Distance is the perceptual distance when the query ranks by it
	// (else 0); lower is more alike.
	Distance float64 `json:"distance,omitempty"`
	// Path is the picture's file on this machine, where the caller knows
	// the index's folder (the command line); the page uses Picture.
	Path string `json:"path,omitempty"`
}

// PoorMatch is the SSIM of edge maps below which a reference shares hardly
// more structure with the input than an unrelated picture does: the
// transfer borrows its mood from a scene of another layout, and the page
// says so. Measured on the assets: against the 16 references of one
// adjective the median SSIM of a photo is 0.004 to 0.024 (three photos),
// while the best reference of 30 photo and mood pairs scores 0.063 to
// 0.22. The one threshold for that notion: front ends read it through
// Match.Poor (the page through engine.Constants).
const PoorMatch = 0.06

// Poor reports whether the reference's structure match is below PoorMatch.
func (m Match) Poor() bool { return m.SSIM < PoorMatch }

// ErrNoMatch is returned (wrapped) when the query selects no reference.
var ErrNoMatch = errors.New("retrieval: no reference matches the query")

// Retrieve returns the references of the query's selection most like the
// input, best first: by default those whose edge maps (EdgeMap) have the
// highest SSIM with the input's, the paper's structure-first retrieval.
func Retrieve(ix *Index, input *imaging.RGB, q Query) ([]Match, error) {
	if err := input.Validate(); err != nil {
		return nil, err
	}
	groups, err := ix.selection(q)
	if err != nil {
		return nil, err
	}
	edges, err := EdgeMap(input)
	if err != nil {
		return nil, err
	}
	var all []int
	for _, g := range groups {
		all = append(all, g...)
	}
	sims, err := ix.edgeSSIM(edges, all)
	if err != nil {
		return nil, err
	}
	var dist []float64
	if q.Perceptual != nil {
		if dist, err = q.Perceptual.distances(ix, input, all); err != nil {
			return nil, err
		}
	}
	// Rank each group on its own and keep the groups in order.
	var out []Match
	at := 0
	for _, g := range groups {
		ms := make([]Match, len(g))
		for i, e := range g {
			ms[i] = Match{Entry: &ix.Entries[e], SSIM: sims[at+i]}
			if dist != nil {
				ms[i].Distance = dist[at+i]
			}
		}
		at += len(g)
		slices.SortStableFunc(ms, func(a, b Match) int {
			if dist != nil && a.Distance != b.Distance {
				return cmp.Compare(a.Distance, b.Distance)
			}
			return cmp.Compare(b.SSIM, a.SSIM)
		})
		out = append(out, ms...)
	}
	if q.K > 0 && len(out) > q.K {
		out = out[:q.K]
	}
	return out, nil
}

// selection returns the indices of the entries that compete, in groups
// ranked one after the other: the noun's entries, then the rest.
func (ix *Index) selection(q Query) ([][]int, error) {
	if q.Adjective != "" && !slices.ContainsFunc(ix.Adjectives, func(a Adjective) bool { return a.Name == q.Adjective }) {
		return nil, fmt.Errorf("%w: no adjective %q; the index has %s", ErrNoMatch, q.Adjective, strings.Join(ix.AdjectiveNames(), ", "))
	}
	if q.Noun != "" && !slices.Contains(ix.Nouns, q.Noun) {
		return nil, fmt.Errorf("%w: no noun %q; the index has %s", ErrNoMatch, q.Noun, strings.Join(ix.Nouns, ", "))
	}
	var first, rest []int
	for i := range ix.Entries {
		e := &ix.Entries[i]
		if q.Adjective != "" && e.Adjective != q.Adjective || q.Adjective == "" && e.Polarity != q.Polarity {
			continue
		}
		if q.Noun != "" && e.Noun == q.Noun {
			first = append(first, i)
		} else {
			rest = append(rest, i)
		}
	}
	if len(first)+len(rest) == 0 {
		return nil, fmt.Errorf("%w: no %s references", ErrNoMatch, q.Polarity)
	}
	return [][]int{first, rest}, nil
}

// AdjectiveNames returns the vocabulary's adjectives.
func (ix *Index) AdjectiveNames() []string {
	out := make([]string, len(ix.Adjectives))
	for i, a := range ix.Adjectives {
		out[i] = a.Name
	}
	return out
}

// edgeSSIM returns the SSIM of the edge map q with those of the given
// entries, spread over the available threads (one in the browser).
func (ix *Index) edgeSSIM(q []uint8, entries []int) ([]float64, error) {
	cmp, err := ssim.NewComparer(toFloat(q, nil), Grid, Grid, 255)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(entries))
	workers := min(runtime.GOMAXPROCS(0), (len(entries)+63)/64)
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]float32, Grid*Grid)
			for i := w; i < len(entries); i += workers {
				e := &ix.Entries[entries[i]]
				if err := checkMap(e.Edges); err != nil {
					errs[w] = fmt.Errorf("%s: %w", e.File, err)
					return
				}
				if out[i], errs[w] = cmp.Index(toFloat(e.Edges, buf)); errs[w] != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// toFloat converts an edge map to samples, into buf if it is large enough.
func toFloat(e []uint8, buf []float32) []float32 {
	if len(buf) < len(e) {
		buf = make([]float32, len(e))
	}
	buf = buf[:len(e)]
	for i, v := range e {
		buf[i] = float32(v)
	}
	return buf
}

// Embedder maps a picture to a feature vector, such as a backbone's
// activations; the same embedder must serve the input and the references.
type Embedder interface {
	Embed(*imaging.RGB) ([]float32, error)
}

// Perceptual ranks references by the Euclidean distance between the
// embeddings of the input and of their pictures, the comparison the paper
// made against structure-based retrieval. It embeds each reference once and
// remembers it; use one Perceptual per index.
type Perceptual struct {
	Embedder Embedder
	// Picture returns an entry's picture, such as Pictures(dir) does.
	Picture func(*Entry) (*imaging.RGB, error)

	mu    sync.Mutex
	cache map[*Entry][]float32
}

func (p *Perceptual) distances(ix *Index, input *imaging.RGB, entries []int) ([]float64, error) {
	if p.Embedder == nil || p.Picture == nil {
		return nil, errors.New("retrieval: perceptual ranking needs an embedder and a picture loader")
	}
	q, err := p.Embedder.Embed(input)
	if err != nil {
		return nil, fmt.Errorf("retrieval: embedding the input: %w", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cache == nil {
		p.cache = map[*Entry][]float32{}
	}
	out := make([]float64, len(entries))
	for i, k := range entries {
		e := &ix.Entries[k]
		v, ok := p.cache[e]
		if !ok {
			m, err := p.Picture(e)
			if err != nil {
				return nil, fmt.Errorf("retrieval: picture of %s: %w", e.File, err)
			}
			if v, err = p.Embedder.Embed(m); err != nil {
				return nil, fmt.Errorf("retrieval: embedding %s: %w", e.File, err)
			}
			p.cache[e] = v
		}
		if len(v) != len(q) {
			return nil, fmt.Errorf("retrieval: embeddings of %d and %d values (%s)", len(q), len(v), e.File)
		}
		var s float64
		for j := range v {
			d := float64(v[j]) - float64(q[j])
			s += d * d
		}
		out[i] = math.Sqrt(s)
	}
	return out, nil
}
