package look

import (
	"fmt"

	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"
)

// lumaWeights are imaging.LumaOf's.
var lumaWeights = [3]float64{0.299, 0.587, 0.114}

// Contrast returns the scalar node w · Σ_v (g_v − 1)² over the vertices of
// a grid of shape s whose coefficients are the node coef (as in Slice),
// where g_v is vertex v's luma gain: how much its affine scales a change
// of grey, Σ_c luma_c · (A_c0 + A_c1 + A_c2). It is the prior that keeps a
// look's local contrast: a look may recolour, lighten and darken, while
// the photo's detail keeps its strength. SSIM measures that detail, and
// every style loss of a hazy or flat reference pulls it down.
func Contrast(s Shape, coef mat.Tensor, w float64) (mat.Tensor, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	if coef == nil {
		return nil, fmt.Errorf("look: contrast of nil coefficients")
	}
	if d, ok := coef.Value().(*mat.Dense[float32]); !ok || d.Shape()[0] != s.Vertices() || d.Shape()[1] != 12 {
		return nil, fmt.Errorf("look: contrast of %v coefficients, want %d×12 float32", coef.Shape(), s.Vertices())
	}
	if !(w >= 0) {
		return nil, fmt.Errorf("look: contrast weight %g, want ≥ 0", w)
	}
	return ag.NewOperator(&contrastFn{coef: coef, w: w}).Run(), nil
}

type contrastFn struct {
	coef mat.Tensor
	w    float64
}

func (f *contrastFn) Operands() []mat.Tensor { return []mat.Tensor{f.coef} }

// gain is the luma gain of the affine a (12 values, row-major 3×4).
func gain(a []float32) float64 {
	var g float64
	for c, l := range lumaWeights {
		g += l * float64(a[4*c]+a[4*c+1]+a[4*c+2])
	}
	return g
}

func (f *contrastFn) Forward() (mat.Tensor, error) {
	c := mat.Data[float32](f.coef.Value())
	var sum float64
	for v := 0; v < len(c)/12; v++ {
		d := gain(c[12*v:12*v+12]) - 1
		sum += d * d
	}
	return mat.Scalar(float32(f.w * sum)), nil
}

func (f *contrastFn) Backward(gy mat.Tensor) error {
	if !f.coef.RequiresGrad() {
		return nil
	}
	g := float64(mat.Data[float32](gy)[0])
	c := mat.Data[float32](f.coef.Value())
	dc := make([]float32, len(c))
	for v := 0; v < len(c)/12; v++ {
		d := 2 * g * f.w * (gain(c[12*v:12*v+12]) - 1)
		for ch, l := range lumaWeights {
			for j := range 3 {
				dc[12*v+4*ch+j] = float32(d * l)
			}
		}
	}
	f.coef.AccGrad(mat.NewDense[float32](mat.WithShape(len(c)/12, 12), mat.WithBacking(dc)))
	return nil
}
