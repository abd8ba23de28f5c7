package transfer

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"
	"github.com/nlpodyssey/spago/optimizers/adam"

	"sentiment/backbone"
	"sentiment/imaging"
	"sentiment/look"
	"sentiment/op"
)

// Losses are the weighted terms of the loss at one iterate.
type Losses struct {
	Content float64 `json:"content"`
	Style   float64 `json:"style"`
	// Prior is the smoothness prior of an optimized look (0 for pixels).
	Prior float64 `json:"prior"`
}

// Total is the whole loss.
func (l Losses) Total() float64 { return l.Content + l.Style + l.Prior }

// Progress reports one iteration of a run (as JSON, for the page: its
// iteration, total and loss terms).
type Progress struct {
	Iteration int `json:"iteration"`
	Total     int `json:"total"`
	Losses
	// Preview, every Options.PreviewEvery iterations and at the end, is the
	// working-size input with the current iterate's refitted look: what
	// the user would get if the run stopped here.
	Preview *imaging.RGB `json:"-"`
}

// Options are the settings of a run besides its preset.
type Options struct {
	Preset
	// Grid configures the refit; the zero value means look.DefaultGrid.
	Grid look.GridConfig
	// Extra are further references of the mood, each with its weight
	// (the reference itself weighs 1): the style target is then the
	// weighted mean of all their Gram matrices, the mood's common look
	// rather than one photo's. The start's colour match is the
	// reference's alone.
	Extra []Weighted
	// PreviewEvery is how often Progress carries a preview; 0 means never
	// (but for the last iteration).
	PreviewEvery int
	// Mood and Base, for a preset with Mood settings, are the mood's light
	// (from its references) and the collection's average light it is read
	// against. A zero Mood is the reference's own light; a zero Base the
	// photo's.
	Mood look.Mood
	Base look.Light
}

// Weighted is a reference with its weight in the style target.
type Weighted struct {
	Image  *imaging.RGB
	Weight float64
}

// Result is a finished run at working size; its Grid carries the look to
// any size of the input.
type Result struct {
	// Input is the input at working size, Optimized the raw optimized
	// image (with the optimizer's texture), Grid the look refitted from
	// one to the other, keeping the preset's share of its lightness
	// (Preset.Light).
	Input, Optimized *imaging.RGB
	Grid             *look.Grid
	// Start and End are the loss terms at the first and last iterate.
	Start, End Losses
	Iterations int
	Elapsed    time.Duration
}

// An ImageError is a photo or reference the transfer refuses by its size:
// the caller's error, not the machine's.
type ImageError struct {
	What string // "photo", "reference", "extra reference"
	Err  error  // why (imaging.ErrAspect and the like where one is the cause)
}

func (e *ImageError) Error() string { return "the " + e.What + ": " + e.Err.Error() }
func (e *ImageError) Unwrap() error { return e.Err }

// CheckImage refuses an image (what names it) too small, too large or too
// elongated to transfer, as an *ImageError: pixels, sides and aspect bound
// a run's cost (a 100000×16 strip would exhaust memory in the Gram
// products), however the image came in (decoders check the same from the
// header). Run checks every image it gets so.
func CheckImage(what string, m *imaging.RGB) error {
	if err := imaging.CheckSize(m.W, m.H); err != nil {
		return &ImageError{what, err}
	}
	if min(m.W, m.H) < MinSide {
		return &ImageError{what, fmt.Errorf("%d×%d pixels, and it needs at least %d on each side", m.W, m.H, MinSide)}
	}
	return nil
}

