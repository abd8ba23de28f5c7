package transfer

import (
	"fmt"
	"math"

	"sentiment/backbone"
	"sentiment/gemm"
	"sentiment/imaging"
)

// Placement says how the network places the reference's light on the
// photo region by region: each cell of the photo's feature map finds the
// cells of the reference's map that look like it (sky and sky, foliage
// and foliage), and takes on how those regions of the reference differ
// from the reference as a whole — a sunset's sky brighter and more orange
// than its land, a storm's sky darker. Where nothing in the reference
// looks like a region of the photo (a face against a landscape), the
// region keeps the global light alone. A region's change of lightness is
// laid on as a change of its light (see lit).
type Placement struct {
	// Tap is the feature map compared; empty means the network's content
	// tap.
	Tap string
	// Temperature softens the choice among the reference's cells
	// (softmax of cosine similarity over it).
	Temperature float64
	// Below MinSim a cell has no match; from MaxSim its match is full.
	MinSim, MaxSim float64
	// Amount is the share of the matched regions' difference a region
	// takes.
	Amount float64
	// MaxL and MaxAB bound a region's change of lightness and of colour
	// (CIELAB units).
	MaxL, MaxAB float64
}

// DefaultPlacement is the placement the default presets run.
var DefaultPlacement = Placement{Temperature: 0.05, MinSim: 0.45, MaxSim: 0.75, Amount: 0.7, MaxL: 15, MaxAB: 12}

func (p Placement) validate() error {
	ok := func(v, lo, hi float64) bool { return v >= lo && v <= hi }
	if !ok(p.Temperature, 1e-3, 10) || !ok(p.MinSim, -1, 1) || !ok(p.MaxSim, p.MinSim+1e-3, 1) ||
		!ok(p.Amount, 0, 2) || !ok(p.MaxL, 0, 100) || !ok(p.MaxAB, 0, 128) {
		return fmt.Errorf("transfer: placement %+v out of range", p)
	}
	return nil
}

// cellStats returns the mean CIELAB colour of each of w×h cells of m
// (area means) and of the whole picture.
func cellStats(m *imaging.RGB, w, h int) (cells [3][]float32, whole [3]float64, err error) {
	lab, err := imaging.ToLab(m)
	if err != nil {
		return cells, whole, err
	}
	for c := range 3 {
		p := lab.Plane(c)
		cells[c] = imaging.ResizePlane(p, m.W, m.H, w, h)
		var s float64
		for _, v := range p {
			s += float64(v)
		}
		whole[c] = s / float64(len(p))
	}
	return cells, whole, nil
}

// unitColumns returns the map's C×N data transposed to N rows of C, each
// scaled to unit length (a zero row stays zero).
func unitColumns(data []float32, c, n int) []float32 {
	out := make([]float32, n*c)
	for i := range n {
		var s float64
		for k := range c {
			v := data[k*n+i]
			out[i*c+k] = v
			s += float64(v) * float64(v)
		}
		if s > 0 {
			inv := float32(1 / math.Sqrt(s))
			for k := range c {
				out[i*c+k] *= inv
			}
		}
	}
	return out
}

