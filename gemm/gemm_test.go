package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

func random(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

// naive returns C0 + A·B (C0 may be nil) in float64, with A(i, l) and
// B(l, j) given as functions so that transposed operands share it.
func naive(c0 []float32, a, b func(i, j int) float32, m, k, n int) []float64 {
	c := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			if c0 != nil {
				s = float64(c0[i*n+j])
			}
			for l := 0; l < k; l++ {
				s += float64(a(i, l)) * float64(b(l, j))
			}
			c[i*n+j] = s
		}
	}
	return c
}

// compare fails unless got matches want to float32 rounding of a k-term
// sum; it returns the largest error relative to the typical magnitude.
func compare(t *testing.T, got []float32, want []float64, k int) float64 {
	t.Helper()
	tol := 1e-6 * float64(k+1)
	worst := 0.0
	for i := range want {
		// Entries are sums of k products of unit normals: scale ~ sqrt(k).
		e := math.Abs(float64(got[i])-want[i]) / math.Sqrt(float64(k+1))
		worst = max(worst, e)
		if e > tol || math.IsNaN(float64(got[i])) {
			t.Fatalf("element %d: got %g, want %g", i, got[i], want[i])
		}
	}
	return worst
}

var sizes = []int{1, 2, 3, 4, 5, 7, 33, 65, 129}

func TestPackedMul(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, m := range sizes {
		for _, k := range sizes {
			for _, n := range sizes {
				a, b := random(r, m*k), random(r, k*n)
				c0 := random(r, m*n)
				want := naive(nil, func(i, l int) float32 { return a[i*k+l] }, func(l, j int) float32 { return b[l*n+j] }, m, k, n)
				c := append([]float32(nil), c0...)
				Pack(a, m, k).Mul(c, b, n, false)
				compare(t, c, want, k)
				want = naive(c0, func(i, l int) float32 { return a[i*k+l] }, func(l, j int) float32 { return b[l*n+j] }, m, k, n)
				c = append(c[:0], c0...)
				Pack(a, m, k).Mul(c, b, n, true)
				compare(t, c, want, k)
			}
		}
	}
}

func TestLargeBlocked(t *testing.T) {
	// Sizes past one kcBlock×ncBlock block and the parallel threshold.
	r := rand.New(rand.NewPCG(3, 4))
	m, k, n := 37, 2*kcBlock+3, ncBlock+135
	a, b := random(r, m*k), random(r, k*n)
	c0 := random(r, m*n)
	want := naive(c0, func(i, l int) float32 { return a[i*k+l] }, func(l, j int) float32 { return b[l*n+j] }, m, k, n)
	c := append([]float32(nil), c0...)
	Mul(c, a, b, m, k, n, true)
	t.Logf("max error / sqrt(k): %.2g", compare(t, c, want, k))
	// Tall: the split runs over row panels.
	m, k, n = 515, 300, 9
	a, b = random(r, m*k), random(r, k*n)
	want = naive(nil, func(i, l int) float32 { return a[i*k+l] }, func(l, j int) float32 { return b[l*n+j] }, m, k, n)
	c = make([]float32, m*n)
	Mul(c, a, b, m, k, n, false)
	compare(t, c, want, k)
}

func TestPackTransposed(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, m := range sizes {
		for _, k := range []int{1, 3, 8, 65} {
			n := 7
			// A is m×k; the packed matrix is Aᵀ, k×m, times B m×n.
			a, b := random(r, m*k), random(r, m*n)
			p := PackTransposed(a, m, k)
			if p.Rows() != k || p.Cols() != m {
				t.Fatalf("PackTransposed(%d×%d) is %d×%d", m, k, p.Rows(), p.Cols())
			}
			want := naive(nil, func(i, l int) float32 { return a[l*k+i] }, func(l, j int) float32 { return b[l*n+j] }, k, m, n)
			c := make([]float32, k*n)
			p.Mul(c, b, n, false)
			compare(t, c, want, m)
		}
	}
}

func TestMulABt(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, m := range sizes {
		for _, k := range []int{1, 5, 257, 1030} {
			for _, n := range []int{1, 3, 6, 65} {
				a, b := random(r, m*k), random(r, n*k)
				c0 := random(r, m*n)
				want := naive(c0, func(i, l int) float32 { return a[i*k+l] }, func(l, j int) float32 { return b[j*k+l] }, m, k, n)
				c := append([]float32(nil), c0...)
				MulABt(c, a, b, m, k, n, true)
				compare(t, c, want, k)
			}
		}
	}
}

