package score

import (
	"fmt"
	"math"

	"github.com/nlpodyssey/spago/mat"

	"sentiment/backbone"
	"sentiment/imaging"
	"sentiment/op"
)

// A Judge sees style as a network sees it: the Gram matrices of its feature
// maps at several depths. Judged by a network other than the one that made
// a result, a move toward the reference's Gram matrices is style carried,
// not the optimizer meeting its own target.
type Judge struct {
	Net backbone.Network
	// Taps are the maps whose Gram matrices are compared, Size the long
	// side at which images are seen.
	Taps []string
	Size int
}

// NewJudge returns the judge of net at its style taps (several depths) and
// its classifier's input size.
func NewJudge(net backbone.Network) *Judge {
	return &Judge{Net: net, Taps: net.DefaultTaps().Style, Size: net.InputSize()}
}

// Style is an image's Gram matrices at a judge's taps, each normalized by
// its map's size (C·H·W) so that images of different sizes compare.
type Style [][]float32

// Style returns img's Gram matrices.
func (j *Judge) Style(img *imaging.RGB) (Style, error) {
	if err := img.Validate(); err != nil {
		return nil, fmt.Errorf("score: judge: %w", err)
	}
	w, h := imaging.Fit(img.W, img.H, j.Size)
	small := img
	if w != img.W || h != img.H {
		small = imaging.Resize(img, w, h)
	}
	node := mat.NewDense[float32](mat.WithShape(3, w*h), mat.WithBacking(small.Pix))
	x, err := op.NewMap(node, 3, h, w)
	if err != nil {
		return nil, err
	}
	f, err := j.Net.Features(x, j.Taps...)
	if err != nil {
		return nil, fmt.Errorf("score: judge: %w", err)
	}
	out := make(Style, len(j.Taps))
	for i, t := range j.Taps {
		m := f[t]
		g := mat.Data[float32](op.Gram(m).Value())
		n := float32(m.C * m.H * m.W)
		out[i] = make([]float32, len(g))
		for k, v := range g {
			out[i][k] = v / n
		}
	}
	return out, nil
}

// Distance is the mean over the taps of ‖G(a) − G(b)‖ / ‖G(b)‖ (Frobenius
// norms): relative, so that every depth weighs the same whatever the
// magnitude of its features.
func Distance(a, b Style) float64 {
	var sum float64
	for i := range b {
		var d2, n2 float64
		for k, v := range b[i] {
			d := float64(a[i][k]) - float64(v)
			d2 += d * d
			n2 += float64(v) * float64(v)
		}
		sum += math.Sqrt(d2 / max(n2, 1e-30))
	}
	return sum / float64(max(len(b), 1))
}

// StyleMovement is 1 − d(out, ref)/d(in, ref): 0 when the output is as far
// from the reference's style as the input was, 1 when it reached it,
// negative when it moved away. ok is false when the input already has the
// reference's style (d(in, ref) = 0).
func StyleMovement(in, out, ref Style) (m float64, ok bool) {
	din := Distance(in, ref)
	if !(din > 0) {
		return 0, false
	}
	return 1 - Distance(out, ref)/din, true
}
