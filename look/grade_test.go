package look

import (
	"math"
	"testing"

	"sentiment/imaging"
	"sentiment/internal/assettest"
)

// labMean returns the mean L*, a*, b* of m's pixels where keep is true
// (all if keep is nil).
func labMean(m *imaging.RGB, keep func(i int) bool) (l, a, b float64) {
	n := m.W * m.H
	var k float64
	for i := range n {
		if keep != nil && !keep(i) {
			continue
		}
		ll, aa, bb := imaging.SRGBToLab(float64(m.Pix[i]), float64(m.Pix[n+i]), float64(m.Pix[2*n+i]))
		l, a, b, k = l+ll, a+aa, b+bb, k+1
	}
	return l / k, a / k, b / k
}

func TestToneCurve(t *testing.T) {
	for _, c := range []ToneCurve{{0, 1, 0, 100}, {-2, 1.2, 0, 80}, {1, 0.8, 15, 100}, {0.5, 1.3, 4, 90}} {
		prev := -1.0
		for l := 0.0; l <= 100; l += 0.5 {
			v := c.At(l)
			if v < prev-1e-9 || v < 0 || v > 100 {
				t.Fatalf("%+v: At(%.1f) = %.3f after %.3f, want increasing within [0, 100]", c, l, v, prev)
			}
			prev = v
		}
	}
	id := ToneCurve{0, 1, 0, 100}
	for _, l := range []float64{0, 20, 50, 90, 100} {
		if v := id.At(l); math.Abs(v-l) > 0.05 {
			t.Errorf("the identity curve takes %.0f to %.3f", l, v)
		}
	}
	// Brighter by a stop: the midtones rise, white stays white.
	up := ToneCurve{1, 1, 0, 100}
	if up.At(50) < 60 || math.Abs(up.At(100)-100) > 0.05 {
		t.Errorf("a stop up: 50 → %.2f, 100 → %.2f; want midtones up, white kept", up.At(50), up.At(100))
	}
}

// TestToneCurveFit: the grade's curve is the best of the search's grid,
// every curve of it costed through At, the whole curve, as the fit's
// shortcut (the exposure's effect worked out once) must not change.
func TestToneCurveFit(t *testing.T) {
	photo := labPicture(64, 48, func(x, y int) (float64, float64, float64) { return 5 + 1.4*float64(x), 0, 0 })
	in, _ := Describe(photo)
	lim := DefaultLimits
	for _, move := range [][ToneKnots]float32{{-20, -20, -15, -10, -5, -5, -5}, {10, 12, 15, 15, 10, 5, 0}, {15, 10, 0, 0, 0, -8, -15}} {
		target := in
		want := make([]float64, ToneKnots)
		for q := range ToneKnots {
			target.Tone[q] += move[q]
			want[q] = float64(in.Tone[q]) + max(-lim.Tone, min(lim.Brighten, float64(move[q])))
		}
		var g Grade
		g.toneCurve(in, target, lim)
		best, bestCost := ToneCurve{}, math.Inf(1)
		for e := -lim.Exposure; e <= lim.Exposure/2+1e-9; e += 0.125 {
			for ct := lim.MinContrast; ct <= lim.MaxContrast+1e-9; ct += 0.05 {
				for b := 0.0; b <= lim.Black+1e-9; b += 2 {
					for w := 100 - lim.Dim; w <= 100+1e-9; w += 2 {
						c := ToneCurve{e, ct, b, w}
						var cost float64
						for q := range ToneKnots {
							d := c.At(float64(in.Tone[q])) - want[q]
							cost += toneWeight[q] * d * d
						}
						cost += 0.5 * (e*e*25 + (ct-1)*(ct-1)*400)
						if cost < bestCost {
							best, bestCost = c, cost
						}
					}
				}
			}
		}
		if g.Curve != best {
			t.Errorf("toward %v: the fit chose %+v, the grid's best is %+v", move, g.Curve, best)
		}
	}
}

