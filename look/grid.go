package look

import (
	"fmt"
	"math"

	"sentiment/imaging"
)

// GridConfig sets the resolution and regularization of a bilateral grid.
// The weights are relative to the data of one fully covered cell, so they
// mean the same at any working size.
type GridConfig struct {
	// Cell is the spacing of the grid's vertices, in pixels of the images
	// it is fitted on.
	Cell int
	// Bins is the number of luminance intervals (the grid has Bins+1
	// vertices along luminance, at luma 0, 1/Bins, … 1).
	Bins int
	// Smooth weighs the difference between the models of spatially
	// neighbouring vertices: larger is smoother, smaller follows the
	// target's local changes more closely.
	Smooth float64
	// LumSmooth does the same between neighbours along luminance.
	LumSmooth float64
	// Pull draws every vertex toward the global look at its luminance. It
	// decides what vertices with little or no data do; it must be positive.
	Pull float64
}

// DefaultGrid is the configuration the refit uses: 16-px cells and 8
// luminance bins at a working size of a few hundred pixels, as in the
// transfer issue's experiment, and weak regularization. The weights act on
// the coefficients, where a gain matters only in proportion to the colour
// spread it multiplies (a few hundredths within a cell) while an offset
// matters fully; so they must stay below the data's local colour variance
// (about 10⁻³) or they bias the gains. Measured on the two-looks test
// (TestFitKeepsLooksApartAcrossLuminanceEdge): weights of 0.1, 0.1, 0.01
// left errors up to 0.021 on a side of the edge; 10⁻³, 10⁻³, 10⁻⁴ leave
// 0.004. Texture still goes: each vertex regresses over the two cells
// around it, far wider than the optimization's stride-2 patterns
// (TestFitRemovesTexture), and empty vertices still fill smoothly.
var DefaultGrid = GridConfig{Cell: 16, Bins: 8, Smooth: 1e-3, LumSmooth: 1e-3, Pull: 1e-4}

func (c GridConfig) validate() error {
	ok := func(v float64) bool { return v >= 0 && !math.IsInf(v, 0) }
	switch {
	case c.Cell < 1:
		return fmt.Errorf("look: grid cell of %d pixels", c.Cell)
	case c.Bins < 1 || c.Bins > 64:
		return fmt.Errorf("look: %d luminance bins, want 1 to 64", c.Bins)
	case !ok(c.Smooth) || !ok(c.LumSmooth):
		return fmt.Errorf("look: grid smoothness %g, %g, want finite and ≥ 0", c.Smooth, c.LumSmooth)
	case !(c.Pull > 0) || math.IsInf(c.Pull, 0):
		return fmt.Errorf("look: grid pull %g, want finite and > 0", c.Pull)
	}
	return nil
}

// globalRidge draws the single global affine toward identity, only enough
// to keep it defined for degenerate images (one flat colour); it is tiny
// beside the data of the whole image, so a look that is affine is found
// unbiased.
const globalRidge = 1e-5

// maxVertices bounds a grid's size (a fit on an image far larger than a
// working size with small cells would otherwise take gigabytes).
const maxVertices = 1 << 20

// A Grid is a bilateral grid of affine colour models: an edge-aware colour
// transform that varies smoothly over the image and with luminance, so
// that it can differ on the two sides of an edge between light and dark
// without bleeding across it (Chen, Adams, Wadhwa and Hasinoff, "Bilateral
// guided upsampling", ACM TOG 35(6), SIGGRAPH Asia 2016). Fitted at a working size, it applies to
// the same photo at any size, keeping all of the photo's own detail: the
// output at each pixel is an affine function of that pixel's colour.
//
// Positions are relative (the grid spans the image), so the photo it is
// applied to may have any size but should be the one it was fitted on.
type Grid struct {
	cx, cy, bins int
	// coef holds a row-major 3×4 affine per vertex; vertices by rows of
	// y, then x, luminance fastest, so that a pixel's models are adjacent.
	coef  []float32
	curve *Curve
}

