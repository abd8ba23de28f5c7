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
	Ours     Method = "ours"        // retrieved reference, optimization, its look at the preset's strength
	OursRand Method = "ours-random" // a random reference of the same adjective (the paper's ablation)
	OursRaw  Method = "ours-raw"    // the optimized working image itself, without the look
	// OursStart is ours without the network: the optimization's first
	// iterate (the preset's share of Reinhard's match) as a look, with
	// the same lightness and strength. What ours adds to it is what the
	// network adds.
	OursStart Method = "ours-start"
	Reinhard  Method = "reinhard-1.0" // global CIELAB mean/std match (Reinhard et al. 2001)
	Identity  Method = "identity"     // the input unchanged
)

// Methods lists the methods of the per-input table, in its order.
var Methods = []Method{Ours, OursStart, OursRand, OursRaw, Reinhard, Identity}

// Strengths are the points of the two curves: Reinhard's match blended with
// the input, and ours applied at that strength (look.MixAt: colour ahead of
// lightness). Reinhard's plain blend, with the identity at 0, is the
// baseline: a method is worth its cost only where it keeps more structure
// (SSIM) than the blend that moves its colours as far. How much of ours'
// margin the network earns is ours against OursStart, the same look
// without it.
var Strengths = []float64{0.4, 0.6, 0.8, 1.0}

// ReinhardAt and OursAt name the curves' points.
func ReinhardAt(t float64) Method { return Method(fmt.Sprintf("reinhard-%.1f", t)) }

// OursAt is ours with the look applied at strength t.
func OursAt(t float64) Method { return Method(fmt.Sprintf("ours-%.1f", t)) }

// allMethods are the table's methods and the curves' points.
func allMethods() []Method {
	out := append([]Method(nil), Methods...)
	for _, t := range Strengths {
		if ReinhardAt(t) != Reinhard {
			out = append(out, ReinhardAt(t))
		}
		out = append(out, OursAt(t))
	}
	return out
}

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
	// Judge, if not nil, measures the style movement of every output in
	// its network (best another than Net).
	Judge *score.Judge
	// TopK, if above 1, takes the style target from the top TopK
	// retrieved references of the mood (transfer.Options.Extra), weighed
	// by their edge SSIM relative to the best's.
	TopK int
	// NoAblation leaves out the random-reference transfer (half the time).
	NoAblation bool
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
	// Style is each method's style movement in the judge's network (only
	// with a judge).
	Style map[Method]float64
	// Images at the input's size, for the contact sheet: the input, the
	// retrieved reference and each method's output.
	Images map[string]*imaging.RGB
	// Matched scores Reinhard's blend at about ours' movement.
	Matched score.Scores
	// Seconds is the time of the "ours" transfer.
	Seconds float64
}

// Report is a finished evaluation.
type Report struct {
	Backbone string
	Judge    string // the judge's network, if any
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
	inputs, err := retrieval.ReadCatalogFile(filepath.Join(c.Inputs, "catalog.tsv"))
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
	if c.Judge != nil {
		rep.Judge = c.Judge.Net.Name()
	}
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

	opts := transfer.Options{Preset: c.Preset}
	for _, m := range matches[1:min(max(c.TopK, 1), len(matches))] {
		pic, err := c.picture(m.Entry)
		if err != nil {
			return nil, err
		}
		w := 0.1
		if matches[0].SSIM > 0 {
			w = min(max(m.SSIM/matches[0].SSIM, 0.1), 1)
		}
		opts.Extra = append(opts.Extra, transfer.Weighted{Image: pic, Weight: w})
	}
	// run transfers ref's look onto img and applies it at the preset's
	// strength.
	run := func(ref *imaging.RGB, o transfer.Options) (*transfer.Result, *imaging.RGB, error) {
		res, err := transfer.Run(ctx, c.Net, img, ref, o, nil)
		if err != nil {
			return nil, nil, err
		}
		out, err := res.Grid.Apply(img, float32(c.Preset.Strength))
		return res, out, err
	}
	start := time.Now()
	res, ours, err := run(ref, opts)
	if err != nil {
		return nil, err
	}
	row.Seconds = time.Since(start).Seconds()
	o0 := opts
	o0.Preset.Iterations = 0
	_, start0, err := run(ref, o0)
	if err != nil {
		return nil, err
	}
	reinhard, err := look.Reinhard(img, ref)
	if err != nil {
		return nil, err
	}
	outputs := map[Method]*imaging.RGB{
		Ours:      ours,
		OursStart: start0,
		OursRaw:   imaging.Resize(res.Optimized, img.W, img.H),
		Identity:  img,
	}
	if c.NoAblation {
		row.Random = "" // and no scores: the table shows none
	} else {
		if _, outputs[OursRand], err = run(rnd, transfer.Options{Preset: c.Preset}); err != nil {
			return nil, err
		}
	}
	for _, t := range Strengths {
		outputs[ReinhardAt(t)] = blend(img, reinhard, float32(t))
		if outputs[OursAt(t)], err = res.Grid.Apply(img, float32(t)); err != nil {
			return nil, err
		}
	}
	var styleIn, styleRef, styleRnd score.Style
	if c.Judge != nil {
		row.Style = map[Method]float64{}
		for _, s := range []struct {
			dst *score.Style
			img *imaging.RGB
		}{{&styleIn, img}, {&styleRef, ref}, {&styleRnd, rnd}} {
			st, err := c.Judge.Style(s.img)
			if err != nil {
				return nil, err
			}
			*s.dst = st
		}
	}
	for m, out := range outputs {
		// The random-reference ablation is scored against its own
		// reference: it asks whether that look arrived, not this one.
		target, styleTarget := ref, styleRef
		if m == OursRand {
			target, styleTarget = rnd, styleRnd
		}
		if row.Scores[m], err = score.Score(img, out, target); err != nil {
			return nil, err
		}
		if c.Judge != nil && m != Identity {
			so, err := c.Judge.Style(out)
			if err != nil {
				return nil, err
			}
			row.Style[m], _ = score.StyleMovement(styleIn, so, styleTarget)
		}
		if m == Ours || m == OursRand || m == OursRaw || m == Reinhard {
			row.Images[string(m)] = out
		}
	}
	// Reinhard's blend that moves about as far as ours, to look at the
	// two side by side (its movement is nearly linear in the strength).
	if o, r := row.Scores[Ours], row.Scores[Reinhard]; o.MovementOK && r.MovementOK && r.Movement > 0 {
		t := min(max(o.Movement/r.Movement, 0), 1)
		row.Images[sheetMatched] = blend(img, reinhard, float32(t))
		if row.Matched, err = score.Score(img, row.Images[sheetMatched], ref); err != nil {
			return nil, err
		}
	}
	return row, nil
}

