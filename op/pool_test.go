package op

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nlpodyssey/spago/mat"
)

// directMaxPool is the reference max pool in float64, with the argmax of
// each window (first maximum in row-major order).
func directMaxPool(x []float32, c, h, w, k, s, p int) ([]float64, []int) {
	oh, ow := (h+2*p-k)/s+1, (w+2*p-k)/s+1
	y := make([]float64, c*oh*ow)
	arg := make([]int, len(y))
	for ch := 0; ch < c; ch++ {
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				best, at := math.Inf(-1), -1
				for ky := 0; ky < k; ky++ {
					for kx := 0; kx < k; kx++ {
						iy, ix := oy*s-p+ky, ox*s-p+kx
						if iy < 0 || iy >= h || ix < 0 || ix >= w {
							continue
						}
						if v := float64(x[(ch*h+iy)*w+ix]); v > best {
							best, at = v, (ch*h+iy)*w+ix
						}
					}
				}
				i := (ch*oh+oy)*ow + ox
				y[i], arg[i] = best, at
			}
		}
	}
	return y, arg
}

// distinct returns n values spaced 0.05 apart in random order, so that a
// finite-difference step of 1e-2 never changes which one is largest.
func distinct(r *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i, j := range r.Perm(n) {
		x[i] = float32(j)*0.05 - float32(n)*0.025
	}
	return x
}

var poolCases = []struct{ c, h, w, k, s, p int }{
	{2, 7, 9, 3, 2, 0}, // SqueezeNet
	{2, 8, 8, 3, 2, 1}, // DenseNet
	{1, 9, 6, 3, 2, 1}, // odd, padded
	{3, 5, 5, 2, 2, 0}, // 2×2/2 on odd size
	{1, 4, 7, 3, 1, 1}, // stride 1
	{1, 3, 3, 3, 2, 1}, // windows mostly padding
}

func TestMaxPool(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for _, tc := range poolCases {
		x := distinct(r, tc.c*tc.h*tc.w)
		y, err := MaxPool(leaf(t, x, tc.c, tc.h, tc.w, false), tc.k, tc.s, tc.p)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := directMaxPool(x, tc.c, tc.h, tc.w, tc.k, tc.s, tc.p)
		closeTo(t, "max pool", y.Data(), want, 0)
		g := func(m Map) (mat.Tensor, []int, error) {
			y, err := MaxPool(m, tc.k, tc.s, tc.p)
			_, arg := directMaxPool(m.Data(), tc.c, tc.h, tc.w, tc.k, tc.s, tc.p)
			return y.Node, arg, err
		}
		checkGrad(t, "max pool", g, x, tc.c, tc.h, tc.w, 1e-2, 1e-3)
	}
}

// TestMaxPoolTies checks that a window of equal values sends its gradient
// to the first of them only.
func TestMaxPoolTies(t *testing.T) {
	x := leaf(t, make([]float32, 16), 1, 4, 4, true)
	y, err := MaxPool(x, 2, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	y.Node.AccGrad(dense([]float32{1, 2, 3, 4}, 1, 4))
	if err := backward(y.Node); err != nil {
		t.Fatal(err)
	}
	want := []float32{1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0}
	got := values(x.Node.Grad())
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("gradient %v, want %v", got, want)
		}
	}
}

func TestMaxPoolErrors(t *testing.T) {
	x := leaf(t, make([]float32, 9), 1, 3, 3, false)
	for _, a := range [][3]int{{0, 1, 0}, {3, 0, 0}, {3, 1, -1}, {3, 1, 2}, {5, 1, 0}} {
		if _, err := MaxPool(x, a[0], a[1], a[2]); err == nil {
			t.Errorf("MaxPool(3×3 map, k %d, stride %d, pad %d) did not fail", a[0], a[1], a[2])
		}
	}
}