// Fit returns the grid that best maps in onto target (the same size: the
// working-size input and its optimized result). It fits three levels, each
// the prior of the next: one global affine (a tiny ridge toward identity),
// a curve of affines over luminance (the Global look; smoothed along
// luminance, pulled toward the affine by the same tiny ridge, since it has
// the whole image's data), and the grid (weights from cfg).
func Fit(in, target *imaging.RGB, cfg GridConfig) (*Grid, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, fmt.Errorf("look: grid input: %w", err)
	}
	if err := target.Validate(); err != nil {
		return nil, fmt.Errorf("look: grid target: %w", err)
	}
	if in.W != target.W || in.H != target.H {
		return nil, fmt.Errorf("look: grid input is %d×%d, target %d×%d", in.W, in.H, target.W, target.H)
	}
	sh := cfg.ShapeFor(in.W, in.H)
	cx, cy := sh.CX, sh.CY
	if (cx+1)*(cy+1)*(cfg.Bins+1) > maxVertices {
		return nil, fmt.Errorf("look: a %d×%d grid of %d-px cells is too large: fit on a working-size image", cx, cy, cfg.Cell)
	}
	n := float64(in.W * in.H)
	wt := weights{xy: cfg.Smooth, z: cfg.LumSmooth, pull: cfg.Pull}

	// One pass over the pixels; the coarser levels' moments are sums of
	// the grid's, because the tent weights of a pixel's spatial corners
	// sum to one.
	grid := newLattice(cx+1, cy+1, cfg.Bins+1)
	if err := grid.splat(in, target, float64(cx*cy)/n); err != nil {
		return nil, err
	}
	curve := grid.collapse(1, 1/float64(cx*cy))
	global := curve.collapse(cfg.Bins+1, 1)

	affine := global.solve(identity(1), weights{pull: globalRidge})
	cc := curve.solve(repeat(affine, cfg.Bins+1), weights{z: cfg.LumSmooth, pull: globalRidge})
	gc := grid.solve(repeat(cc, (cx+1)*(cy+1)), wt)

	return &Grid{cx: cx, cy: cy, bins: cfg.Bins, coef: to32(gc), curve: &Curve{bins: cfg.Bins, coef: to32(cc)}}, nil
}

// Shape is a grid's size: CX×CY cells over the image, Bins luminance
// bins; it has (CX+1)·(CY+1)·(Bins+1) vertices of 12 coefficients.
type Shape struct{ CX, CY, Bins int }

// ShapeFor is the shape of the grid that cfg gives an image of w×h pixels.
func (cfg GridConfig) ShapeFor(w, h int) Shape {
	return Shape{CX: ceilDiv(w, max(cfg.Cell, 1)), CY: ceilDiv(h, max(cfg.Cell, 1)), Bins: cfg.Bins}
}

// Vertices is the number of vertices.
func (s Shape) Vertices() int { return (s.CX + 1) * (s.CY + 1) * (s.Bins + 1) }

func (s Shape) validate() error {
	if s.CX < 1 || s.CY < 1 || s.Bins < 1 || s.Bins > 64 || s.Vertices() > maxVertices {
		return fmt.Errorf("look: grid of %d×%d cells and %d bins", s.CX, s.CY, s.Bins)
	}
	return nil
}

// Shape returns the grid's shape.
func (g *Grid) Shape() Shape { return Shape{CX: g.cx, CY: g.cy, Bins: g.bins} }

// Coefficients returns a copy of the grid's coefficients: per vertex a
// row-major 3×4 affine, vertices by rows of y, then x, luminance fastest.
func (g *Grid) Coefficients() []float32 { return append([]float32(nil), g.coef...) }

// NewGrid returns the grid of shape s with the given coefficients (in
// Coefficients' layout, copied) and Global look curve.
func NewGrid(s Shape, coef []float32, curve *Curve) (*Grid, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	if len(coef) != 12*s.Vertices() {
		return nil, fmt.Errorf("look: %d coefficients for a grid of %d vertices", len(coef), s.Vertices())
	}
	if curve == nil || len(curve.coef) != 12*(curve.bins+1) {
		return nil, fmt.Errorf("look: a grid needs its global curve")
	}
	for _, v := range coef {
		if v != v || v > math.MaxFloat32 || v < -math.MaxFloat32 {
			return nil, fmt.Errorf("look: non-finite grid coefficient %g", v)
		}
	}
	return &Grid{cx: s.CX, cy: s.CY, bins: s.Bins, coef: append([]float32(nil), coef...), curve: curve}, nil
}

// FitCurve returns the curve over bins luminance levels that best maps in
// onto target: the Global look of a grid that was made some other way than
// by Fit (as Fit makes it, with the whole image's data).
func FitCurve(in, target *imaging.RGB, bins int) (*Curve, error) {
	g, err := Fit(in, target, GridConfig{Cell: max(in.W, in.H), Bins: bins, Pull: 1})
	if err != nil {
		return nil, err
	}
	return g.curve, nil
}

func ceilDiv(a, b int) int { return max(1, (a+b-1)/b) }

// identity returns n identity affines.
func identity(n int) []float64 {
	return repeat(identityAffine[:], n)
}

// identityAffine is the affine colour model that changes nothing.
var identityAffine = [12]float64{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0}

// repeat returns n copies of s.
func repeat(s []float64, n int) []float64 {
	out := make([]float64, 0, len(s)*n)
	for range n {
		out = append(out, s...)
	}
	return out
}

func to32(s []float64) []float32 {
	out := make([]float32, len(s))
	for i, v := range s {
		out[i] = float32(v)
	}
	return out
}