// blend returns a + t·(b − a).
func blend(a, b *imaging.RGB, t float32) *imaging.RGB {
	out := a.Clone()
	for i, v := range b.Pix {
		out.Pix[i] += t * (v - out.Pix[i])
	}
	return out
}

func (c Config) picture(e *retrieval.Entry) (*imaging.RGB, error) {
	m, _, err := imaging.DecodeFile(filepath.Join(c.RefDir, filepath.FromSlash(e.Picture)))
	return m, err
}

// Mean is a method's average over the rows: SSIM over all, movement over
// the rows where it is defined, style movement over the rows judged.
type Mean struct {
	SSIM, Movement, Style float64
	Rows                  int // rows the method ran on
	Moved                 int // of those, rows with a defined movement
}

// Means averages each method's scores.
func (r *Report) Means() map[Method]Mean {
	out := map[Method]Mean{}
	for _, m := range allMethods() {
		var s Mean
		judged := 0
		n := 0
		for _, row := range r.Rows {
			sc, ok := row.Scores[m]
			if !ok {
				continue
			}
			n++
			s.SSIM += sc.SSIM
			if sc.MovementOK {
				s.Movement += sc.Movement
				s.Moved++
			}
			if st, ok := row.Style[m]; ok {
				s.Style += st
				judged++
			}
		}
		if s.Rows = n; n > 0 {
			s.SSIM /= float64(n)
		}
		if s.Moved > 0 {
			s.Movement /= float64(s.Moved)
		}
		if judged > 0 {
			s.Style /= float64(judged)
		}
		out[m] = s
	}
	return out
}

// A Point is a place on the plane of colour movement (x) against SSIM (y).
type Point struct{ Movement, SSIM float64 }

// ReinhardCurve is the baseline's curve through the means: the identity
// at 0, then the blends in order of strength.
func (r *Report) ReinhardCurve() []Point { return r.curve(ReinhardAt) }

// OursCurve is ours through the means at the same strengths.
func (r *Report) OursCurve() []Point { return r.curve(OursAt) }

func (r *Report) curve(at func(float64) Method) []Point {
	means := r.Means()
	pts := []Point{{0, means[Identity].SSIM}}
	for _, t := range Strengths {
		m := means[at(t)]
		pts = append(pts, Point{m.Movement, m.SSIM})
	}
	return pts
}

// Gap is how far ours' mean SSIM lies above (positive) or below the
// Reinhard curve at ours' mean movement.
func (r *Report) Gap() float64 {
	o := r.Means()[Ours]
	return o.SSIM - CurveAt(r.ReinhardCurve(), o.Movement)
}

