package op

import (
	"math"
	"testing"
)

// TestLoops checks the elementwise loops (scalar, or SIMD in a
// GOEXPERIMENT=simd WebAssembly build) value by value against their
// definitions, on every length around the vector width and the unrolled
// loops' width, with NaN, zeros of both signs and values of both signs.
func TestLoops(t *testing.T) {
	nan := float32(math.NaN())
	negZero := float32(math.Copysign(0, -1))
	pool := []float32{1.5, -2, 0, nan, negZero, 3.25, -0.5, 7, -1e-30, 1e-30, 2, -3, 0.75}
	same := func(a, b float32) bool { return a == b || (a != a && b != b) }
	const s, sh = 1.5, -0.25
	// Lengths past two of the longest unrolled loop (16 values) and
	// every remainder, the pool's values repeated.
	for n := 0; n <= 37; n++ {
		x := make([]float32, n)
		for i := range x {
			x[i] = pool[i%len(pool)]
		}
		g := make([]float32, n)
		for i := range g {
			g[i] = float32(i) - 2.5
		}
		y := make([]float32, n)
		for i := range y {
			y[i] = 99 // must be overwritten
		}
		reluTo(y, x)
		for i, v := range x {
			want := float32(0)
			if v > 0 || v != v {
				want = v
			}
			if !same(y[i], want) || math.Signbit(float64(y[i])) {
				t.Fatalf("reluTo n=%d: y[%d] = %g, want %g", n, i, y[i], want)
			}
		}
		for _, relu := range []bool{false, true} {
			affineTo(y, x, s, sh, relu)
			for i, v := range x {
				want := s*v + sh
				if relu && want <= 0 {
					want = 0
				}
				if !same(y[i], want) {
					t.Fatalf("affineTo n=%d relu=%v: y[%d] = %g, want %g", n, relu, i, y[i], want)
				}
			}
		}
		d := make([]float32, n)
		scaleTo(d, g, s)
		for i := range d {
			if d[i] != s*g[i] {
				t.Fatalf("scaleTo n=%d: d[%d] = %g, want %g", n, i, d[i], s*g[i])
			}
		}
		// colMax down three rows made of the pool (NaN, ties, zeros of
		// both signs) at widths around the vector width, columns shifted
		// so that every value meets every other.
		if n > 0 {
			plane := make([]float32, 3*n)
			for r := 0; r < 3; r++ {
				for i := range n {
					plane[r*n+i] = pool[(i+5*r)%len(pool)]
				}
			}
			m, row := make([]float32, n), make([]int32, n)
			colMax(m, row, plane, n, 0, 3)
			for i := range n {
				wm, wr := plane[i], int32(0)
				for r := 1; r < 3; r++ {
					if v := plane[r*n+i]; v > wm || (v != v && wm == wm) {
						wm, wr = v, int32(r)
					}
				}
				if !same(m[i], wm) || row[i] != wr {
					t.Fatalf("colMax n=%d: column %d is %g in row %d, want %g in row %d", n, i, m[i], row[i], wm, wr)
				}
			}
		}
		scaledDiff(d, x, g, s)
		for i, v := range x {
			if want := s * (v - g[i]); !same(d[i], want) {
				t.Fatalf("scaledDiff n=%d: d[%d] = %g, want %g", n, i, d[i], want)
			}
		}
		scaleWherePositive(d, g, x, s)
		for i, v := range x {
			want := float32(0)
			if v > 0 {
				want = s * g[i]
			}
			if d[i] != want {
				t.Fatalf("scaleWherePositive n=%d: d[%d] = %g, want %g (y %g)", n, i, d[i], want, v)
			}
		}
	}
}
