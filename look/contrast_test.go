package look

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nlpodyssey/spago/mat"
)

// The prior's value on known affines (identity: nothing; half the
// contrast and lighter at one vertex: |ℓ/2|²; channels rotated at
// another: |(ℓ_b, ℓ_r, ℓ_g) − ℓ|², since a recoloured object changes
// brightness) and its gradient against finite differences.
func TestContrast(t *testing.T) {
	s := Shape{CX: 2, CY: 1, Bins: 1}
	c := to32(identity(s.Vertices()))
	copy(c[12:], []float32{0.5, 0, 0, 0.1, 0, 0.5, 0, 0.1, 0, 0, 0.5, 0.1}) // half the contrast, lighter
	copy(c[24:], []float32{0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0})             // out = (g, b, r)
	y, err := Contrast(s, coefNode(s, c, false), 4)
	if err != nil {
		t.Fatal(err)
	}
	l := lumaWeights
	half := (l[0]*l[0] + l[1]*l[1] + l[2]*l[2]) / 4
	rot := (l[2]-l[0])*(l[2]-l[0]) + (l[0]-l[1])*(l[0]-l[1]) + (l[1]-l[2])*(l[1]-l[2])
	if got, want := float64(y.Value().Item().F32()), 4*(half+rot); math.Abs(got-want) > 1e-6 {
		t.Errorf("contrast prior %g, want %g", got, want)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range c {
		c[i] += float32(0.1 * rng.NormFloat64())
	}
	rel := fdCheck(t, s, c, func(x mat.Tensor) mat.Tensor {
		y, err := Contrast(s, x, 4)
		if err != nil {
			t.Fatal(err)
		}
		return y
	}, 1e-2)
	t.Logf("contrast: gradient relative error %.2g", rel)
	if !(rel < 1e-3) {
		t.Errorf("contrast: gradient relative error %.3g", rel)
	}
	if _, err := Contrast(s, coefNode(s, c, false), -1); err == nil {
		t.Error("Contrast accepted a negative weight")
	}
}
