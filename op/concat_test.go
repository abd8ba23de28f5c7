package op

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestConcat(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	h, w := 3, 5
	a, b := normals(r, 2*h*w), normals(r, 3*h*w)
	y, err := Concat(leaf(t, a, 2, h, w, false), leaf(t, b, 3, h, w, false))
	if err != nil {
		t.Fatal(err)
	}
	if y.C != 5 || y.H != h || y.W != w {
		t.Fatalf("concat of 2 and 3 channels is %v", y)
	}
	if !slices.Equal(y.Data(), append(slices.Clone(a), b...)) {
		t.Fatal("concat did not stack the channels in order")
	}

	// Gradient through both operands: split x into 2 + 3 channels with
	// convolutions, so each operand depends on the input.
	c1, _ := NewConv(normals(r, 2*5), nil, 2, 5, 1, 1, 1, 0)
	c2, _ := NewConv(normals(r, 3*5*9), nil, 3, 5, 3, 3, 1, 1)
	g := mapOf(func(x Map) (Map, error) {
		y1, _ := c1.Apply(x)
		y2, _ := c2.Apply(x)
		return Concat(y1, y2, y1)
	})
	checkGrad(t, "concat", g, normals(r, 5*h*w), 5, h, w, 1e-2, 1e-3)

	if _, err := Concat(); err == nil {
		t.Error("Concat() did not fail")
	}
	if _, err := Concat(leaf(t, a, 2, h, w, false), leaf(t, a, 2, w, h, false)); err == nil {
		t.Error("Concat accepted maps of different sizes")
	}
}