// TestGradeMovesTowardTarget grades a photo toward lights that differ in
// one respect each and checks that respect moved, the right way.
func TestGradeMovesTowardTarget(t *testing.T) {
	photo := assettest.Photo(t, "inputs/kodim08.jpg")
	w, h := imaging.Fit(photo.W, photo.H, 256)
	photo = imaging.Resize(photo, w, h)
	in, err := Describe(photo)
	if err != nil {
		t.Fatal(err)
	}
	l0, _, _ := labMean(photo, nil)

	darker := in
	for q := range darker.Tone {
		darker.Tone[q] *= 0.5
	}
	g, err := NewGrade(photo, darker, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	out, err := g.Apply(photo)
	if err != nil {
		t.Fatal(err)
	}
	if l1, _, _ := labMean(out, nil); l1 > l0-10 {
		t.Errorf("toward a darker light: mean L* %.1f → %.1f", l0, l1)
	}

	warmer := in
	for k := range warmer.Tint {
		warmer.Tint[k][0] += 0.2 * float32(locus[0])
		warmer.Tint[k][1] += 0.2 * float32(locus[1])
	}
	g, _ = NewGrade(photo, warmer, DefaultLimits)
	out, _ = g.Apply(photo)
	// The near-neutral pixels warm, all alike.
	neutral := func(i int) bool {
		n := photo.W * photo.H
		_, a, b := imaging.SRGBToLab(float64(photo.Pix[i]), float64(photo.Pix[n+i]), float64(photo.Pix[2*n+i]))
		return math.Hypot(a, b) < 5
	}
	_, a0, b0 := labMean(photo, neutral)
	_, a1, b1 := labMean(out, neutral)
	if b1-b0 < 4 || math.Abs(a1-a0) > b1-b0 {
		t.Errorf("toward a warmer light: neutrals' a*, b* %.1f, %.1f → %.1f, %.1f; want warmer (b* up, mostly)", a0, b0, a1, b1)
	}

	// Toward the light of the same scene seen through mist (a third of
	// it a bright grey): the mist's floor and black are reached.
	misty := photo.Clone()
	for i, v := range misty.Pix {
		misty.Pix[i] = 0.67*v + 0.33*0.8
	}
	hazy, _ := Describe(misty)
	g, _ = NewGrade(photo, hazy, DefaultLimits)
	out, _ = g.Apply(photo)
	after, _ := Describe(out)
	if g.Haze <= 0 || math.Abs(float64(after.Haze-hazy.Haze)) > 0.05 || math.Abs(float64(after.Tone[0]-hazy.Tone[0])) > 5 {
		t.Errorf("toward a hazier light: haze %.2f laid, floor %.3f → %.3f (mist's %.3f), black %.1f → %.1f (mist's %.1f)",
			g.Haze, in.Haze, after.Haze, hazy.Haze, in.Tone[0], after.Tone[0], hazy.Tone[0])
	}

	same, _ := NewGrade(photo, in, DefaultLimits)
	out, _ = same.Apply(photo)
	if d := meanAbsDiff(out, photo); d > 0.02 {
		t.Errorf("toward its own light the photo changed by %.4f on average", d)
	}
}

func meanAbsDiff(a, b *imaging.RGB) float64 {
	var s float64
	for i, v := range a.Pix {
		s += math.Abs(float64(v - b.Pix[i]))
	}
	return s / float64(len(a.Pix))
}

// hueWheel returns a 64×48 picture of every hue at chroma c across, and
// L* from 30 to 77 down.
func hueWheel(c float64) *imaging.RGB {
	return labPicture(64, 48, func(x, y int) (float64, float64, float64) {
		h := float64(x) / 64 * 2 * math.Pi
		return 30 + float64(y), c * math.Cos(h), c * math.Sin(h)
	})
}

// TestGradeKeepsHues: however far the target's light, a grade turns a
// colour's hue no further than the light's colour can within its limit.
func TestGradeKeepsHues(t *testing.T) {
	photo := hueWheel(40)
	in, _ := Describe(photo)
	far := in
	for k := range far.Tint {
		far.Tint[k] = [2]float32{-2, 2} // an impossible blue
	}
	g, err := NewGrade(photo, far, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := g.Apply(photo)
	n := photo.W * photo.H
	worst := 0.0
	for i := range n {
		_, a0, b0 := imaging.SRGBToLab(float64(photo.Pix[i]), float64(photo.Pix[n+i]), float64(photo.Pix[2*n+i]))
		_, a1, b1 := imaging.SRGBToLab(float64(out.Pix[i]), float64(out.Pix[n+i]), float64(out.Pix[2*n+i]))
		d := math.Abs(math.Atan2(b1, a1) - math.Atan2(b0, a0))
		if d > math.Pi {
			d = 2*math.Pi - d
		}
		worst = max(worst, d*180/math.Pi)
	}
	if worst > 60 {
		t.Errorf("a hue turned by %.0f°", worst)
	}
}

func TestGuard(t *testing.T) {
	g := DefaultGuard
	skinHue := 50 * math.Pi / 180
	// Skin (hue 50°, chroma 25) may turn only SkinTurn.
	a, b := g.colour(60, 25*math.Cos(skinHue), 25*math.Sin(skinHue), 25*math.Cos(skinHue+0.8), 25*math.Sin(skinHue+0.8))
	if turn := math.Atan2(b, a) - skinHue; math.Abs(turn*180/math.Pi-g.SkinTurn) > 1 {
		t.Errorf("skin turned %.1f°, want held at %.0f°", turn*180/math.Pi, g.SkinTurn)
	}
	// So may dark skin in shadow (L* 18, chroma 12), and it keeps half its
	// chroma when a mood greys everything else.
	a, b = g.colour(18, 12*math.Cos(skinHue), 12*math.Sin(skinHue), 12*math.Cos(skinHue+0.8), 12*math.Sin(skinHue+0.8))
	if turn := math.Atan2(b, a) - skinHue; math.Abs(turn*180/math.Pi-g.SkinTurn) > 1 {
		t.Errorf("dark skin turned %.1f°, want held at %.0f°", turn*180/math.Pi, g.SkinTurn)
	}
	a, b = g.colour(18, 12*math.Cos(skinHue), 12*math.Sin(skinHue), 2*math.Cos(skinHue), 2*math.Sin(skinHue))
	if c := math.Hypot(a, b); c < 12*g.SkinMinChroma-0.5 {
		t.Errorf("dark skin greyed to chroma %.1f, want at least %.1f", c, 12*g.SkinMinChroma)
	}
	// A grey may take a tint but not a colour.
	a, b = g.colour(70, 1, 1, 30, 10)
	if c := math.Hypot(a, b); math.Abs(c-g.NeutralMax) > 1e-9 {
		t.Errorf("grey made chroma %.1f, want held at %.0f", c, g.NeutralMax)
	}
	// A vivid yellow faded to nearly white stays yellow.
	a, b = g.colour(80, 0, 70, 0, 5)
	if c := math.Hypot(a, b); c < g.VividKeep*70-1e-9 {
		t.Errorf("yellow faded to chroma %.1f, want at least %.1f", c, g.VividKeep*70)
	}
	// A blue sky turned green is turned back to within MaxTurn.
	h0 := 270 * math.Pi / 180
	a, b = g.colour(70, 30*math.Cos(h0), 30*math.Sin(h0), 30*math.Cos(h0-1.2), 30*math.Sin(h0-1.2))
	turn := math.Atan2(b, a) - h0
	for turn < -math.Pi {
		turn += 2 * math.Pi
	}
	if math.Abs(math.Abs(turn)*180/math.Pi-g.MaxTurn) > 1 {
		t.Errorf("sky turned %.1f°, want held at %.0f°", turn*180/math.Pi, g.MaxTurn)
	}
	// A look within every bound is the guard's result, pixel for pixel.
	in := labPicture(32, 24, func(x, y int) (float64, float64, float64) {
		h := float64(x) / 32 * 2 * math.Pi
		return 40 + float64(y), 15 * math.Cos(h), 15 * math.Sin(h)
	})
	tinted := labPicture(32, 24, func(x, y int) (float64, float64, float64) {
		h := float64(x)/32*2*math.Pi + 0.1
		return 42 + float64(y), 16 * math.Cos(h), 16 * math.Sin(h)
	})
	if res, err := g.Apply(in, tinted); err != nil {
		t.Fatal(err)
	} else if d := meanAbsDiff(res, tinted); d != 0 {
		t.Errorf("a look within the bounds guarded %.3g away from itself", d)
	}
	// A look that fades every colour alike to a tenth fades skin with
	// them, one that fades them to Faded or less far, or skin alone,
	// is held at SkinMinChroma.
	people := labPicture(32, 24, func(x, y int) (float64, float64, float64) {
		if x < 8 {
			return 60, 25 * math.Cos(skinHue), 25 * math.Sin(skinHue) // skin
		}
		h := float64(x) / 32 * 2 * math.Pi
		return 50, 40 * math.Cos(h), 40 * math.Sin(h)
	})
	for _, c := range []struct {
		rest, want float64 // the look's share of chroma, skin's after the guard
	}{{0.1, g.SkinMinChroma * 0.1 / g.Faded}, {g.Faded, g.SkinMinChroma}, {1, g.SkinMinChroma}} {
		faded := labPicture(32, 24, func(x, y int) (float64, float64, float64) {
			if x < 8 {
				return 60, 2.5 * math.Cos(skinHue), 2.5 * math.Sin(skinHue)
			}
			h := float64(x) / 32 * 2 * math.Pi
			return 50, 40 * c.rest * math.Cos(h), 40 * c.rest * math.Sin(h)
		})
		res, err := g.Apply(people, faded)
		if err != nil {
			t.Fatal(err)
		}
		_, a, b := labMean(res, func(i int) bool { return i%32 < 8 })
		if got := math.Hypot(a, b) / 25; math.Abs(got-c.want) > 0.03 {
			t.Errorf("the rest faded to %.0f%%: skin kept %.3f of its chroma, want %.3f", 100*c.rest, got, c.want)
		}
	}
	// Apply refuses pictures of two sizes.
	if _, err := g.Apply(imaging.NewRGB(4, 4), imaging.NewRGB(4, 5)); err == nil {
		t.Error("pictures of two sizes were guarded")
	}
}

// TestGradeFadesAlike: toward a colourless light a grade fades the photo
// further than MinChroma, down to Fade, and there every family of hues
// alike; toward a pale one no family drops below MinChroma.
func TestGradeFadesAlike(t *testing.T) {
	photo := hueWheel(45)
	in, _ := Describe(photo)
	lim := DefaultLimits
	for _, c := range []struct {
		share    float32 // of the photo's chroma the target holds
		min, max float64 // bounds of every family's gain
	}{
		{0, lim.Fade, lim.Fade},
		{0.5, lim.MinChroma, 1},
	} {
		target := in
		for k := range target.Hue {
			target.Hue[k] *= c.share
		}
		g, err := NewGrade(photo, target, lim)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range g.Chroma {
			if float64(v) < c.min-1e-6 || float64(v) > c.max+1e-6 {
				t.Errorf("target with %.0f%% of the chroma: family %d's gain %.3f, want within [%.3f, %.3f]", 100*c.share, k, v, c.min, c.max)
			}
		}
	}
}

// TestGradeFlatPhotoOneTint: a flat photo — a grey fog over a dark strip
// of trees, the fog within 4 L* — given a light whose highlights alone are
// warm takes one tint across the fog, not a warm patch where it is
// brightest.
func TestGradeFlatPhotoOneTint(t *testing.T) {
	const w, h = 64, 64
	photo := labPicture(w, h, func(x, y int) (float64, float64, float64) {
		if y < 48 {
			return 94 + 4*float64(x)/(w-1), 0, 0 // the fog, brightest on the right
		}
		return 20 + 10*float64(x)/(w-1), 0, 0 // the trees
	})
	in, err := Describe(photo)
	if err != nil {
		t.Fatal(err)
	}
	target := in
	target.Tint[ToneBands-1][0] += 0.3 * float32(locus[0])
	target.Tint[ToneBands-1][1] += 0.3 * float32(locus[1])
	g, err := NewGrade(photo, target, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	out, err := g.Apply(photo)
	if err != nil {
		t.Fatal(err)
	}
	column := func(x0, x1 int) func(i int) bool {
		return func(i int) bool { return i/w < 48 && i%w >= x0 && i%w < x1 }
	}
	_, aL, bL := labMean(out, column(0, 8))
	_, aR, bR := labMean(out, column(w-8, w))
	// Before the quantiles were drawn apart: ΔE 5.5.
	if d := math.Hypot(aR-aL, bR-bL); d > 3.5 {
		t.Errorf("the fog's tint: a* %.1f b* %.1f where dimmest, a* %.1f b* %.1f where brightest (ΔE %.1f), want one tint", aL, bL, aR, bR, d)
	}
}