func TestAvgPool(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	for _, tc := range poolCases {
		if tc.p != 0 {
			continue
		}
		x := normals(r, tc.c*tc.h*tc.w)
		y, err := AvgPool(leaf(t, x, tc.c, tc.h, tc.w, false), tc.k, tc.s)
		if err != nil {
			t.Fatal(err)
		}
		oh, ow := (tc.h-tc.k)/tc.s+1, (tc.w-tc.k)/tc.s+1
		want := make([]float64, tc.c*oh*ow)
		for ch := 0; ch < tc.c; ch++ {
			for oy := 0; oy < oh; oy++ {
				for ox := 0; ox < ow; ox++ {
					var s float64
					for ky := 0; ky < tc.k; ky++ {
						for kx := 0; kx < tc.k; kx++ {
							s += float64(x[(ch*tc.h+oy*tc.s+ky)*tc.w+ox*tc.s+kx])
						}
					}
					want[(ch*oh+oy)*ow+ox] = s / float64(tc.k*tc.k)
				}
			}
		}
		closeTo(t, "average pool", y.Data(), want, 1e-6)
		checkGrad(t, "average pool", mapOf(func(m Map) (Map, error) { return AvgPool(m, tc.k, tc.s) }), x, tc.c, tc.h, tc.w, 1e-2, 1e-3)
	}
	if _, err := AvgPool(leaf(t, make([]float32, 4), 1, 2, 2, false), 3, 1); err == nil {
		t.Error("AvgPool accepted a window larger than the map")
	}
}

func TestGlobalAvgPool(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	c, h, w := 4, 5, 3
	x := normals(r, c*h*w)
	y := GlobalAvgPool(leaf(t, x, c, h, w, false))
	if y.C != c || y.H != 1 || y.W != 1 {
		t.Fatalf("global average pool of %d×%d×%d is %v", c, h, w, y)
	}
	want := make([]float64, c)
	for i, v := range x {
		want[i/(h*w)] += float64(v) / float64(h*w)
	}
	closeTo(t, "global average pool", y.Data(), want, 1e-6)
	checkGrad(t, "global average pool", mapOf(func(m Map) (Map, error) { return GlobalAvgPool(m), nil }), x, c, h, w, 1e-2, 1e-3)
}

// TestMaxPoolNaN checks that a NaN in a window gives NaN, as in torch, and
// receives the window's gradient.
func TestMaxPoolNaN(t *testing.T) {
	nan := float32(math.NaN())
	x := leaf(t, []float32{1, nan, 3, 4}, 1, 2, 2, true)
	y, err := MaxPool(x, 2, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	if v := y.Data()[0]; v == v {
		t.Fatalf("max pool of a window with NaN is %g", v)
	}
	y.Node.AccGrad(dense([]float32{1}, 1, 1))
	if err := backward(y.Node); err != nil {
		t.Fatal(err)
	}
	if g := values(x.Node.Grad()); g[0] != 0 || g[1] != 1 || g[2] != 0 || g[3] != 0 {
		t.Fatalf("gradient %v, want it at the NaN", g)
	}
}

// TestMaxPoolTiesRowMajor checks where the gradient goes when windows hold
// many equal values (as after a ReLU): to the first maximum in row-major
// order, on the networks' pools and widths around the SIMD width, so that
// the separable forward pass (rows, then columns) breaks ties as the
// direct definition does.
func TestMaxPoolTiesRowMajor(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 10))
	for _, tc := range []struct{ k, s, p int }{{3, 2, 0}, {3, 2, 1}, {2, 2, 0}, {3, 1, 1}} {
		for w := 5; w <= 14; w++ {
			c, h := 2, 7
			x := make([]float32, c*h*w)
			for i := range x {
				x[i] = float32(r.IntN(3)) // many ties, zeros among them
			}
			xm := leaf(t, x, c, h, w, true)
			y, err := MaxPool(xm, tc.k, tc.s, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			want, arg := directMaxPool(x, c, h, w, tc.k, tc.s, tc.p)
			closeTo(t, "max pool with ties", y.Data(), want, 0)
			g := make([]float32, len(want))
			for i := range g {
				g[i] = float32(i + 1)
			}
			y.Node.AccGrad(dense(g, c, y.H*y.W))
			if err := backward(y.Node); err != nil {
				t.Fatal(err)
			}
			wantDx := make([]float32, len(x))
			for o, i := range arg {
				wantDx[i] += g[o]
			}
			got := values(xm.Node.Grad())
			for i := range wantDx {
				if got[i] != wantDx[i] {
					t.Fatalf("%d×%d×%d, pool %d/%d pad %d: gradient %v, want %v (input %v)", c, h, w, tc.k, tc.s, tc.p, got, wantDx, x)
				}
			}
		}
	}
}
