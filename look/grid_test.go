package look

import (
	"math"
	"math/rand/v2"
	"testing"

	"sentiment/imaging"
)

// synth samples f(u, v), u and v in (0, 1), at the pixel centres of a w×h
// image, so that a working-size and a full-size version show one scene.
func synth(w, h int, f func(u, v float64) (r, g, b float64)) *imaging.RGB {
	m := imaging.NewRGB(w, h)
	for y := range h {
		for x := range w {
			r, g, b := f((float64(x)+0.5)/float64(w), (float64(y)+0.5)/float64(h))
			m.Set(x, y, float32(r), float32(g), float32(b))
		}
	}
	return m
}

// scene is a smooth colourful field within [0.2, 0.8], its channels
// varying independently, so that an affine colour model is identifiable
// everywhere.
func scene(u, v float64) (r, g, b float64) {
	return 0.5 + 0.3*math.Sin(2*math.Pi*1.3*u+0.5)*math.Cos(2*math.Pi*0.7*v),
		0.5 + 0.3*math.Sin(2*math.Pi*0.9*(u+v)+1),
		0.5 + 0.3*math.Cos(2*math.Pi*1.7*(u-v))
}

type affine [3][4]float64

func (a affine) apply(r, g, b float64) (float64, float64, float64) {
	return a[0][0]*r + a[0][1]*g + a[0][2]*b + a[0][3],
		a[1][0]*r + a[1][1]*g + a[1][2]*b + a[1][3],
		a[2][0]*r + a[2][1]*g + a[2][2]*b + a[2][3]
}

// mapImage returns m with f applied to every pixel.
func mapImage(m *imaging.RGB, f func(r, g, b float64) (float64, float64, float64)) *imaging.RGB {
	out := imaging.NewRGB(m.W, m.H)
	for y := range m.H {
		for x := range m.W {
			r, g, b := m.At(x, y)
			r2, g2, b2 := f(float64(r), float64(g), float64(b))
			out.Set(x, y, float32(r2), float32(g2), float32(b2))
		}
	}
	return out
}

// maxDiff is the largest absolute sample difference.
func maxDiff(a, b *imaging.RGB) float64 {
	var d float64
	for i := range a.Pix {
		d = max(d, math.Abs(float64(a.Pix[i]-b.Pix[i])))
	}
	return d
}

// A warm, slightly crossed affine that keeps [0.2, 0.8] inside [0, 1].
var warm = affine{
	{0.9, 0.1, 0, 0.08},
	{0.05, 0.8, 0.1, 0.02},
	{0, 0.1, 0.7, 0.05},
}

func TestFitRecoversGlobalAffine(t *testing.T) {
	in := synth(384, 256, scene)
	g, err := Fit(in, mapImage(in, warm.apply), DefaultGrid)
	if err != nil {
		t.Fatal(err)
	}
	full := synth(1536, 1024, scene)
	out, err := g.Apply(full, 1)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxDiff(out, mapImage(full, warm.apply)); d > 1e-2 {
		t.Errorf("full-size output differs from the affine by up to %.4f", d)
	} else {
		t.Logf("full-size max error %.2e", d)
	}
	// The global look is the same affine.
	rng := rand.New(rand.NewPCG(1, 1))
	var worst float64
	for range 1000 {
		r, gg, b := 0.2+0.6*rng.Float64(), 0.2+0.6*rng.Float64(), 0.2+0.6*rng.Float64()
		wr, wg, wb := warm.apply(r, gg, b)
		cr, cg, cb := g.Global().Map(float32(r), float32(gg), float32(b))
		worst = max(worst, math.Abs(float64(cr)-wr), math.Abs(float64(cg)-wg), math.Abs(float64(cb)-wb))
	}
	if worst > 1e-2 {
		t.Errorf("Global().Map differs from the affine by up to %.4f", worst)
	}
}

// twoSides is a dark left part and a bright right part, split at u = 0.47
// (not on a cell boundary), each with its own colour variation.
func twoSides(u, v float64) (r, g, b float64) {
	s1, s2, s3 := math.Sin(2*math.Pi*3*v+1), math.Cos(2*math.Pi*2.3*(u+v)), math.Sin(2*math.Pi*1.9*(u-2*v))
	if u < 0.47 {
		return 0.2 + 0.07*s1, 0.2 + 0.07*s2, 0.2 + 0.07*s3
	}
	return 0.72 + 0.08*s1, 0.72 + 0.08*s2, 0.72 + 0.08*s3
}

