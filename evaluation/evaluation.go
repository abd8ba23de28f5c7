// Package evaluation reproduces the paper's quantitative comparison (its
// Table II) on a catalog of input photos: each input gets a contrasting
// mood, a reference is retrieved for it, and every method transfers that
// reference's look. Each result is scored by SSIM to the input (how much
// structure survives) and by how far its CIELAB statistics moved toward
// the reference's (how much look was transferred): SSIM alone would reward
// doing nothing, so the two are always read together.
package evaluation

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"sentiment/backbone"
	"sentiment/imaging"
	"sentiment/look"
	"sentiment/retrieval"
	"sentiment/score"
	"sentiment/transfer"
)

// Method names a way of producing the output.
type Method string

// The methods compared.
const (
	Ours     Method = "ours"          // retrieved reference, optimization, refit
	OursRand Method = "ours-random"   // a random reference of the same adjective (the paper's ablation)
	OursRaw  Method = "ours-raw"      // the optimized image itself, without the refit
	Reinhard Method = "reinhard-2001" // global CIELAB mean/std match
	Identity Method = "identity"      // the input unchanged
)

// Methods lists the methods in the order the table shows them.
var Methods = []Method{Ours, OursRand, OursRaw, Reinhard, Identity}

// Config sets up an evaluation.
type Config struct {
	// Inputs is a folder with catalog.tsv and its photos.
	Inputs string
	// Index holds the references, and RefDir the folder their Picture
	// paths are relative to.
	Index  *retrieval.Index
	RefDir string
	Net    backbone.Network
	Preset transfer.Preset
	// Seed makes the random references repeatable.
	Seed int64
	// Limit, if positive, evaluates only the first Limit inputs.
	Limit int
	// Log, if not nil, gets a line per finished step.
	Log func(format string, args ...any)
}

// Row is one input's evaluation.
type Row struct {
	Input     string
	Polarity  retrieval.Polarity
	Adjective string // the contrasting mood chosen
	Reference string // retrieved
	Random    string // the random reference of the same adjective
	Scores    map[Method]score.Scores
	// Images at the input's size, for the contact sheet: the input, the
	// retrieved reference and each method's output.
	Images map[string]*imaging.RGB
	// Seconds is the time of the "ours" transfer.
	Seconds float64
}

// Report is a finished evaluation.
type Report struct {
	Backbone string
	Preset   transfer.Preset
	Rows     []Row
}

// Contrast returns the adjectives that contrast with a photo of the given
// polarity: the negative moods for a positive or neutral photo (a neutral
// photo has no mood to reverse, and the negative moods are the more
// visible change), the positive ones for a negative photo.
func Contrast(ix *retrieval.Index, p retrieval.Polarity) []string {
	want := retrieval.Negative
	if p == retrieval.Negative {
		want = retrieval.Positive
	}
	var out []string
	for _, a := range ix.Adjectives {
		if a.Polarity == want {
			out = append(out, a.Name)
		}
	}
	sort.Strings(out)
	return out
}

// Run evaluates every input of the catalog. The i-th input of a polarity
// gets the i-th contrasting adjective (cycling through them in
// alphabetical order), so the sweep covers many moods and is repeatable.
func Run(ctx context.Context, c Config) (*Report, error) {
	f, err := os.Open(filepath.Join(c.Inputs, "catalog.tsv"))
	if err != nil {
		return nil, fmt.Errorf("evaluation: %w", err)
	}
	inputs, err := retrieval.ReadCatalog(f)
	f.Close()
	if err != nil {
		return nil, err
	}
	if c.Limit > 0 && c.Limit < len(inputs) {
		inputs = inputs[:c.Limit]
	}
	if len(inputs) == 0 {
		return nil, fmt.Errorf("evaluation: no inputs in %s", c.Inputs)
	}
	logf := c.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	rng := rand.New(rand.NewSource(c.Seed))
	seen := map[retrieval.Polarity]int{}
	rep := &Report{Backbone: c.Net.Name(), Preset: c.Preset}
	for _, in := range inputs {
		adjs := Contrast(c.Index, in.Polarity)
		if len(adjs) == 0 {
			return nil, fmt.Errorf("evaluation: the index has no mood contrasting with %s", in.Polarity)
		}
		adj := adjs[seen[in.Polarity]%len(adjs)]
		seen[in.Polarity]++
		row, err := evaluate(ctx, c, in, adj, rng)
		if err != nil {
			return nil, fmt.Errorf("evaluation: %s: %w", in.File, err)
		}
		logf("%-16s %-8s → %-22s ours SSIM %.3f movement %.2f (%.1fs)", in.File, adj, row.Reference,
			row.Scores[Ours].SSIM, row.Scores[Ours].Movement, row.Seconds)
		rep.Rows = append(rep.Rows, *row)
	}
	return rep, nil
}

