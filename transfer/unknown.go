package transfer

import (
	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"
	"github.com/nlpodyssey/spago/nn"

	"sentiment/imaging"
	"sentiment/look"
	"sentiment/op"
)

// Unknown names what an optimization changes.
type Unknown string

// The unknowns.
const (
	// Pixels optimizes the working-size image itself, the paper's method;
	// its look is refitted as a grid afterwards, which drops the texture
	// the per-pixel steps leave.
	Pixels Unknown = "pixels"
	// Look optimizes the grid of local affine colour transforms itself,
	// sliced at the working size: every iterate is a photograph, so it can
	// move far without texture, with far fewer unknowns.
	Look Unknown = "look"
)

// unknown is the variable of a run: the parameter Adam changes, the image
// it gives the network, and the look it stands for.
type unknown interface {
	param() *nn.Param
	// image is the iterate as the network's input, joined to param's graph.
	image() (op.Map, error)
	// prior is an extra loss term on param, or nil.
	prior() (mat.Tensor, error)
	// after keeps the parameter valid after a step.
	after()
	// look is the current look, as a grid of the given configuration.
	look(cfg look.GridConfig) (*look.Grid, error)
	// optimized is the current iterate as an image.
	optimized() (*imaging.RGB, error)
}

// pixels is the image as the unknown.
type pixels struct {
	in *imaging.RGB // the working-size input
	p  *nn.Param
}

func newPixels(in, first *imaging.RGB) *pixels {
	x := first.Clone()
	return &pixels{in: in, p: nn.NewParam(mat.NewDense[float32](mat.WithShape(3, x.W*x.H), mat.WithBacking(x.Pix)))}
}

// x is the iterate: param's current values (the optimizer may replace
// them), as an image.
func (u *pixels) x() *imaging.RGB {
	return &imaging.RGB{W: u.in.W, H: u.in.H, Pix: mat.Data[float32](u.p.Value())}
}

func (u *pixels) param() *nn.Param                 { return u.p }
func (u *pixels) image() (op.Map, error)           { return op.NewMap(u.p, 3, u.in.H, u.in.W) }
func (u *pixels) prior() (mat.Tensor, error)       { return nil, nil }
func (u *pixels) optimized() (*imaging.RGB, error) { return u.x().Clone(), nil }

// after clamps the pixels to [0, 1] (NaN to 0): the refit and the user see
// valid colours.
func (u *pixels) after() {
	pix := u.x().Pix
	for i, v := range pix {
		if v < 0 || v != v {
			pix[i] = 0
		} else if v > 1 {
			pix[i] = 1
		}
	}
}

func (u *pixels) look(cfg look.GridConfig) (*look.Grid, error) {
	return look.Fit(u.in, u.x(), cfg)
}

// gridUnknown is the look as the unknown: a bilateral grid's coefficients.
type gridUnknown struct {
	in       *imaging.RGB
	shape    look.Shape
	p        *nn.Param
	smooth   [2]float64
	contrast float64
}

// newGridUnknown starts from the grid fitted to first (the input with the
// preset's start of the colour match).
func newGridUnknown(in, first *imaging.RGB, cfg look.GridConfig, p Preset) (*gridUnknown, error) {
	g, err := look.Fit(in, first, cfg)
	if err != nil {
		return nil, err
	}
	s := g.Shape()
	coef := g.Coefficients()
	return &gridUnknown{
		in: in, shape: s, smooth: [2]float64{p.Smooth, p.LumSmooth}, contrast: p.Contrast,
		p: nn.NewParam(mat.NewDense[float32](mat.WithShape(s.Vertices(), 12), mat.WithBacking(coef))),
	}, nil
}

func (u *gridUnknown) param() *nn.Param       { return u.p }
func (u *gridUnknown) image() (op.Map, error) { return look.Slice(u.shape, u.p, u.in) }
func (u *gridUnknown) after()                 {}

// coef is param's current values.
func (u *gridUnknown) coef() []float32 { return mat.Data[float32](u.p.Value()) }

func (u *gridUnknown) prior() (mat.Tensor, error) {
	sm, err := look.Smoothness(u.shape, u.p, u.smooth[0], u.smooth[1])
	if err != nil || u.contrast == 0 {
		return sm, err
	}
	ct, err := look.Contrast(u.shape, u.p, u.contrast)
	if err != nil {
		return nil, err
	}
	return ag.Add(sm, ct), nil
}

func (u *gridUnknown) optimized() (*imaging.RGB, error) {
	c := mat.NewDense[float32](mat.WithShape(u.shape.Vertices(), 12), mat.WithBacking(u.coef()))
	m, err := look.Slice(u.shape, c, u.in)
	if err != nil {
		return nil, err
	}
	return &imaging.RGB{W: u.in.W, H: u.in.H, Pix: mat.Data[float32](m.Node.Value())}, nil
}

// look is the grid itself, with the global curve that its result gives
// (for the LUT).
func (u *gridUnknown) look(cfg look.GridConfig) (*look.Grid, error) {
	out, err := u.optimized()
	if err != nil {
		return nil, err
	}
	curve, err := look.FitCurve(u.in, out, cfg.Bins)
	if err != nil {
		return nil, err
	}
	return look.NewGrid(u.shape, u.coef(), curve)
}