// CurveAt interpolates a curve's SSIM linearly at movement m, extending
// its last segment beyond its end (and its first before its start).
func CurveAt(pts []Point, m float64) float64 {
	if len(pts) == 0 {
		return 0
	}
	if len(pts) == 1 {
		return pts[0].SSIM
	}
	s := append([]Point(nil), pts...)
	sort.Slice(s, func(i, j int) bool { return s[i].Movement < s[j].Movement })
	k := 1
	for k < len(s)-1 && s[k].Movement < m {
		k++
	}
	a, b := s[k-1], s[k]
	if b.Movement == a.Movement {
		return b.SSIM
	}
	return a.SSIM + (m-a.Movement)*(b.SSIM-a.SSIM)/(b.Movement-a.Movement)
}

// rowGap is Gap for one row, against that row's own Reinhard curve.
func (row *Row) rowGap() (float64, bool) {
	o := row.Scores[Ours]
	if !o.MovementOK {
		return 0, false
	}
	pts := []Point{{0, row.Scores[Identity].SSIM}}
	for _, t := range Strengths {
		sc := row.Scores[ReinhardAt(t)]
		if !sc.MovementOK {
			return 0, false
		}
		pts = append(pts, Point{sc.Movement, sc.SSIM})
	}
	return o.SSIM - CurveAt(pts, o.Movement), true
}

// Markdown renders the report: the means per method (the paper's Table II
// with the movements beside it), the two curves, where ours lies against
// Reinhard's, then every input's numbers.
func (r *Report) Markdown() string {
	var b strings.Builder
	p := r.Preset
	fmt.Fprintf(&b, "# Evaluation: %s, preset %q\n\n", r.Backbone, p.Name)
	fmt.Fprintf(&b, "Working size %d px, %d iterations, start %g of the colour match, α %g, β %g, step %g, lightness kept %g, strength %g. ", p.Size, p.Iterations, p.Start, p.Alpha, p.Beta, p.Rate, p.Light, p.Strength)
	fmt.Fprintf(&b, "SSIM is input vs output on luma at the input's size; movement is how far the output's CIELAB mean and standard deviation moved from the input's toward the reference's (0 = not at all, 1 = all the way)")
	if r.Judge != "" {
		fmt.Fprintf(&b, "; style is 1 − d(out, ref)/d(in, ref) with d the mean relative distance of Gram matrices at the style taps of %s", r.Judge)
	}
	b.WriteString(".\n\n| method | mean SSIM | mean movement | mean style |\n|---|---|---|---|\n")
	means := r.Means()
	for _, m := range allMethods() {
		s := means[m]
		if s.Rows == 0 {
			continue // not run (the ablation left out)
		}
		st := "–"
		if r.Judge != "" && m != Identity {
			st = fmt.Sprintf("%.3f", s.Style)
		}
		fmt.Fprintf(&b, "| %s | %.4f | %.3f | %s |\n", m, s.SSIM, s.Movement, st)
	}
	o := means[Ours]
	fmt.Fprintf(&b, "\nOurs: SSIM %.4f at movement %.3f; Reinhard's curve there: %.4f; **ours lies %+.4f %s the curve**.\n",
		o.SSIM, o.Movement, CurveAt(r.ReinhardCurve(), o.Movement), r.Gap(), map[bool]string{true: "above", false: "below"}[r.Gap() >= 0])
	if s := means[OursStart]; s.Rows > 0 {
		fmt.Fprintf(&b, "Without the network (%s): SSIM %.4f at movement %.3f, %+.4f from the curve", OursStart, s.SSIM, s.Movement, s.SSIM-CurveAt(r.ReinhardCurve(), s.Movement))
		if r.Judge != "" {
			fmt.Fprintf(&b, "; style %.3f against ours' %.3f", s.Style, o.Style)
		}
		b.WriteString(".\n")
	}
	b.WriteString("\n| input | mood | reference |")
	for _, m := range Methods {
		fmt.Fprintf(&b, " %s SSIM / move |", m)
	}
	b.WriteString(" ours − curve | seconds |\n|---|---|---|")
	for range Methods {
		b.WriteString("---|")
	}
	b.WriteString("---|---|\n")
	for _, row := range r.Rows {
		fmt.Fprintf(&b, "| %s | %s | %s |", row.Input, row.Adjective, row.Reference)
		for _, m := range Methods {
			sc, ok := row.Scores[m]
			if !ok {
				b.WriteString(" – |")
				continue
			}
			mv := "–"
			if sc.MovementOK {
				mv = fmt.Sprintf("%.2f", sc.Movement)
			}
			fmt.Fprintf(&b, " %.3f / %s |", sc.SSIM, mv)
		}
		gap := "–"
		if g, ok := row.rowGap(); ok {
			gap = fmt.Sprintf("%+.3f", g)
		}
		fmt.Fprintf(&b, " %s | %.1f |\n", gap, row.Seconds)
	}
	return b.String()
}
