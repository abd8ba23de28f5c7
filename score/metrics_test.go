package score

import (
	"math"
	"testing"

	"sentiment/imaging"
	"sentiment/internal/assettest"
	"sentiment/look"
)

func TestMovementDefinition(t *testing.T) {
	in := look.LabStats{Mean: [3]float64{50, 0, 10}, Std: [3]float64{20, 5, 8}}
	ref := look.LabStats{Mean: [3]float64{40, 10, 20}, Std: [3]float64{10, 9, 12}}
	lerp := func(f float64) look.LabStats {
		var s look.LabStats
		for c := range 3 {
			s.Mean[c] = in.Mean[c] + f*(ref.Mean[c]-in.Mean[c])
			s.Std[c] = in.Std[c] + f*(ref.Std[c]-in.Std[c])
		}
		return s
	}
	for _, f := range []float64{0, 0.5, 1, 1.25, -0.3} {
		m, ok := Movement(in, lerp(f), ref)
		if !ok || math.Abs(m-f) > 1e-12 {
			t.Errorf("a move of %g of the way: Movement = %g, %v", f, m, ok)
		}
	}
	// A move orthogonal to the reference's direction counts for nothing:
	// d = ref − in = (−10, 10, 10, −10, 4, 4); (1, 1, 0, 0, 0, 0)·d = 0.
	side := in
	side.Mean[0]++
	side.Mean[1]++
	if m, ok := Movement(in, side, ref); !ok || math.Abs(m) > 1e-12 {
		t.Errorf("orthogonal move: Movement = %g, %v", m, ok)
	}
	// A reference with the input's statistics gives no direction.
	near := in
	near.Mean[0] += 0.5
	if m, ok := Movement(in, ref, near); ok || m != 0 {
		t.Errorf("reference within %g of the input: Movement = %g, %v", MinMovementSpan, m, ok)
	}
}

// pattern is a smooth colourful field of the given spread around the given
// level, its channels varying independently, so that every CIELAB
// statistic is defined and within the gamut.
func pattern(w, h int, spread, level float64) *imaging.RGB {
	m := imaging.NewRGB(w, h)
	for y := range h {
		for x := range w {
			u, v := float64(x)/float64(w), float64(y)/float64(h)
			m.Set(x, y, float32(level+0.1+spread*math.Sin(7*u+0.5)*math.Cos(4*v)),
				float32(level+spread*math.Sin(5*(u+v)+1)),
				float32(level-0.1+spread*math.Cos(9*(u-v))))
		}
	}
	return m
}

func TestScoreReinhardAndIdentity(t *testing.T) {
	in := pattern(200, 150, 0.3, 0.5)
	ref := pattern(160, 120, 0.15, 0.6) // warmer, brighter, less spread
	out, err := look.Reinhard(in, ref)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Score(in, out, ref)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Reinhard: %+v", s)
	if !s.MovementOK || math.Abs(s.Movement-1) > 1e-3 {
		t.Errorf("Reinhard's movement = %g, %v; want 1", s.Movement, s.MovementOK)
	}
	if !(s.SSIM > 0.5 && s.SSIM < 1) {
		t.Errorf("Reinhard's SSIM = %g", s.SSIM)
	}
	id, err := Score(in, in, ref)
	if err != nil {
		t.Fatal(err)
	}
	if !id.MovementOK || id.Movement != 0 || math.Abs(id.SSIM-1) > 1e-9 {
		t.Errorf("identity: %+v, want movement 0 and SSIM 1", id)
	}
	if _, err := Score(in, ref, ref); err == nil {
		t.Error("Score accepted an output of another size")
	}
}

// On real photos Reinhard still moves most of the way; colours clamped at
// the gamut's edge fall short (kodim16 toward the bright sunset: 0.83,
// toward the dark and the foggy references: 0.99).
func TestScoreReinhardOnPhotos(t *testing.T) {
	in := assettest.Photo(t, "inputs/kodim16.jpg")
	for _, r := range []string{"refs/deb-sunset.jpg", "refs/kde-darkesthour.jpg", "refs/lxqt-fog.jpg"} {
		ref := assettest.Photo(t, r)
		out, err := look.Reinhard(in, ref)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Score(in, out, ref)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("kodim16 → %s: SSIM %.3f, movement %.3f", r, s.SSIM, s.Movement)
		if !s.MovementOK || s.Movement < 0.8 || s.Movement > 1.01 {
			t.Errorf("%s: movement %g, want about 1", r, s.Movement)
		}
	}
}
