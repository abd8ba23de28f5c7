package look

import (
	"math"
	"testing"

	"sentiment/imaging"
	"sentiment/internal/assettest"
)

// labPicture returns a w×h picture of the CIELAB colour f(x, y) gives.
func labPicture(w, h int, f func(x, y int) (l, a, b float64)) *imaging.RGB {
	m := imaging.NewRGB(w, h)
	n := w * h
	for i := range n {
		r, g, b := imaging.LabToSRGB(f(i%w, i/w))
		m.Pix[i], m.Pix[n+i], m.Pix[2*n+i] = float32(r), float32(g), float32(b)
	}
	return m
}

func TestDescribeGrey(t *testing.T) {
	m := labPicture(64, 48, func(x, y int) (float64, float64, float64) { return 60, 0, 0 })
	l, err := Describe(m)
	if err != nil {
		t.Fatal(err)
	}
	for q, v := range l.Tone {
		if math.Abs(float64(v)-60) > 0.5 {
			t.Errorf("tone quantile %d: %.2f, want 60", q, v)
		}
	}
	for k, tint := range l.Tint {
		if math.Abs(float64(tint[0])) > 0.01 || math.Abs(float64(tint[1])) > 0.01 {
			t.Errorf("band %d tint %v, want none", k, tint)
		}
	}
	if l.Chroma() > 0.1 || l.Detail > 0.01 {
		t.Errorf("chroma %.3f, detail %.3f; want 0", l.Chroma(), l.Detail)
	}
	r, _, _ := imaging.LabToSRGB(60, 0, 0)
	if math.Abs(float64(l.Haze)-r) > 0.01 {
		t.Errorf("haze %.3f, want the grey's level %.3f", l.Haze, r)
	}
}

// TestDescribeSeparatesLightFromContent gives one scene two lights and
// one content colour: the tint follows the light, and a green leaf's
// colour, far from the daylight locus, does not become the light's.
func TestDescribeSeparatesLightFromContent(t *testing.T) {
	// Grey surfaces of every lightness under a light of the given
	// warmth (linear-RGB gains along the locus), and, if leaf, a green
	// leaf over the darker half.
	scene := func(warm float64, leaf bool) *imaging.RGB {
		m := imaging.NewRGB(64, 48)
		n := 64 * 48
		for i := range n {
			x := i % 64
			y := 0.03 + 0.9*float64(x)/63
			r, g, b := y*math.Exp(0.15*warm), y, y*math.Exp(-0.22*warm)
			if leaf && x < 32 {
				r, g, b = 0.3*y, 1.4*y, 0.2*y
			}
			m.Pix[i] = float32(imaging.LinearToSRGB(min(1, r)))
			m.Pix[n+i] = float32(imaging.LinearToSRGB(min(1, g)))
			m.Pix[2*n+i] = float32(imaging.LinearToSRGB(min(1, b)))
		}
		return m
	}
	cool, err := Describe(scene(-1, false))
	if err != nil {
		t.Fatal(err)
	}
	warm, _ := Describe(scene(1, false))
	for k := range ToneBands {
		// Warmer light: more red, less blue, along the locus.
		dr := float64(warm.Tint[k][0] - cool.Tint[k][0])
		db := float64(warm.Tint[k][1] - cool.Tint[k][1])
		if along := dr*locus[0] + db*locus[1]; along < 0.15 {
			t.Errorf("band %d: warm light %.3f along the locus from cool, want clearly warmer", k, along)
		}
	}
	leafy, _ := Describe(scene(1, true))
	for k := range ToneBands {
		d := math.Hypot(float64(leafy.Tint[k][0]-warm.Tint[k][0]), float64(leafy.Tint[k][1]-warm.Tint[k][1]))
		if d > 0.08 {
			t.Errorf("band %d: half the picture green moved the light's tint by %.3f", k, d)
		}
	}
	// The leaf is content: it shows in the hues, in the green sector.
	green := leafy.Hue[sectorIndex(math.Atan2(40, -45))]
	if green < 10 {
		t.Errorf("the green sector holds %.2f of chroma, want the leaf's", green)
	}
}

func sectorIndex(h float64) int {
	k0, k1, t := sectorOf(h)
	if t > 0.5 {
		return k1
	}
	return k0
}

