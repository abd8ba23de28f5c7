package look

import (
	"math"
	"math/rand/v2"
	"testing"

	"sentiment/imaging"
	"sentiment/internal/assettest"
)

// applyBoth runs ApplyRows's loop (SIMD in a GOEXPERIMENT=simd WebAssembly
// build) and its plain-Go reference on the whole of src at strength s,
// and returns both outputs.
func applyBoth(t *testing.T, g *Grid, src *imaging.RGB, s float32) (got, want *imaging.RGB) {
	t.Helper()
	coef := make([]float32, len(g.coef))
	mixAffines(coef, g.coef, MixAt(s))
	got, want = imaging.NewRGB(src.W, src.H), imaging.NewRGB(src.W, src.H)
	g.applyRows(got, src, 0, src.H, 0, coef)
	g.applyRowsGo(want, src, 0, src.H, 0, coef)
	return got, want
}

// agree fails unless got and want agree sample by sample within tol (the
// SIMD loop interpolates in another order, so rounding differs), NaN
// nowhere, and returns how many samples lie strictly inside (0, 1): a
// comparison of clamped values alone would prove little.
func agree(t *testing.T, what string, got, want *imaging.RGB, tol float64) (inside int) {
	t.Helper()
	for i := range want.Pix {
		a, b := got.Pix[i], want.Pix[i]
		if a != a || b != b || math.Abs(float64(a-b)) > tol {
			t.Fatalf("%s: sample %d = %g, plain Go %g", what, i, a, b)
		}
		if b > 0 && b < 1 {
			inside++
		}
	}
	return inside
}

// The loop agrees with its plain-Go reference on a real photo and a
// fitted look, at full and partial strength.
func TestApplyLoopMatchesGoOnPhoto(t *testing.T) {
	full := assettest.Photo(t, "inputs/kodim16.jpg")
	ref := assettest.Photo(t, "refs/lxqt-fog.jpg")
	work := imaging.Resize(full, full.W/3, full.H/3)
	target, err := Reinhard(work, ref)
	if err != nil {
		t.Fatal(err)
	}
	g, err := Fit(work, target, DefaultGrid)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []float32{1, 0.6} {
		got, want := applyBoth(t, g, full, s)
		if in := agree(t, "kodim16", got, want, 1e-5); in < len(want.Pix)/2 {
			t.Fatalf("strength %g: only %d of %d samples inside (0, 1)", s, in, len(want.Pix))
		}
		if maxDiff(want, full) < 0.05 {
			t.Fatalf("strength %g: the look barely changed the photo (%g)", s, maxDiff(want, full))
		}
	}
}

// On a grid of random models (gains of both signs, large offsets) and
// random colours, out-of-range and NaN ones among them, on widths that
// leave every remainder past a vector of four pixels (and one narrower
// than a vector), the loop agrees with plain Go; NaN gives 0.
func TestApplyLoopMatchesGoOnRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 7))
	for i, s := range []Shape{{CX: 5, CY: 4, Bins: 8}, {CX: 1, CY: 1, Bins: 1}, {CX: 13, CY: 3, Bins: 3}, {CX: 2, CY: 2, Bins: 4}} {
		coef := make([]float32, 12*s.Vertices())
		for i := range coef {
			coef[i] = float32(rng.NormFloat64())
		}
		curve := &Curve{bins: 1, coef: make([]float32, 24)}
		g, err := NewGrid(s, coef, curve)
		if err != nil {
			t.Fatal(err)
		}
		src := imaging.NewRGB([]int{37, 38, 39, 3}[i], 23)
		for i := range src.Pix {
			src.Pix[i] = float32(rng.Float64()*1.6 - 0.3)
		}
		// A third of the pixels with one channel NaN; of the others, some
		// with channels exactly 0 and 1.
		nan := map[int]bool{}
		n := src.W * src.H
		for p := 0; p < n; p += 3 {
			src.Pix[(p%3)*n+p] = float32(math.NaN())
			nan[p] = true
		}
		for p := 1; p < n; p += 9 {
			src.Pix[p], src.Pix[2*n+p] = 0, 1
		}
		for _, st := range []float32{1, 0.3} {
			got, want := applyBoth(t, g, src, st)
			if in := agree(t, "random", got, want, 1e-5); in < len(want.Pix)/10 {
				t.Fatalf("%v: only %d of %d samples inside (0, 1)", s, in, len(want.Pix))
			}
			for p := range nan {
				for c := range 3 {
					if v := got.Pix[c*n+p]; v != 0 || math.Signbit(float64(v)) {
						t.Fatalf("%v: pixel %d with a NaN channel gave %g in channel %d, want 0", s, p, v, c)
					}
				}
			}
		}
	}
}
