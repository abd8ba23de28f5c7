package look

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"

	"sentiment/imaging"
)

// coefNode returns coefficients as a node of a grid of shape s.
func coefNode(s Shape, c []float32, grad bool) mat.Tensor {
	return mat.NewDense[float32](mat.WithShape(s.Vertices(), 12), mat.WithBacking(slices.Clone(c)), mat.WithGrad(grad))
}

// fdCheck compares the gradient of L = Σ r·f(coef), r random, with central
// differences of step h at up to 120 coefficients, and returns the
// relative error ‖analytic − numeric‖/‖numeric‖.
func fdCheck(t *testing.T, s Shape, c0 []float32, f func(mat.Tensor) mat.Tensor, h float64) float64 {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 5))
	x := coefNode(s, c0, true)
	y := f(x)
	r := make([]float32, y.Size())
	for i := range r {
		r[i] = float32(rng.NormFloat64())
	}
	shape := y.Shape()
	if len(shape) == 0 {
		y.AccGrad(mat.Scalar(r[0]))
	} else {
		y.AccGrad(mat.NewDense[float32](mat.WithShape(shape...), mat.WithBacking(slices.Clone(r))))
	}
	if err := ag.Backward(y); err != nil {
		t.Fatal(err)
	}
	if !x.HasGrad() {
		t.Fatal("no gradient reached the coefficients")
	}
	analytic := mat.Data[float32](x.Grad())
	loss := func(c []float32) float64 {
		var sum float64
		for i, v := range mat.Data[float32](f(coefNode(s, c, false)).Value()) {
			sum += float64(r[i]) * float64(v)
		}
		return sum
	}
	var num2, diff2 float64
	for _, i := range rng.Perm(len(c0))[:min(120, len(c0))] {
		cp, cm := slices.Clone(c0), slices.Clone(c0)
		cp[i] += float32(h)
		cm[i] -= float32(h)
		n := (loss(cp) - loss(cm)) / (float64(cp[i]) - float64(cm[i]))
		num2 += n * n
		diff2 += (n - float64(analytic[i])) * (n - float64(analytic[i]))
	}
	if num2 == 0 {
		t.Fatal("the numeric gradient is zero")
	}
	return math.Sqrt(diff2 / num2)
}

// A fitted grid, sliced, is the grid applied at strength 1; and the
// gradient of the slice with respect to the coefficients matches finite
// differences (the slice is linear in them where no sample is clamped).
func TestSlice(t *testing.T) {
	in := synth(40, 30, scene)
	target := mapImage(in, func(r, g, b float64) (float64, float64, float64) {
		return 0.8*r + 0.1*b + 0.05, 0.9 * g, 0.7*b + 0.2*r
	})
	cfg := GridConfig{Cell: 8, Bins: 4, Smooth: 1e-3, LumSmooth: 1e-3, Pull: 1e-4}
	g, err := Fit(in, target, cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := g.Shape()
	if s != cfg.ShapeFor(in.W, in.H) || s != (Shape{CX: 5, CY: 4, Bins: 4}) {
		t.Fatalf("shape %+v", s)
	}
	m, err := Slice(s, coefNode(s, g.Coefficients(), false), in)
	if err != nil {
		t.Fatal(err)
	}
	want, err := g.Apply(in, 1)
	if err != nil {
		t.Fatal(err)
	}
	got := &imaging.RGB{W: in.W, H: in.H, Pix: mat.Data[float32](m.Node.Value())}
	if d := maxDiff(got, want); d > 1e-5 {
		t.Errorf("slice differs from Apply by up to %g", d)
	}
	rel := fdCheck(t, s, g.Coefficients(), func(c mat.Tensor) mat.Tensor {
		m, err := Slice(s, c, in)
		if err != nil {
			t.Fatal(err)
		}
		return m.Node
	}, 1e-2)
	t.Logf("slice: gradient relative error %.2g", rel)
	if !(rel < 1e-3) {
		t.Errorf("slice: gradient relative error %.3g", rel)
	}

	if _, err := Slice(s, coefNode(Shape{CX: 5, CY: 4, Bins: 3}, make([]float32, 12*6*5*4), false), in); err == nil {
		t.Error("Slice accepted coefficients of another shape")
	}
	if _, err := Slice(Shape{}, coefNode(s, g.Coefficients(), false), in); err == nil {
		t.Error("Slice accepted an empty shape")
	}
}