func TestLightBinary(t *testing.T) {
	m := assettest.Photo(t, "inputs/kodim13.jpg")
	l, err := Describe(m)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := l.AppendBinary(nil)
	if len(b) != LightBytes {
		t.Fatalf("%d bytes, want %d", len(b), LightBytes)
	}
	var back Light
	if err := back.UnmarshalBinary(b); err != nil || back != l {
		t.Errorf("round trip: %v, %+v against %+v", err, back, l)
	}
	b[3] = 0x7f // the first number's exponent all ones: not finite
	b[2] = 0xc0
	if err := back.UnmarshalBinary(b); err == nil {
		t.Error("a NaN was read")
	}
	if err := back.UnmarshalBinary(b[1:]); err == nil {
		t.Error("a short light was read")
	}
}

// TestNewMoodTypical: an unusual reference among alike ones moves the
// mood far less than a plain mean would, and the spread says which
// traits the references agree on.
func TestNewMoodTypical(t *testing.T) {
	var ls []WeightedLight
	for i := range 6 {
		var l Light
		for q := range l.Tone {
			l.Tone[q] = float32(10*q + i) // all much alike in tone
		}
		l.Tint[1] = [2]float32{0.3, -0.45} // all warm
		l.Haze = float32(i) * 0.1          // haze all over the place
		ls = append(ls, WeightedLight{Light: l, Weight: 1})
	}
	odd := ls[0].Light
	odd.Tint[1] = [2]float32{-0.5, 0.75} // one blue one
	ls = append(ls, WeightedLight{Light: odd, Weight: 1})
	m, err := NewMood(ls)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := Mean(ls)
	if d := m.Light.Tint[1][0] - 0.3; math.Abs(float64(d)) > 0.5*math.Abs(float64(plain.Tint[1][0]-0.3)) {
		t.Errorf("the odd reference moved the tint to %.3f (plain mean %.3f), want near 0.3", m.Light.Tint[1][0], plain.Tint[1][0])
	}
	if m.Spread.Haze < 0.1 || m.Spread.Tone[3] > 2.5 {
		t.Errorf("spreads: haze %.3f, tone %.3f; want the haze wide and the tone narrow", m.Spread.Haze, m.Spread.Tone[3])
	}
	// Target: the tint the references agree on is taken; the haze they
	// disagree on is left as the photo has it.
	var base, in Light
	in.Haze = 0.05
	// Well within the references' spread: a quarter of the difference
	// from which a trait starts to count (half of Agree, in spreads).
	base.Haze = m.Light.Haze + float32(0.25*DefaultSettings.Agree/2)*m.Spread.Haze
	got, err := Target(in, m, base, DefaultSettings)
	if err != nil {
		t.Fatal(err)
	}
	if got.Tint[1][0] < 0.2 {
		t.Errorf("target tint %.3f, want toward the mood's warm 0.3", got.Tint[1][0])
	}
	if got.Haze != in.Haze {
		t.Errorf("target haze %.3f, want the photo's own %.3f (the references disagree)", got.Haze, in.Haze)
	}
	if _, err := Target(in, m, base, Settings{Absolute: Traits{Tone: math.NaN()}, Agree: 1, MaxSalience: 1}); err == nil {
		t.Error("NaN settings were taken")
	}
}

// TestTargetHazeIsAir: a mood's extra haze is laid on a photo only when
// its references are softer too, as air makes them; hazier references that
// are as crisp as any (snowfields) leave the photo's dark floor alone.
func TestTargetHazeIsAir(t *testing.T) {
	var base, in Light
	base.Haze, base.Detail = 0.2, 6
	in.Haze, in.Detail = 0.05, 6
	for _, c := range []struct {
		name   string
		detail float32
		hazed  bool
	}{
		{"crisp references", 6.5, false},
		{"references as crisp as the collection", 6, false},
		{"soft references", 4, true},
	} {
		m := Mood{Light: base}
		m.Light.Haze, m.Light.Detail = 0.4, c.detail
		m.Spread.Haze = 0.02
		got, err := Target(in, m, base, DefaultSettings)
		if err != nil {
			t.Fatal(err)
		}
		if hazed := got.Haze > in.Haze+0.05; hazed != c.hazed {
			t.Errorf("%s: target haze %.3f from %.3f, want hazed %v", c.name, got.Haze, in.Haze, c.hazed)
		}
	}
	// Taking haze away (a clear mood) does not need softness.
	m := Mood{Light: base}
	m.Light.Haze, m.Light.Detail = 0.05, 7
	in.Haze = 0.3
	got, err := Target(in, m, base, DefaultSettings)
	if err != nil {
		t.Fatal(err)
	}
	if got.Haze > 0.25 {
		t.Errorf("clear mood: target haze %.3f from %.3f, want it lowered", got.Haze, in.Haze)
	}
}