func evaluate(ctx context.Context, c Config, in retrieval.Entry, adj string, rng *rand.Rand) (*Row, error) {
	img, _, err := imaging.DecodeFile(filepath.Join(c.Inputs, in.File))
	if err != nil {
		return nil, err
	}
	matches, err := retrieval.Retrieve(c.Index, img, retrieval.Query{Adjective: adj, Noun: in.Noun})
	if err != nil {
		return nil, err
	}
	best := matches[0].Entry
	random := matches[rng.Intn(len(matches))].Entry
	if len(matches) > 1 {
		for random == best {
			random = matches[rng.Intn(len(matches))].Entry
		}
	}
	ref, err := c.picture(best)
	if err != nil {
		return nil, err
	}
	rnd, err := c.picture(random)
	if err != nil {
		return nil, err
	}
	row := &Row{Input: in.File, Polarity: in.Polarity, Adjective: adj, Reference: best.File, Random: random.File,
		Scores: map[Method]score.Scores{}, Images: map[string]*imaging.RGB{"input": img, "reference": ref}}

	start := time.Now()
	res, err := transfer.Run(ctx, c.Net, img, ref, transfer.Options{Preset: c.Preset}, nil)
	if err != nil {
		return nil, err
	}
	ours, err := res.Grid.Apply(img, 1)
	if err != nil {
		return nil, err
	}
	row.Seconds = time.Since(start).Seconds()
	resR, err := transfer.Run(ctx, c.Net, img, rnd, transfer.Options{Preset: c.Preset}, nil)
	if err != nil {
		return nil, err
	}
	oursRand, err := resR.Grid.Apply(img, 1)
	if err != nil {
		return nil, err
	}
	reinhard, err := look.Reinhard(img, ref)
	if err != nil {
		return nil, err
	}
	outputs := map[Method]*imaging.RGB{
		Ours:     ours,
		OursRand: oursRand,
		OursRaw:  imaging.Resize(res.Optimized, img.W, img.H),
		Reinhard: reinhard,
		Identity: img,
	}
	for m, out := range outputs {
		// The random-reference ablation is scored against its own
		// reference: it asks whether that look arrived, not this one.
		target := ref
		if m == OursRand {
			target = rnd
		}
		if row.Scores[m], err = score.Score(img, out, target); err != nil {
			return nil, err
		}
		row.Images[string(m)] = out
	}
	return row, nil
}

func (c Config) picture(e *retrieval.Entry) (*imaging.RGB, error) {
	m, _, err := imaging.DecodeFile(filepath.Join(c.RefDir, filepath.FromSlash(e.Picture)))
	return m, err
}

// Mean is a method's average over the rows: SSIM over all, movement over
// the rows where it is defined.
type Mean struct {
	SSIM, Movement float64
	Moved          int // rows with a defined movement
}

// Means averages each method's scores.
func (r *Report) Means() map[Method]Mean {
	out := map[Method]Mean{}
	for _, m := range Methods {
		var s Mean
		for _, row := range r.Rows {
			sc := row.Scores[m]
			s.SSIM += sc.SSIM
			if sc.MovementOK {
				s.Movement += sc.Movement
				s.Moved++
			}
		}
		if n := len(r.Rows); n > 0 {
			s.SSIM /= float64(n)
		}
		if s.Moved > 0 {
			s.Movement /= float64(s.Moved)
		}
		out[m] = s
	}
	return out
}

// Markdown renders the report: the means per method (the paper's Table II
// with the movement beside it), then every input's numbers.
func (r *Report) Markdown() string {
	var b strings.Builder
	p := r.Preset
	fmt.Fprintf(&b, "# Evaluation: %s, preset %q\n\n", r.Backbone, p.Name)
	fmt.Fprintf(&b, "Working size %d px, %d iterations, start %g of the colour match, α %g, β %g, step %g. ", p.Size, p.Iterations, p.Start, p.Alpha, p.Beta, p.Rate)
	fmt.Fprintf(&b, "SSIM is input vs output on luma at the input's size; movement is how far the output's CIELAB mean and standard deviation moved from the input's toward the reference's (0 = not at all, 1 = all the way).\n\n")
	b.WriteString("| method | mean SSIM | mean movement |\n|---|---|---|\n")
	means := r.Means()
	for _, m := range Methods {
		s := means[m]
		fmt.Fprintf(&b, "| %s | %.4f | %.3f |\n", m, s.SSIM, s.Movement)
	}
	b.WriteString("\n| input | mood | reference |")
	for _, m := range Methods {
		fmt.Fprintf(&b, " %s SSIM / move |", m)
	}
	b.WriteString(" seconds |\n|---|---|---|")
	for range Methods {
		b.WriteString("---|")
	}
	b.WriteString("---|\n")
	for _, row := range r.Rows {
		fmt.Fprintf(&b, "| %s | %s | %s |", row.Input, row.Adjective, row.Reference)
		for _, m := range Methods {
			sc := row.Scores[m]
			mv := "–"
			if sc.MovementOK {
				mv = fmt.Sprintf("%.2f", sc.Movement)
			}
			fmt.Fprintf(&b, " %.3f / %s |", sc.SSIM, mv)
		}
		fmt.Fprintf(&b, " %.1f |\n", row.Seconds)
	}
	return b.String()
}
