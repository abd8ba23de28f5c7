package op

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"
)

func normals(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

// leaf returns a c×h×w map over a copy of data, tracking gradients if grad.
func leaf(t testing.TB, data []float32, c, h, w int, grad bool) Map {
	t.Helper()
	d := mat.NewDense[float32](mat.WithShape(c, h*w), mat.WithBacking(slices.Clone(data)), mat.WithGrad(grad))
	m, err := NewMap(d, c, h, w)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// graph builds an operator graph on x and returns its output, plus a
// signature of the discrete choices it made (ReLU signs, max-pool argmaxes)
// so that a gradient check can tell when a step crossed a kink.
type graph func(x Map) (out mat.Tensor, sig []int, err error)

// weighted returns Σ r·values(y) in float64.
func weighted(y mat.Tensor, r []float32) float64 {
	var s float64
	for i, v := range values(y) {
		s += float64(r[i]) * float64(v)
	}
	return s
}

// checkGrad compares the input gradient of L = Σ r·g(x), r random, with
// central finite differences of step h at up to maxProbes coordinates, and
// returns the relative error ‖analytic − numeric‖/‖numeric‖. Probes whose
// steps change the graph's signature are left out; at least 80% must stay.
func checkGrad(t *testing.T, name string, g graph, x0 []float32, c, h, w int, step float64, tol float64) {
	t.Helper()
	rnd := rand.New(rand.NewPCG(uint64(len(x0)), 99))
	x := leaf(t, x0, c, h, w, true)
	y, sig0, err := g(x)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	r := normals(rnd, y.Size())
	s := y.Shape()
	y.AccGrad(dense(r, s[0], s[1]))
	if err := ag.Backward(y); err != nil {
		t.Fatalf("%s: backward: %v", name, err)
	}
	if !x.Node.HasGrad() {
		t.Fatalf("%s: no gradient reached the input", name)
	}
	analytic := values(x.Node.Grad())

	probes := rnd.Perm(len(x0))
	if len(probes) > 150 {
		probes = probes[:150]
	}
	eval := func(i int, delta float64) (float64, float64, bool) {
		xs := slices.Clone(x0)
		xs[i] = float32(float64(x0[i]) + delta)
		y, sig, err := g(leaf(t, xs, c, h, w, false))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return weighted(y, r), float64(xs[i]) - float64(x0[i]), slices.Equal(sig, sig0)
	}
	var num2, diff2 float64
	kept := 0
	for _, i := range probes {
		lp, dp, okp := eval(i, step)
		lm, dm, okm := eval(i, -step)
		if !okp || !okm {
			continue
		}
		kept++
		n := (lp - lm) / (dp - dm)
		num2 += n * n
		diff2 += (n - float64(analytic[i])) * (n - float64(analytic[i]))
	}
	if kept < len(probes)*4/5 {
		t.Fatalf("%s: only %d of %d probes avoided kinks", name, kept, len(probes))
	}
	rel := math.Sqrt(diff2 / max(num2, 1e-30))
	t.Logf("%s: gradient relative error %.2g over %d probes", name, rel, kept)
	if !(rel <= tol) || num2 == 0 {
		t.Errorf("%s: gradient relative error %.3g exceeds %.g (‖numeric‖² = %g)", name, rel, tol, num2)
	}
}

// closeTo fails unless got matches want within tol relative to the largest
// magnitude of want.
func closeTo(t *testing.T, name string, got []float32, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	scale := 1e-30
	for _, v := range want {
		scale = max(scale, math.Abs(v))
	}
	worst := 0.0
	for i := range want {
		e := math.Abs(float64(got[i])-want[i]) / scale
		if !(e <= tol) {
			t.Fatalf("%s: value %d is %g, want %g", name, i, got[i], want[i])
		}
		worst = max(worst, e)
	}
	t.Logf("%s: forward max error %.2g (relative to max |value| %.3g)", name, worst, scale)
}

// mapOf wraps a graph over a map-valued operator without a signature.
func mapOf(f func(Map) (Map, error)) graph {
	return func(x Map) (mat.Tensor, []int, error) {
		y, err := f(x)
		return y.Node, nil, err
	}
}

// signed wraps a graph over an operator that ends in a ReLU, signed by
// which outputs are positive, so that checkGrad leaves out the probes
// that move one across the kink.
func signed(f func(Map) (Map, error)) graph {
	return func(x Map) (mat.Tensor, []int, error) {
		y, err := f(x)
		if err != nil {
			return nil, nil, err
		}
		sig := make([]int, len(y.Data()))
		for i, v := range y.Data() {
			if v > 0 {
				sig[i] = 1
			}
		}
		return y.Node, sig, nil
	}
}

// backward runs spago's backward pass from scalar nodes.
func backward(xs ...mat.Tensor) error { return ag.Backward(xs...) }
