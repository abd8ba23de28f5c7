package op

import (
	"math/rand/v2"
	"testing"

	"github.com/nlpodyssey/spago/mat"
)

// reluGraph applies ReLU and signs its outputs.
func reluGraph(x Map) (mat.Tensor, []int, error) {
	y := ReLU(x)
	sig := make([]int, 0, len(y.Data()))
	for _, v := range y.Data() {
		if v > 0 {
			sig = append(sig, 1)
		} else {
			sig = append(sig, 0)
		}
	}
	return y.Node, sig, nil
}

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
	checkGrad(t, "relu", reluGraph, x, c, h, w, 1e-3, 1e-3)
}
