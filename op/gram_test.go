package op

import (
	"math/rand/v2"
	"testing"

	"github.com/nlpodyssey/spago/mat"
)

func TestGram(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 10))
	for _, s := range [][3]int{{1, 1, 1}, {3, 5, 7}, {8, 9, 9}, {17, 4, 6}} {
		c, h, w := s[0], s[1], s[2]
		x := normals(r, c*h*w)
		g := Gram(leaf(t, x, c, h, w, false))
		want := make([]float64, c*c)
		n := h * w
		for i := 0; i < c; i++ {
			for j := 0; j < c; j++ {
				for p := 0; p < n; p++ {
					want[i*c+j] += float64(x[i*n+p]) * float64(x[j*n+p])
				}
			}
		}
		closeTo(t, "gram", values(g), want, 1e-5)
		// The Gram matrix is quadratic: central differences are exact but
		// for rounding.
		gram := func(m Map) (mat.Tensor, []int, error) { return Gram(m), nil, nil }
		checkGrad(t, "gram", gram, x, c, h, w, 1e-2, 1e-3)
	}
}

func TestSquaredDistance(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 11))
	c, h, w := 3, 4, 5
	x, target := normals(r, c*h*w), normals(r, c*h*w)
	d, err := SquaredDistance(leaf(t, x, c, h, w, false).Node, target)
	if err != nil {
		t.Fatal(err)
	}
	var want float64
	for i := range x {
		want += (float64(x[i]) - float64(target[i])) * (float64(x[i]) - float64(target[i]))
	}
	closeTo(t, "squared distance", values(d), []float64{want}, 1e-6)
	sq := func(m Map) (mat.Tensor, []int, error) {
		d, err := SquaredDistance(m.Node, target)
		return d, nil, err
	}
	checkGrad(t, "squared distance", sq, x, c, h, w, 1e-2, 1e-3)
	if _, err := SquaredDistance(leaf(t, x, c, h, w, false).Node, target[1:]); err == nil {
		t.Error("SquaredDistance accepted a target of the wrong size")
	}
	if _, err := SquaredDistance(mat.NewDense[float64](mat.WithShape(1, 1)), []float32{0}); err == nil {
		t.Error("SquaredDistance accepted a float64 node")
	}
}