func TestMulAAt(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, m := range []int{1, 2, 3, 5, 8, 33, 130, 515} {
		for _, k := range []int{1, 7, 300} {
			a := random(r, m*k)
			want := naive(nil, func(i, l int) float32 { return a[i*k+l] }, func(l, j int) float32 { return a[j*k+l] }, m, k, m)
			c := random(r, m*m) // garbage that must be overwritten
			MulAAt(c, a, m, k)
			compare(t, c, want, k)
		}
	}
}

func TestZeroK(t *testing.T) {
	c := []float32{1, 2, 3, 4}
	Mul(c, nil, nil, 2, 0, 2, true)
	if c[0] != 1 || c[3] != 4 {
		t.Fatalf("accumulating an empty product changed C: %v", c)
	}
	Mul(c, nil, nil, 2, 0, 2, false)
	for _, v := range c {
		if v != 0 {
			t.Fatalf("an empty product is not zero: %v", c)
		}
	}
}

func TestShortSlicePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Mul with a short B did not panic")
		}
	}()
	Mul(make([]float32, 4), make([]float32, 4), make([]float32, 3), 2, 2, 2, false)
}

// reference returns rows of A·B in float64 for row-major A (m×k) and B
// (k×n), or of A·Bᵀ with B n×k when bt is set: the known answer that the
// kernel of the build (SIMD or scalar) must match. It computes the rows
// that sampled lists, the others are left zero.
func reference(a, b []float32, m, k, n int, bt bool, rows []int) []float64 {
	c := make([]float64, m*n)
	for _, i := range rows {
		row := c[i*n : (i+1)*n]
		for l, av := range a[i*k : (i+1)*k] {
			x := float64(av)
			if bt {
				for j := range row {
					row[j] += x * float64(b[j*k+l])
				}
				continue
			}
			for j, bv := range b[l*n : (l+1)*n] {
				row[j] += x * float64(bv)
			}
		}
	}
	return c
}

// sampled returns the rows of an m-row product that TestNetworkShapes
// checks: the first and last eight (whole row panels of either kernel, and
// the short last one) and every fifth, which meets every position in a
// panel. Every column is checked in each, so the short last column panel too.
func sampled(m int) []int {
	var rows []int
	for i := 0; i < m; i++ {
		if i < 8 || i >= m-8 || i%5 == 0 {
			rows = append(rows, i)
		}
	}
	return rows
}

// compareRows is compare on the given rows of m×n products.
func compareRows(t *testing.T, got []float32, want []float64, n, k int, rows []int) float64 {
	t.Helper()
	worst := 0.0
	for _, i := range rows {
		worst = max(worst, compare(t, got[i*n:(i+1)*n], want[i*n:(i+1)*n], k))
	}
	return worst
}

// TestNetworkShapes checks the products of the benchmarks, SqueezeNet's and
// DenseNet121's at 256 px, and their Gram matrices, against float64: in
// WebAssembly this runs once with the scalar kernel (plain Go) and once with
// the SIMD one (GOEXPERIMENT=simd), so the two agree to float32 rounding on
// every shape the networks use.
func TestNetworkShapes(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, s := range benchShapes {
		a, b := random(r, s.m*s.k), random(r, s.k*s.n)
		c := make([]float32, s.m*s.n)
		Pack(a, s.m, s.k).Mul(c, b, s.n, false)
		rows := sampled(s.m)
		e := compareRows(t, c, reference(a, b, s.m, s.k, s.n, false, rows), s.n, s.k, rows)
		t.Logf("%s (mr×nr %d×%d): max error / sqrt(k) %.2g", s.name, mr, nr, e)
	}
	for _, s := range gramShapes {
		f := random(r, s.c*s.n)
		g := make([]float32, s.c*s.c)
		MulAAt(g, f, s.c, s.n)
		rows := sampled(s.c)
		e := compareRows(t, g, reference(f, f, s.c, s.n, s.c, true, rows), s.c, s.n, rows)
		t.Logf("gram %s: max error / sqrt(k) %.2g", s.name, e)
	}
}
