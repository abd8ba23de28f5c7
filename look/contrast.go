package look

import (
	"fmt"

	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"
)

// lumaWeights are imaging.LumaOf's.
var lumaWeights = [3]float64{0.299, 0.587, 0.114}

// Contrast returns the scalar node w · Σ_v |r_v − ℓ|² over the vertices of
// a grid of shape s whose coefficients are the node coef (as in Slice),
// where ℓ are the luma weights (imaging.LumaOf) and r_v is how vertex v's
// affine makes output luma from the input's colour, r_vj = Σ_c ℓ_c·A_cj:
// r_v = ℓ when the output's luma follows the input's one for one. It is
// the prior that keeps a photo's light: a look may recolour it and, by
// offsets that differ across luminance, lighten, darken and bend its tone
// curve, while local detail keeps its strength and a recoloured object
// keeps its brightness. Reinhard's match has this by construction (it
// moves L* apart from a* and b*); a Gram loss does not, and every hazy or
// flat reference pulls the detail down.
func Contrast(s Shape, coef mat.Tensor, w float64) (mat.Tensor, error) {
	if err := s.checkCoef("contrast", coef); err != nil {
		return nil, err
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

// lumaError is r − ℓ for the affine a (12 values, row-major 3×4).
func lumaError(a []float32) (e [3]float64) {
	for j := range 3 {
		for c, l := range lumaWeights {
			e[j] += l * float64(a[4*c+j])
		}
		e[j] -= lumaWeights[j]
	}
	return e
}

func (f *contrastFn) Forward() (mat.Tensor, error) {
	c := mat.Data[float32](f.coef.Value())
	var sum float64
	for v := 0; v < len(c)/12; v++ {
		for _, d := range lumaError(c[12*v : 12*v+12]) {
			sum += d * d
		}
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
		e := lumaError(c[12*v : 12*v+12])
		for ch, l := range lumaWeights {
			for j := range 3 {
				dc[12*v+4*ch+j] = float32(2 * g * f.w * e[j] * l)
			}
		}
	}
	f.coef.AccGrad(mat.NewDense[float32](mat.WithShape(len(c)/12, 12), mat.WithBacking(dc)))
	return nil
}
