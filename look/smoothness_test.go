package look

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nlpodyssey/spago/mat"
)

// The prior's value on a known case (one vertex's offset moved by d from
// identity everywhere else: each of its edges counts d²·weight) and its
// gradient against finite differences.
func TestSmoothness(t *testing.T) {
	s := Shape{CX: 3, CY: 2, Bins: 2}
	c := to32(identity(s.Vertices()))
	// An inner vertex in x and y, the middle luminance level: 4 spatial
	// edges and 2 luminance edges.
	v := (1*(s.CX+1)+1)*(s.Bins+1) + 1
	c[12*v+3] += 0.5
	y, err := Smoothness(s, coefNode(s, c, false), 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := float64(y.Value().Item().F32()), 0.25*(4*2+2*3); math.Abs(got-want) > 1e-6 {
		t.Errorf("smoothness %g, want %g", got, want)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range c {
		c[i] += float32(0.1 * rng.NormFloat64())
	}
	rel := fdCheck(t, s, c, func(x mat.Tensor) mat.Tensor {
		y, err := Smoothness(s, x, 2, 3)
		if err != nil {
			t.Fatal(err)
		}
		return y
	}, 1e-2)
	t.Logf("smoothness: gradient relative error %.2g", rel)
	if !(rel < 1e-3) {
		t.Errorf("smoothness: gradient relative error %.3g", rel)
	}
	if _, err := Smoothness(s, coefNode(s, c, false), -1, 0); err == nil {
		t.Error("Smoothness accepted a negative weight")
	}
}