// Global returns the look without its spatial variation: the curve of
// affine models over luminance that the grid was pulled toward, fitted to
// the whole image. It is what a 3D LUT can carry.
func (g *Grid) Global() *Curve { return g.curve }

// Apply returns src transformed by the grid at a strength in [0, 1]: 0
// gives src, 1 the full transform, and between, the change mixed as
// MixAt(strength) says (colour ahead of lightness); clamped to [0, 1].
// The strength is the caller's to check (the engine refuses one out of
// range at its edge); past 1 the change is extrapolated.
func (g *Grid) Apply(src *imaging.RGB, strength float32) (*imaging.RGB, error) {
	if err := src.Validate(); err != nil {
		return nil, fmt.Errorf("look: grid apply: %w", err)
	}
	dst := imaging.NewRGB(src.W, src.H)
	if err := g.ApplyTo(dst, src, strength); err != nil {
		return nil, err
	}
	return dst, nil
}

// ApplyTo writes src transformed by the grid into dst, which must have
// src's size and may be src itself: a 24-megapixel photo can be processed
// in place, with no memory beyond a few kilobytes of tables.
//
// Each pixel's model is interpolated trilinearly at its position and luma:
// bilinearly in x and luminance from a row of models that is first
// interpolated in y once per image row.
func (g *Grid) ApplyTo(dst, src *imaging.RGB, strength float32) error {
	return g.ApplyRows(dst, src, 0, src.H, strength)
}

// ApplyRows is ApplyTo for a strip of an image: src holds rows y0 to
// y0+src.H−1, at full width, of an image fullH rows high, and dst (src's
// size, or src itself) gets what ApplyTo on the whole image gives those
// rows, bit for bit. A photo too large to hold as floats is thus
// processed a strip at a time.
func (g *Grid) ApplyRows(dst, src *imaging.RGB, y0, fullH int, strength float32) error {
	if err := src.Validate(); err != nil {
		return fmt.Errorf("look: grid apply: %w", err)
	}
	if err := dst.Validate(); err != nil {
		return fmt.Errorf("look: grid apply: %w", err)
	}
	if dst.W != src.W || dst.H != src.H {
		return fmt.Errorf("look: grid apply from %d×%d into %d×%d", src.W, src.H, dst.W, dst.H)
	}
	if y0 < 0 || y0 > fullH-src.H { // written so that no sum can overflow
		return fmt.Errorf("look: grid apply to %d rows from row %d of an image of %d rows", src.H, y0, fullH)
	}
	if strength == 0 { // the photo itself, bit for bit (clamped, as every output)
		for i, v := range src.Pix {
			dst.Pix[i] = clamp(v)
		}
		return nil
	}
	// The grid rows the strip reads (rowAt is monotonic), with the
	// strength mixed into their models once rather than into every
	// pixel's colour: an export applies a grid in many strips.
	lo, _ := g.rowAt(y0, fullH, 0)
	hi, _ := g.rowAt(y0, fullH, src.H-1)
	rowLen := (g.cx + 1) * (g.bins + 1) * 12
	coef := g.coef[lo*rowLen : (hi+2)*rowLen]
	if strength != 1 {
		mixed := make([]float32, len(coef))
		mixAffines(mixed, coef, MixAt(strength))
		coef = mixed
	}
	g.applyRows(dst, src, y0, fullH, lo, coef)
	return nil
}

// clamp clamps to [0, 1], NaN to 0.
func clamp(v float32) float32 {
	switch {
	case !(v > 0):
		return 0
	case v >= 1:
		return 1
	}
	return v
}

// A Curve is a colour transform that depends on the colour alone: an
// affine colour model per luminance level, blended linearly between
// levels. Unlike one global affine it can tint shadows and highlights
// differently, as most looks do; unlike the grid it has no position, so a
// 3D LUT can hold it.
type Curve struct {
	bins int
	coef []float32 // (bins+1) row-major 3×4 affines
}

// Map transforms one colour, clamped to [0, 1]. Its signature fits
// WriteCube.
func (c *Curve) Map(r, g, b float32) (float32, float32, float32) {
	z := imaging.LumaOf(r, g, b) * float32(c.bins)
	i := min(max(int(z), 0), c.bins-1)
	f := min(max(z-float32(i), 0), 1)
	a, n := c.coef[12*i:12*i+12], c.coef[12*i+12:12*i+24]
	var m [12]float32
	for k := range m {
		m[k] = a[k] + f*(n[k]-a[k])
	}
	return clamp(m[0]*r + m[1]*g + m[2]*b + m[3]),
		clamp(m[4]*r + m[5]*g + m[6]*b + m[7]),
		clamp(m[8]*r + m[9]*g + m[10]*b + m[11])
}

// WithStrength returns the curve at a strength, as Grid.Apply takes it:
// strength 0 maps every colour to itself, 1 is c.
func (c *Curve) WithStrength(strength float32) *Curve { return c.Mixed(MixAt(strength)) }
