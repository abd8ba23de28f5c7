package look

import (
	"math"
	"testing"

	"sentiment/imaging"
)

// warmScene is scene recoloured warmer, brighter and with less spread,
// still well inside the sRGB gamut.
func warmScene(u, v float64) (r, g, b float64) {
	r, g, b = scene(u*0.8+0.1, v)
	return 0.45 + 0.6*(r-0.5) + 0.1, 0.45 + 0.6*(g-0.5) + 0.03, 0.45 + 0.6*(b-0.5) - 0.05
}

func TestStatsOfKnownImage(t *testing.T) {
	// Half white, half black: L* is 100 or 0, a* = b* = 0.
	m := synth(10, 4, func(u, v float64) (float64, float64, float64) {
		if u < 0.5 {
			return 1, 1, 1
		}
		return 0, 0, 0
	})
	s, err := StatsOf(m)
	if err != nil {
		t.Fatal(err)
	}
	want := LabStats{Mean: [3]float64{50, 0, 0}, Std: [3]float64{50, 0, 0}}
	for c := range 3 {
		if math.Abs(s.Mean[c]-want.Mean[c]) > 1e-4 || math.Abs(s.Std[c]-want.Std[c]) > 1e-4 {
			t.Fatalf("stats %+v, want %+v", s, want)
		}
	}
	if _, err := StatsOf(&imaging.RGB{W: 2, H: 2}); err == nil {
		t.Error("StatsOf accepted an empty buffer")
	}
}

func TestReinhardMatchesReferenceStats(t *testing.T) {
	in := synth(200, 150, scene)
	ref := synth(160, 120, warmScene)
	out, err := Reinhard(in, ref)
	if err != nil {
		t.Fatal(err)
	}
	so, _ := StatsOf(out)
	sr, _ := StatsOf(ref)
	for c := range 3 {
		// float32 storage of the Lab and RGB samples is the only loss.
		if math.Abs(so.Mean[c]-sr.Mean[c]) > 0.02 || math.Abs(so.Std[c]-sr.Std[c]) > 0.02 {
			t.Errorf("channel %d: output mean %.3f std %.3f, reference %.3f %.3f", c, so.Mean[c], so.Std[c], sr.Mean[c], sr.Std[c])
		}
	}
	// The mapping is per channel and monotonic: the brightest input pixel
	// is the brightest output pixel.
	if argmaxL(in) != argmaxL(out) {
		t.Error("the brightest pixel moved")
	}
}

func argmaxL(m *imaging.RGB) int {
	lab, _ := imaging.ToLab(m)
	best, bi := -1.0, -1
	for i, v := range lab.Plane(0) {
		if float64(v) > best {
			best, bi = float64(v), i
		}
	}
	return bi
}

func TestReinhardToItself(t *testing.T) {
	in := synth(64, 48, scene)
	out, err := Reinhard(in, in)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxDiff(out, in); d > 1e-4 {
		t.Errorf("transfer onto itself changed samples by up to %g", d)
	}
}

// A grey input has no a*/b* spread to scale: only the means move, and
// nothing becomes NaN.
func TestReinhardFlatChannels(t *testing.T) {
	in := synth(32, 32, func(u, v float64) (float64, float64, float64) { return u, u, u })
	ref := synth(32, 32, warmScene)
	out, err := Reinhard(in, ref)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range out.Pix {
		if !(v >= 0 && v <= 1) {
			t.Fatalf("sample %d = %g", i, v)
		}
	}
	so, _ := StatsOf(out)
	sr, _ := StatsOf(ref)
	for c := 1; c < 3; c++ {
		if math.Abs(so.Mean[c]-sr.Mean[c]) > 0.5 || so.Std[c] > 0.5 {
			t.Errorf("channel %d: mean %.3f std %.3f, want mean %.3f and no spread", c, so.Mean[c], so.Std[c], sr.Mean[c])
		}
	}
}

func TestReinhardBadInput(t *testing.T) {
	good := imaging.NewRGB(4, 4)
	if _, err := Reinhard(&imaging.RGB{W: 4, H: 4}, good); err == nil {
		t.Error("accepted an empty input")
	}
	if _, err := Reinhard(good, &imaging.RGB{W: -1, H: 4}); err == nil {
		t.Error("accepted a bad reference")
	}
}