var cool = affine{
	{0.8, 0, 0, 0},
	{0, 0.95, 0.05, 0},
	{0.05, 0, 1.1, 0.05},
}

// twoLooks is warm on the dark side, cool on the bright side.
func twoLooks(u float64, r, g, b float64) (float64, float64, float64) {
	if u < 0.47 {
		return warm.apply(r, g, b)
	}
	return cool.apply(r, g, b)
}

func lookImage(m *imaging.RGB) *imaging.RGB {
	out := imaging.NewRGB(m.W, m.H)
	for y := range m.H {
		for x := range m.W {
			r, g, b := m.At(x, y)
			r2, g2, b2 := twoLooks((float64(x)+0.5)/float64(m.W), float64(r), float64(g), float64(b))
			out.Set(x, y, float32(r2), float32(g2), float32(b2))
		}
	}
	return out
}

// edgeError returns the mean and max absolute error of out against want
// over the pixels within band (in u units) of the edge at u = 0.47.
func edgeError(out, want *imaging.RGB, band float64) (mean, worst float64) {
	var sum float64
	var cnt int
	n := out.W * out.H
	for y := range out.H {
		for x := range out.W {
			u := (float64(x) + 0.5) / float64(out.W)
			if math.Abs(u-0.47) > band {
				continue
			}
			i := y*out.W + x
			for c := range 3 {
				d := math.Abs(float64(out.Pix[c*n+i] - want.Pix[c*n+i]))
				sum += d
				worst = max(worst, d)
				cnt++
			}
		}
	}
	return sum / float64(cnt), worst
}

func TestFitKeepsLooksApartAcrossLuminanceEdge(t *testing.T) {
	in := synth(384, 256, twoSides)
	target := lookImage(in)
	full := synth(1536, 1024, twoSides)
	want := lookImage(full)
	band := 2 * 16.0 / 384 // two cells each side

	g, err := Fit(in, target, DefaultGrid)
	if err != nil {
		t.Fatal(err)
	}
	out, err := g.Apply(full, 1)
	if err != nil {
		t.Fatal(err)
	}
	mean, worst := edgeError(out, want, band)
	t.Logf("within two cells of the edge: mean error %.2e, max %.2e", mean, worst)
	if mean > 3e-3 || worst > 2e-2 {
		t.Errorf("near the edge: mean error %.4f, max %.4f; want ≤ 0.003 and ≤ 0.02", mean, worst)
	}
	// No halo: the error near the edge is no larger than elsewhere.
	all, _ := edgeError(out, want, 1)
	t.Logf("whole image: mean error %.2e", all)
	if mean > 1.5*all {
		t.Errorf("mean error %.4f near the edge, %.4f over the image: a halo", mean, all)
	}

	// Without its luminance axis (models forced equal along it) the same
	// grid bleeds one look into the other across the edge: the
	// edge-aware axis is what the test above measures.
	flat := DefaultGrid
	flat.LumSmooth = 1
	gf, err := Fit(in, target, flat)
	if err != nil {
		t.Fatal(err)
	}
	outf, err := gf.Apply(full, 1)
	if err != nil {
		t.Fatal(err)
	}
	meanf, worstf := edgeError(outf, want, band)
	t.Logf("same without the luminance axis: mean error %.2e, max %.2e", meanf, worstf)
	if meanf < 2*mean || worstf < 2*worst {
		t.Errorf("without the luminance axis the error near the edge (mean %.4f, max %.4f) is not clearly worse", meanf, worstf)
	}
}