// Run optimizes the input toward the reference's look on net with the
// given options, then refits that look as a bilateral grid. The input and
// reference may have any size; both are resized to the preset's working
// size (long side). ctx cancels the run between iterations; progress, if
// not nil, is called after every iteration.
func Run(ctx context.Context, net backbone.Network, input, ref *imaging.RGB, o Options, progress func(Progress)) (*Result, error) {
	start := time.Now()
	p := o.Preset
	if err := p.validate(net); err != nil {
		return nil, err
	}
	checks := []struct {
		what string
		img  *imaging.RGB
	}{{"photo", input}, {"reference", ref}}
	for _, e := range o.Extra {
		if !(e.Weight >= 0) || math.IsInf(e.Weight, 0) || e.Image == nil {
			return nil, fmt.Errorf("transfer: an extra reference with weight %g", e.Weight)
		}
		checks = append(checks, struct {
			what string
			img  *imaging.RGB
		}{"extra reference", e.Image})
	}
	for _, m := range checks {
		if err := m.img.Validate(); err != nil {
			return nil, fmt.Errorf("transfer: %s: %w", m.what, err)
		}
		if err := CheckImage(m.what, m.img); err != nil {
			return nil, err
		}
	}
	grid := o.Grid
	if grid == (look.GridConfig{}) {
		grid = look.DefaultGrid
	}
	in := working(input, p.Size)
	rf := working(ref, p.Size)
	refs := []Weighted{{rf, 1}}
	for _, e := range o.Extra {
		refs = append(refs, Weighted{working(e.Image, p.Size), e.Weight})
	}
	// The network's targets serve the iterations alone: a run of none
	// (the optimization's first iterate, as evaluation's ours-start) skips
	// their forward passes.
	var l *loss
	var err error
	if p.Iterations > 0 {
		if l, err = newLoss(net, p, in, refs); err != nil {
			return nil, err
		}
	}
	first := in.Clone()
	if p.Mood != nil {
		if first, err = moodStart(net, in, rf, o); err != nil {
			return nil, err
		}
	} else if p.Start > 0 {
		matched, err := look.Reinhard(in, rf)
		if err != nil {
			return nil, err
		}
		s := float32(p.Start)
		for i, v := range matched.Pix {
			first.Pix[i] += s * (v - first.Pix[i])
		}
	}
	var u unknown = newPixels(in, first)
	if p.Unknown == Look {
		if p.Cell > 0 {
			grid.Cell = p.Cell
		}
		if u, err = newGridUnknown(in, first, grid, p); err != nil {
			return nil, err
		}
	}
	x := u.param()
	opt := adam.New(adam.Config{StepSize: p.Rate, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8})

	res := &Result{Input: in}
	for it := 1; it <= p.Iterations; it++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		xm, err := u.image()
		if err != nil {
			return nil, err
		}
		prior, err := u.prior()
		if err != nil {
			return nil, err
		}
		losses, err := l.step(xm, prior)
		if err != nil {
			return nil, err
		}
		if it == 1 {
			res.Start = losses
		}
		res.End = losses
		if !x.HasGrad() {
			return nil, fmt.Errorf("transfer: the loss has no gradient with respect to the %s", p.Unknown)
		}
		if err := opt.OptimizeParams(x); err != nil {
			return nil, err
		}
		opt.IncExample()
		u.after()
		res.Iterations = it
		if progress != nil {
			pr := Progress{Iteration: it, Total: p.Iterations, Losses: losses}
			if it == p.Iterations || (o.PreviewEvery > 0 && it%o.PreviewEvery == 0) {
				if res.Grid, err = lookOf(u, in, grid, p); err != nil {
					return nil, err
				}
				if pr.Preview, err = res.Grid.Apply(in, 1); err != nil {
					return nil, err
				}
			}
			progress(pr)
		}
	}
	if res.Optimized, err = u.optimized(); err != nil {
		return nil, err
	}
	if res.Grid == nil { // the last preview's grid is this look already
		if res.Grid, err = lookOf(u, in, grid, p); err != nil {
			return nil, err
		}
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// MinSide is the smallest side, in pixels, of a photo or reference that
// Run accepts: below it there is no structure to keep (and SSIM's 11×11
// window does not fit).
const MinSide = 16

// minWorking is the smallest short side of the working image: the
// backbone's strided layers need a few pixels to reach its deepest tap.
const minWorking = 48

// WorkingSize returns the size at which Run optimizes a w×h photo for a
// preset of Size size: its long side size, or, for a very elongated
// picture, its short side minWorking. A photo of that size is optimized
// as it is, so a caller that holds a large photo in another form may hand
// Run a copy of that size.
func WorkingSize(w, h, size int) (int, int) {
	ww, wh := imaging.Fit(w, h, size)
	if min(ww, wh) < minWorking {
		s := float64(minWorking) / float64(min(w, h))
		ww, wh = int(math.Round(float64(w)*s)), int(math.Round(float64(h)*s))
	}
	return ww, wh
}

// working returns m resized to WorkingSize.
func working(m *imaging.RGB, size int) *imaging.RGB {
	w, h := WorkingSize(m.W, m.H, size)
	if w == m.W && h == m.H {
		return m.Clone()
	}
	return imaging.Resize(m, w, h)
}

// loss holds the constant targets of a run: the input's content features
// and the reference's Gram matrices, pre-scaled so that each term is one
// op.SquaredDistance node times a constant.
type loss struct {
	net     backbone.Network
	p       Preset
	taps    []string
	content []float32
	// grams[i] is N·G(fᵢ(ref)) with N = C·H·W of the iterate's map: the
	// iterate's unnormalized Gram is compared with it directly, and the
	// difference scaled by 1/N² (see step).
	grams [][]float32
	norms []float64 // N of each style tap at the iterate's size
}

func newLoss(net backbone.Network, p Preset, in *imaging.RGB, refs []Weighted) (*loss, error) {
	l := &loss{net: net, p: p}
	l.taps = (backbone.Taps{Content: p.Content, Style: p.Style}).Names()
	fin, err := constFeatures(net, in, l.taps)
	if err != nil {
		return nil, fmt.Errorf("transfer: input: %w", err)
	}
	l.content = append([]float32(nil), fin[p.Content].Data()...)
	var total float64
	for _, r := range refs {
		total += r.Weight
	}
	for k, r := range refs {
		fref, err := constFeatures(net, r.Image, p.Style)
		if err != nil {
			return nil, fmt.Errorf("transfer: reference: %w", err)
		}
		for i, t := range p.Style {
			fr, fi := fref[t], fin[t]
			g := op.Gram(fr).Value().(*mat.Dense[float32]).Data().F32()
			// Normalize by the reference map's size, rescale to the
			// iterate's, weigh among the references.
			nIn := float64(fi.C * fi.H * fi.W)
			s := nIn / float64(fr.C*fr.H*fr.W) * r.Weight / total
			if k == 0 {
				l.grams = append(l.grams, make([]float32, len(g)))
				l.norms = append(l.norms, nIn)
			}
			for j, v := range g {
				l.grams[i][j] += float32(float64(v) * s)
			}
		}
	}
	return l, nil
}

// constFeatures runs net on img without gradients.
func constFeatures(net backbone.Network, img *imaging.RGB, taps []string) (backbone.Features, error) {
	node := mat.NewDense[float32](mat.WithShape(3, img.W*img.H), mat.WithBacking(img.Pix))
	x, err := op.NewMap(node, 3, img.H, img.W)
	if err != nil {
		return nil, err
	}
	return net.Features(x, taps...)
}

// step computes the loss at the iterate xm (plus prior, if not nil: a
// scalar node on the same unknown), back-propagates it into the unknown's
// gradient and returns its terms.
func (l *loss) step(xm op.Map, prior mat.Tensor) (Losses, error) {
	f, err := l.net.Features(xm, l.taps...)
	if err != nil {
		return Losses{}, err
	}
	fc := f[l.p.Content]
	cd, err := op.SquaredDistance(fc.Node, l.content)
	if err != nil {
		return Losses{}, err
	}
	terms := []mat.Tensor{scale(cd, l.p.Alpha/float64(len(l.content)))}
	for i, t := range l.p.Style {
		fs := f[t]
		sd, err := op.SquaredDistance(op.Gram(fs), l.grams[i])
		if err != nil {
			return Losses{}, err
		}
		k := l.p.Beta * l.p.Weights[i] / (l.norms[i] * l.norms[i])
		if l.p.StyleMean {
			k /= float64(fs.C * fs.C)
		}
		terms = append(terms, scale(sd, k))
	}
	nStyle := len(terms) - 1
	if prior != nil {
		terms = append(terms, prior)
	}
	total := ag.Sum(terms...)
	if err := ag.Backward(total); err != nil {
		return Losses{}, err
	}
	var out Losses
	out.Content = float64(terms[0].Value().Item().F32())
	for _, t := range terms[1 : 1+nStyle] {
		out.Style += float64(t.Value().Item().F32())
	}
	if prior != nil {
		out.Prior = float64(prior.Value().Item().F32())
	}
	if math.IsNaN(out.Total()) || math.IsInf(out.Total(), 0) {
		return out, fmt.Errorf("transfer: the loss diverged (%g)", out.Total())
	}
	return out, nil
}

func scale(x mat.Tensor, k float64) mat.Tensor {
	return ag.ProdScalar(x, mat.Scalar(float32(k)))
}

// lookOf is the unknown's look as the preset keeps it: all of its colour,
// the preset's share of its lightness, fitted to the guarded iterate if
// the preset guards.
func lookOf(u unknown, in *imaging.RGB, cfg look.GridConfig, p Preset) (*look.Grid, error) {
	var g *look.Grid
	var err error
	if p.Guard {
		x, err := u.optimized()
		if err != nil {
			return nil, err
		}
		if x, err = look.DefaultGuard.Apply(in, x); err != nil {
			return nil, err
		}
		g, err = look.Fit(in, x, cfg)
	} else {
		g, err = u.look(cfg)
	}
	if err != nil || p.Light == 1 {
		return g, err
	}
	return g.Mixed(look.Mix{Light: float32(p.Light), Colour: 1}), nil
}

// moodStart returns the working-size photo in graded toward the mood's
// light (o.Mood against o.Base, as the preset's Mood settings move it)
// and, if the preset places, with the reference's regional light placed
// on it by net.
func moodStart(net backbone.Network, in, rf *imaging.RGB, o Options) (*imaging.RGB, error) {
	p := o.Preset
	own, err := look.Describe(in)
	if err != nil {
		return nil, err
	}
	mood, base := o.Mood, o.Base
	if mood.Light == (look.Light{}) {
		if mood.Light, err = look.Describe(rf); err != nil {
			return nil, err
		}
	}
	if base == (look.Light{}) {
		base = own
	}
	target, err := look.Target(own, mood, base, *p.Mood)
	if err != nil {
		return nil, err
	}
	g, err := look.NewGrade(in, target, look.DefaultLimits)
	if err != nil {
		return nil, err
	}
	out, err := g.Apply(in)
	if err != nil || p.Place == nil {
		return out, err
	}
	return Place(net, in, out, rf, *p.Place)
}