// Place returns graded (the photo with its global light, working size)
// with the reference's regional light placed on it by net's features of
// the photo (input, the same size) and of ref.
func Place(net backbone.Network, input, graded, ref *imaging.RGB, p Placement) (*imaging.RGB, error) {
	tap := p.Tap
	if tap == "" {
		tap = net.DefaultTaps().Content
	}
	fx, err := constFeatures(net, input, []string{tap})
	if err != nil {
		return nil, fmt.Errorf("transfer: placement: photo: %w", err)
	}
	fr, err := constFeatures(net, ref, []string{tap})
	if err != nil {
		return nil, fmt.Errorf("transfer: placement: reference: %w", err)
	}
	mx, mr := fx[tap], fr[tap]
	nx, nr, c := mx.H*mx.W, mr.H*mr.W, mx.C
	ux := unitColumns(mx.Data(), c, nx)
	ur := unitColumns(mr.Data(), c, nr)
	sim := make([]float32, nx*nr)
	gemm.MulABt(sim, ux, ur, nx, c, nr, false)

	gc, gw, err := cellStats(graded, mx.W, mx.H)
	if err != nil {
		return nil, err
	}
	rc, rw, err := cellStats(ref, mr.W, mr.H)
	if err != nil {
		return nil, err
	}
	var delta [3][]float32
	for k := range delta {
		delta[k] = make([]float32, nx)
	}
	w := make([]float64, nr)
	for i := range nx {
		row := sim[i*nr : (i+1)*nr]
		best := float32(-1)
		for _, s := range row {
			best = max(best, s)
		}
		conf := (float64(best) - p.MinSim) / (p.MaxSim - p.MinSim)
		if conf <= 0 {
			continue
		}
		conf = min(1, conf)
		var sum float64
		for j, s := range row {
			w[j] = math.Exp(float64(s-best) / p.Temperature)
			sum += w[j]
		}
		var target [3]float64
		for j := range row {
			for k := range 3 {
				target[k] += w[j] / sum * float64(rc[k][j])
			}
		}
		// How the matched regions differ from the reference as a whole,
		// against how this region differs from the graded photo as a
		// whole.
		var d [3]float64
		for k := range 3 {
			d[k] = p.Amount * conf * ((target[k] - rw[k]) - (float64(gc[k][i]) - gw[k]))
		}
		d[0] = max(-p.MaxL, min(p.MaxL, d[0]))
		if ab := math.Hypot(d[1], d[2]); ab > p.MaxAB {
			d[1], d[2] = d[1]*p.MaxAB/ab, d[2]*p.MaxAB/ab
		}
		for k := range 3 {
			delta[k][i] = float32(d[k])
		}
	}
	return lit(graded, delta, gc[0], mx.W, mx.H)
}

// Bounds of a region's change of light, in stops: a region lit more than
// twice as brightly, or less than a quarter, is another scene.
const (
	maxStopsUp   = 1
	maxStopsDown = 2
)

// lit returns m with regional changes laid on: delta holds the change of
// L*, a* and b* of each cell of a w×h map, whose mean L* is cellL. A
// change of lightness is a change of the region's light, a gain in linear
// luminance: its lights take it in full and its shadows in proportion, so
// that its blacks stay black. Added in L* alike to every pixel, a region's
// lift is a milky veil over its shadows, and a band where the region ends.
// The colour shift goes with lightness too.
func lit(m *imaging.RGB, delta [3][]float32, cellL []float32, w, h int) (*imaging.RGB, error) {
	lum := func(l float64) float64 {
		_, y, _ := imaging.LabToXYZ(max(0, min(100, l)), 0, 0)
		return max(y, 1e-4)
	}
	gain := make([]float32, w*h)
	for i, l := range cellL {
		g := math.Log2(lum(float64(l+delta[0][i])) / lum(float64(l)))
		gain[i] = float32(max(-maxStopsDown, min(maxStopsUp, g)))
	}
	lab, err := imaging.ToLab(m)
	if err != nil {
		return nil, err
	}
	gf := imaging.ResizePlane(gain, w, h, m.W, m.H)
	lf := imaging.ResizePlane(cellL, w, h, m.W, m.H)
	af := imaging.ResizePlane(delta[1], w, h, m.W, m.H)
	bf := imaging.ResizePlane(delta[2], w, h, m.W, m.H)
	L, A, B := lab.Plane(0), lab.Plane(1), lab.Plane(2)
	for i, l := range L {
		_, y, _ := imaging.LabToXYZ(float64(l), 0, 0)
		L[i] = float32(max(0, min(100, imaging.Lightness(y*math.Exp2(float64(gf[i]))))))
		f := min(1, l/max(lf[i], 1))
		A[i] += f * af[i]
		B[i] += f * bf[i]
	}
	return lab.ToRGB()
}