func TestStrength(t *testing.T) {
	in := synth(96, 64, scene)
	g, err := Fit(in, mapImage(in, warm.apply), DefaultGrid)
	if err != nil {
		t.Fatal(err)
	}
	full := synth(300, 200, scene)
	zero, err := g.Apply(full, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := range full.Pix {
		if zero.Pix[i] != full.Pix[i] {
			t.Fatalf("strength 0: sample %d = %g, input %g", i, zero.Pix[i], full.Pix[i])
		}
	}
	one, _ := g.Apply(full, 1)
	half, _ := g.Apply(full, 0.5)
	// At a strength the change's lightness (its luma) and its colour (the
	// rest) are weighed as MixAt says: colour ahead of lightness.
	mix := MixAt(0.5)
	if !(mix.Colour > mix.Light) || mix.Light != 0.5 {
		t.Fatalf("MixAt(0.5) = %+v: want lightness 0.5 and colour ahead of it", mix)
	}
	n := full.W * full.H
	for _, s := range []float32{0.25, 0.5, 0.8} {
		at, _ := g.Apply(full, s)
		m := MixAt(s)
		for i := range n {
			var d, h [3]float32
			for c := range 3 {
				d[c] = one.Pix[c*n+i] - full.Pix[c*n+i]
				h[c] = at.Pix[c*n+i] - full.Pix[c*n+i]
			}
			dy, hy := imaging.LumaOf(d[0], d[1], d[2]), imaging.LumaOf(h[0], h[1], h[2])
			if e := math.Abs(float64(hy - m.Light*dy)); e > 1e-6 {
				t.Fatalf("strength %g: pixel %d's lightness changed %g, want %g", s, i, hy, m.Light*dy)
			}
			for c := range 3 {
				if e := math.Abs(float64((h[c] - hy) - m.Colour*(d[c]-dy))); e > 1e-6 {
					t.Fatalf("strength %g: pixel %d's colour changed %g in channel %d, want %g", s, i, h[c]-hy, c, m.Colour*(d[c]-dy))
				}
			}
		}
	}
	// Between two of MixKnots (and from 0 to the first) a rendering is the
	// linear blend of the renderings at the two: what the page's slider
	// blends at once. Clipped samples are left out.
	knots := append([]float32{0}, MixKnots()...)
	if len(knots) != 3 || knots[1] != ColourLead || knots[2] != 1 {
		t.Fatalf("knots %v", knots[1:])
	}
	for _, s := range []float32{0.2, 0.45, 0.6, 0.9} {
		k := 1
		for s > knots[k] {
			k++
		}
		a, _ := g.Apply(full, knots[k-1])
		b, _ := g.Apply(full, knots[k])
		at, _ := g.Apply(full, s)
		f := (s - knots[k-1]) / (knots[k] - knots[k-1])
		for i, v := range at.Pix {
			if a.Pix[i] <= 0 || a.Pix[i] >= 1 || b.Pix[i] <= 0 || b.Pix[i] >= 1 {
				continue
			}
			if want := (1-f)*a.Pix[i] + f*b.Pix[i]; math.Abs(float64(v-want)) > 1e-5 {
				t.Fatalf("strength %g: sample %d is %g, the blend of the knots %g", s, i, v, want)
			}
		}
	}
	// The mix can be taken into the models: a grid mixed at a strength's
	// mix, applied whole, gives the grid at that strength.
	mixed, err := g.Mixed(MixAt(0.5)).Apply(full, 1)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxDiff(mixed, half); d > 1e-5 {
		t.Errorf("the mixed grid differs from the grid at strength 0.5 by %g", d)
	}
	// The mixed grid's global curve (what the LUT carries) is mixed too.
	gm := g.Mixed(MixAt(0.5)).Global()
	for _, c := range [][3]float32{{0.3, 0.5, 0.6}, {0.9, 0.2, 0.1}, {0.05, 0.05, 0.1}} {
		r1, g1, b1 := gm.Map(c[0], c[1], c[2])
		r2, g2, b2 := g.Global().WithStrength(0.5).Map(c[0], c[1], c[2])
		if r1 != r2 || g1 != g2 || b1 != b2 {
			t.Errorf("the mixed grid's curve maps %v to (%g, %g, %g), the curve at 0.5 to (%g, %g, %g)", c, r1, g1, b1, r2, g2, b2)
		}
	}
	// Linear in the strength on each side of the lead, whole at 1 (the
	// page's instant blend relies on it).
	for s, want := range map[float32]Mix{0: {0, 0}, ColourLead / 2: {ColourLead / 2, 0.5}, ColourLead: {ColourLead, 1}, (1 + ColourLead) / 2: {(1 + ColourLead) / 2, 1}, 1: {1, 1}} {
		if got := MixAt(s); math.Abs(float64(got.Light-want.Light))+math.Abs(float64(got.Colour-want.Colour)) > 1e-6 {
			t.Errorf("MixAt(%g) = %+v, want %+v", s, got, want)
		}
	}
	// In place gives the same as into a new image.
	work := full.Clone()
	if err := g.ApplyTo(work, work, 0.5); err != nil {
		t.Fatal(err)
	}
	for i := range work.Pix {
		if work.Pix[i] != half.Pix[i] {
			t.Fatalf("in place: sample %d = %g, want %g", i, work.Pix[i], half.Pix[i])
		}
	}
	// The curve's strength works the same way.
	c0 := g.Global().WithStrength(0)
	if r, gg, b := c0.Map(0.3, 0.6, 0.9); r != 0.3 || gg != 0.6 || b != 0.9 {
		t.Errorf("curve at strength 0 maps (0.3, 0.6, 0.9) to (%g, %g, %g)", r, gg, b)
	}
	r1, g1, b1 := g.Global().Map(0.3, 0.5, 0.6)
	rh, gh, bh := g.Global().WithStrength(0.5).Map(0.3, 0.5, 0.6)
	dy := imaging.LumaOf(r1-0.3, g1-0.5, b1-0.6)
	want := [3]float32{0.3 + mix.Colour*(r1-0.3-dy) + mix.Light*dy, 0.5 + mix.Colour*(g1-0.5-dy) + mix.Light*dy, 0.6 + mix.Colour*(b1-0.6-dy) + mix.Light*dy}
	if got := [3]float32{rh, gh, bh}; math.Abs(float64(got[0]-want[0]))+math.Abs(float64(got[1]-want[1]))+math.Abs(float64(got[2]-want[2])) > 1e-5 {
		t.Errorf("curve at strength 0.5 maps to %v, want %v", got, want)
	}
}

// hfEnergy is the energy of the 4-neighbour Laplacian of a difference
// image a−b over the interior: what a fine texture has much of and a smooth
// colour change almost none of.
func hfEnergy(a, b *imaging.RGB) float64 {
	w, h, n := a.W, a.H, a.W*a.H
	d := func(c, x, y int) float64 { i := c*n + y*w + x; return float64(a.Pix[i] - b.Pix[i]) }
	var e float64
	for c := range 3 {
		for y := 1; y < h-1; y++ {
			for x := 1; x < w-1; x++ {
				l := 4*d(c, x, y) - d(c, x-1, y) - d(c, x+1, y) - d(c, x, y-1) - d(c, x, y+1)
				e += l * l
			}
		}
	}
	return e
}

// The refit drops texture that the input does not have: a target that is
// an affine of the input plus a checkerboard and noise (what the raw
// optimization produces) comes back as the affine alone.
func TestFitRemovesTexture(t *testing.T) {
	in := synth(256, 192, scene)
	clean := mapImage(in, warm.apply)
	target := clean.Clone()
	rng := rand.New(rand.NewPCG(7, 7))
	n := in.W * in.H
	for y := range in.H {
		for x := range in.W {
			chk := float32(0.06)
			if (x/2+y/2)%2 == 1 { // a stride-2 checkerboard
				chk = -chk
			}
			for c := range 3 {
				i := c*n + y*in.W + x
				target.Pix[i] += chk + 0.03*float32(rng.NormFloat64())
			}
		}
	}
	g, err := Fit(in, target, DefaultGrid)
	if err != nil {
		t.Fatal(err)
	}
	out, err := g.Apply(in, 1)
	if err != nil {
		t.Fatal(err)
	}
	eo, et := hfEnergy(out, in), hfEnergy(target, in)
	t.Logf("high-frequency energy of output−input %.3g, of target−input %.3g (ratio %.2e)", eo, et, eo/et)
	if eo > 1e-3*et {
		t.Errorf("output keeps %.2e of the target's high-frequency energy, want < 1e-3", eo/et)
	}
	if d := maxDiff(out, clean); d > 2e-2 {
		t.Errorf("output differs from the texture-free look by up to %.4f", d)
	}
}

// A flat-colour working image leaves almost every vertex without data and
// the affines underdetermined: the fit must still be finite and map the
// one colour it saw to its target, and other colours sensibly.
func TestFitDegenerateImage(t *testing.T) {
	in := synth(64, 48, func(u, v float64) (float64, float64, float64) { return 0.4, 0.5, 0.6 })
	target := synth(64, 48, func(u, v float64) (float64, float64, float64) { return 0.5, 0.45, 0.3 })
	g, err := Fit(in, target, DefaultGrid)
	if err != nil {
		t.Fatal(err)
	}
	full := synth(640, 480, func(u, v float64) (float64, float64, float64) {
		if u < 0.5 {
			return 0.4, 0.5, 0.6
		}
		return u, v, 1 - u // colours the fit never saw
	})
	out, err := g.Apply(full, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range out.Pix {
		if math.IsNaN(float64(v)) || v < 0 || v > 1 {
			t.Fatalf("sample %d = %g", i, v)
		}
	}
	r, gg, b := out.At(100, 200)
	if math.Abs(float64(r)-0.5) > 1e-3 || math.Abs(float64(gg)-0.45) > 1e-3 || math.Abs(float64(b)-0.3) > 1e-3 {
		t.Errorf("the fitted colour maps to (%g, %g, %g), want (0.5, 0.45, 0.3)", r, gg, b)
	}
}

func TestGridBadInput(t *testing.T) {
	a, b := imaging.NewRGB(32, 32), imaging.NewRGB(32, 31)
	if _, err := Fit(a, b, DefaultGrid); err == nil {
		t.Error("Fit accepted images of different sizes")
	}
	if _, err := Fit(&imaging.RGB{W: 4, H: 4}, a, DefaultGrid); err == nil {
		t.Error("Fit accepted an empty buffer")
	}
	for _, cfg := range []GridConfig{
		{Cell: 0, Bins: 8, Pull: 0.1},
		{Cell: 16, Bins: 0, Pull: 0.1},
		{Cell: 16, Bins: 8, Pull: 0},
		{Cell: 16, Bins: 8, Pull: 0.1, Smooth: -1},
		{Cell: 16, Bins: 8, Pull: math.NaN()},
		{Cell: 16, Bins: 8, Pull: 0.1, LumSmooth: math.Inf(1)},
	} {
		if _, err := Fit(a, a, cfg); err == nil {
			t.Errorf("Fit accepted %+v", cfg)
		}
	}
	nan := a.Clone()
	nan.Pix[5] = float32(math.NaN())
	if _, err := Fit(a, nan, DefaultGrid); err == nil {
		t.Error("Fit accepted a NaN target")
	}
	huge := DefaultGrid
	huge.Cell = 1
	big := imaging.NewRGB(2000, 2000)
	if _, err := Fit(big, big, huge); err == nil {
		t.Error("Fit accepted a grid of millions of vertices")
	}
	g, err := Fit(a, a, DefaultGrid)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.ApplyTo(b, a, 1); err == nil {
		t.Error("ApplyTo accepted a destination of another size")
	}
	if _, err := g.Apply(&imaging.RGB{W: 2, H: 2, Pix: make([]float32, 3)}, 1); err == nil {
		t.Error("Apply accepted a short buffer")
	}
}

// Applied strip by strip, the grid gives exactly what it gives the whole
// image: the strips' rows take their models from their place in the
// whole.
func TestApplyRowsMatchesWhole(t *testing.T) {
	in := synth(96, 64, scene)
	g, err := Fit(in, mapImage(in, warm.apply), DefaultGrid)
	if err != nil {
		t.Fatal(err)
	}
	full := synth(301, 203, scene)
	want, err := g.Apply(full, 0.7)
	if err != nil {
		t.Fatal(err)
	}
	n := full.W * full.H
	for _, rows := range []int{1, 7, 64, 203} { // 7 and 64 do not divide 203
		got := imaging.NewRGB(full.W, full.H)
		for y0 := 0; y0 < full.H; y0 += rows {
			h := min(rows, full.H-y0)
			k := full.W * h
			strip := imaging.NewRGB(full.W, h)
			for c := range 3 {
				copy(strip.Pix[c*k:(c+1)*k], full.Pix[c*n+y0*full.W:])
			}
			if err := g.ApplyRows(strip, strip, y0, full.H, 0.7); err != nil {
				t.Fatalf("%d-row strips, at row %d: %v", rows, y0, err)
			}
			for c := range 3 {
				copy(got.Pix[c*n+y0*full.W:c*n+(y0+h)*full.W], strip.Pix[c*k:(c+1)*k])
			}
		}
		for i := range want.Pix {
			if got.Pix[i] != want.Pix[i] {
				t.Fatalf("%d-row strips: sample %d = %g, whole image %g", rows, i, got.Pix[i], want.Pix[i])
			}
		}
	}
	// The same strip placed elsewhere gets other models: the test above
	// could not pass by ignoring y0.
	top := imaging.NewRGB(full.W, 8)
	copy(top.Pix, full.Pix[:8*full.W])
	low := top.Clone()
	if err := g.ApplyRows(top, top, 0, full.H, 1); err != nil {
		t.Fatal(err)
	}
	if err := g.ApplyRows(low, low, full.H-8, full.H, 1); err != nil {
		t.Fatal(err)
	}
	if maxDiff(top, low) == 0 {
		t.Error("a strip applied as the top and as the bottom rows came out the same")
	}
}

func TestApplyRowsBadRange(t *testing.T) {
	a := imaging.NewRGB(16, 16)
	g, err := Fit(a, a, DefaultGrid)
	if err != nil {
		t.Fatal(err)
	}
	strip := imaging.NewRGB(16, 4)
	for _, c := range []struct{ y0, fullH int }{
		{-1, 16},          // before the image
		{13, 16},          // runs past the last row
		{0, 3},            // taller than the image
		{0, 0},            // no image
		{math.MaxInt, 16}, // an overflow must not pass
	} {
		if err := g.ApplyRows(strip, strip, c.y0, c.fullH, 1); err == nil {
			t.Errorf("ApplyRows accepted rows %d to %d of %d", c.y0, c.y0+3, c.fullH)
		}
	}
	if err := g.ApplyRows(strip, strip, 12, 16, 1); err != nil {
		t.Errorf("the last 4 rows of 16: %v", err)
	}
	if err := g.ApplyRows(imaging.NewRGB(16, 3), strip, 0, 16, 1); err == nil {
		t.Error("ApplyRows accepted a destination of another size")
	}
}

// A grid rebuilt from its shape, coefficients and curve applies exactly as
// the original; FitCurve finds a global affine look as the curve; bad
// coefficients are refused.
func TestNewGridAndFitCurve(t *testing.T) {
	in := synth(48, 32, scene)
	a := affine{{0.9, 0.1, 0, 0.05}, {0, 0.8, 0.1, 0.02}, {0.1, 0, 0.7, 0.1}}
	target := mapImage(in, a.apply)
	g, err := Fit(in, target, DefaultGrid)
	if err != nil {
		t.Fatal(err)
	}
	curve, err := FitCurve(in, target, DefaultGrid.Bins)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range [][3]float32{{0.2, 0.5, 0.7}, {0.6, 0.4, 0.3}} {
		r, gg, b := curve.Map(c[0], c[1], c[2])
		wr, wg, wb := a.apply(float64(c[0]), float64(c[1]), float64(c[2]))
		if d := max(math.Abs(float64(r)-wr), math.Abs(float64(gg)-wg), math.Abs(float64(b)-wb)); d > 1e-3 {
			t.Errorf("curve maps %v to (%g, %g, %g), want (%g, %g, %g)", c, r, gg, b, wr, wg, wb)
		}
	}
	h, err := NewGrid(g.Shape(), g.Coefficients(), curve)
	if err != nil {
		t.Fatal(err)
	}
	x, err := g.Apply(in, 0.7)
	if err != nil {
		t.Fatal(err)
	}
	y, err := h.Apply(in, 0.7)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxDiff(x, y); d != 0 {
		t.Errorf("the rebuilt grid differs by %g", d)
	}
	bad := g.Coefficients()
	bad[5] = float32(math.NaN())
	if _, err := NewGrid(g.Shape(), bad, curve); err == nil {
		t.Error("NewGrid accepted a NaN coefficient")
	}
	if _, err := NewGrid(g.Shape(), bad[:12], curve); err == nil {
		t.Error("NewGrid accepted too few coefficients")
	}
	if _, err := NewGrid(g.Shape(), g.Coefficients(), nil); err == nil {
		t.Error("NewGrid accepted no curve")
	}
}
