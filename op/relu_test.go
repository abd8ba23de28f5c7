package op

import (
	"math/rand/v2"
	"testing"
)

func TestReLU(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	c, h, w := 2, 6, 5
	x := normals(r, c*h*w)
	y := ReLU(leaf(t, x, c, h, w, false))
	want := make([]float64, len(x))
	for i, v := range x {
		want[i] = max(float64(v), 0)
	}
	closeTo(t, "relu", y.Data(), want, 0)
	checkGrad(t, "relu", signed(func(m Map) (Map, error) { return ReLU(m), nil }), x, c, h, w, 1e-3, 1e-3)
}