func TestMeanRefusesNoWeight(t *testing.T) {
	if _, err := Mean(nil); err == nil {
		t.Error("the mean of nothing")
	}
	if _, err := Mean([]WeightedLight{{Weight: -1}}); err == nil {
		t.Error("a negative weight")
	}
}

// TestDescribeTiny: a picture smaller than the haze's grid of cells (a
// 16-px reference) reads its haze from its own pixels: black has no
// haze, a mid grey its level. Cells with no pixel once read as white.
func TestDescribeTiny(t *testing.T) {
	for _, c := range []struct {
		w, h int
		v    float32
	}{{16, 16, 0}, {16, 16, 0.4}, {20, 3, 0}, {2, 2, 0.25}, {1, 1, 0}} {
		m := imaging.NewRGB(c.w, c.h)
		for i := range m.Pix {
			m.Pix[i] = c.v
		}
		l, err := Describe(m)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(float64(l.Haze-c.v)) > 1e-6 {
			t.Errorf("%d×%d picture of %.2f: haze %.3f", c.w, c.h, c.v, l.Haze)
		}
		g := &Grade{Haze: 0.3, Air: [3]float32{airLevel, airLevel, airLevel}}
		hazed := g.hazeImage(m)
		if want := (1-0.3*hazeNear)*c.v + 0.3*hazeNear*airLevel; c.v == 0 && math.Abs(float64(hazed.Pix[0])-float64(want)) > 1e-6 {
			t.Errorf("%d×%d black picture hazed to %.3f, want %.3f (nearest: its darkest is black)", c.w, c.h, hazed.Pix[0], want)
		}
	}
}

// TestDescribeRefusesNonFinite: a sample that is not a number is refused
// with a message, not described as a light of NaNs (which an index would
// write and then refuse to read) nor graded into a picture of them.
func TestDescribeRefusesNonFinite(t *testing.T) {
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		m := imaging.NewRGB(32, 24)
		for i := range m.Pix {
			m.Pix[i] = 0.5
		}
		m.Pix[len(m.Pix)-5] = float32(v)
		if l, err := Describe(m); err == nil {
			t.Errorf("a sample of %g described as %+v", v, l)
		}
		if _, err := NewGrade(m, Light{}, DefaultLimits); err == nil {
			t.Errorf("a sample of %g graded", v)
		}
	}
}

// TestTargetWholeChroma: how much colour a photo keeps in all follows the
// mood's whole chroma, not the sum of its families' moves: a mood whose
// references hold as much colour as the collection's, none of it orange,
// leaves an orange photo as colourful (its orange less favoured), and a
// mood with half the collection's colour fades it.
func TestTargetWholeChroma(t *testing.T) {
	var base, in Light
	for k := range base.Hue {
		base.Hue[k] = 1.5
	}
	in.Hue[2] = 18 // an orange photo
	sum := func(l Light) (s float64) {
		for _, v := range l.Hue {
			s += float64(v)
		}
		return s
	}
	noOrange := Mood{Light: base}
	noOrange.Light.Hue[1], noOrange.Light.Hue[2], noOrange.Light.Hue[3] = 0, 0, 0
	noOrange.Light.Hue[8], noOrange.Light.Hue[9], noOrange.Light.Hue[10] = 3, 3, 3
	pale := Mood{Light: base}
	for k := range pale.Light.Hue {
		pale.Light.Hue[k] = 0.75
	}
	for _, c := range []struct {
		name     string
		m        Mood
		min, max float64 // of the target's chroma over the photo's
	}{
		{"as colourful, no orange", noOrange, 0.9, 1.1},
		{"half as colourful", pale, 0, 0.7},
	} {
		got, err := Target(in, c.m, base, DefaultSettings)
		if err != nil {
			t.Fatal(err)
		}
		if r := sum(got) / sum(in); r < c.min || r > c.max {
			t.Errorf("%s: the target holds %.2f of the photo's chroma, want within [%.1f, %.1f]", c.name, r, c.min, c.max)
		}
		if c.m.Light.Hue[2] == 0 && got.Hue[2] >= in.Hue[2] {
			t.Errorf("%s: orange not less favoured (%.2f from %.2f)", c.name, got.Hue[2], in.Hue[2])
		}
	}
}
