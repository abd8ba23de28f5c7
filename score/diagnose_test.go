package score

import (
	"math"
	"testing"

	"sentiment/imaging"
)

// labImage returns a w×h picture whose pixels are the given CIELAB colour,
// the left half lab0 and the right half lab1.
func labImage(w, h int, lab0, lab1 [3]float64) *imaging.RGB {
	m := imaging.NewRGB(w, h)
	n := w * h
	for i := range n {
		c := lab0
		if i%w >= w/2 {
			c = lab1
		}
		r, g, b := imaging.LabToSRGB(c[0], c[1], c[2])
		m.Pix[i], m.Pix[n+i], m.Pix[2*n+i] = float32(r), float32(g), float32(b)
	}
	return m
}

func TestDiagnoseNeutralCast(t *testing.T) {
	grey := labImage(40, 30, [3]float64{70, 0, 0}, [3]float64{70, 0, 0})
	pink := labImage(40, 30, [3]float64{70, 25, 5}, [3]float64{70, 25, 5})
	d, err := Diagnose(grey, pink, Looks{})
	if err != nil {
		t.Fatal(err)
	}
	if d.NeutralCast != 1 || math.Abs(d.NeutralHue-1) > 1e-3 {
		t.Errorf("grey made pink: cast %.3f, one hue %.3f; want 1 and 1", d.NeutralCast, d.NeutralHue)
	}
	two := labImage(40, 30, [3]float64{70, 25, 0}, [3]float64{70, -25, 0})
	d, _ = Diagnose(grey, two, Looks{})
	if d.NeutralCast != 1 || d.NeutralHue > 0.05 {
		t.Errorf("grey made pink and green: cast %.3f, one hue %.3f; want 1 and near 0", d.NeutralCast, d.NeutralHue)
	}
	tint := labImage(40, 30, [3]float64{70, 2, 8}, [3]float64{70, 2, 8})
	d, _ = Diagnose(grey, tint, Looks{})
	if d.NeutralCast != 0 || d.NeutralChroma < 8 || d.NeutralChroma > 8.5 {
		t.Errorf("grey warmed a little: cast %.3f, chroma %.2f; want 0 and 8.2", d.NeutralCast, d.NeutralChroma)
	}
}

func TestDiagnoseHueTurns(t *testing.T) {
	in := labImage(40, 30, [3]float64{60, 40, 40}, [3]float64{60, 0, 40})
	// The left half turns 90° (orange to violet), the right 20°.
	out := labImage(40, 30, [3]float64{60, 40, -40}, [3]float64{60, -13.7, 37.6})
	d, err := Diagnose(in, out, Looks{})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(d.HueTurns-0.5) > 1e-9 {
		t.Errorf("hue turns %.3f, want 0.5 (one half turned 90°, the other 20°)", d.HueTurns)
	}
}

func TestDiagnoseToneAndDirection(t *testing.T) {
	in := labImage(64, 48, [3]float64{40, 5, 10}, [3]float64{80, 5, 10})
	out := labImage(64, 48, [3]float64{30, 5, 10}, [3]float64{60, 5, 10})
	dark := Looks{-10, -8, -12, -4, 0, 0, 0}
	d, err := Diagnose(in, out, dark)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(d.DeltaL+15) > 0.5 || math.Abs(d.DeltaP5+10) > 0.5 || math.Abs(d.DeltaP95+20) > 0.5 || math.Abs(d.DeltaContrast+5) > 0.5 {
		t.Errorf("tone: ΔL %.2f, Δp5 %.2f, Δp95 %.2f, Δcontrast %.2f; want −15, −10, −20, −5", d.DeltaL, d.DeltaP5, d.DeltaP95, d.DeltaContrast)
	}
	if d.Direction < 0.9 {
		t.Errorf("darkening toward a dark mood: direction %.3f, want near 1", d.Direction)
	}
	bright := Looks{10, 8, 12, 4, 0, 0, 0}
	if d, _ := Diagnose(in, out, bright); d.Direction > -0.9 {
		t.Errorf("darkening toward a bright mood: direction %.3f, want near −1", d.Direction)
	}
	if d.Structure < 0.99 {
		t.Errorf("a change of tone alone: structure %.3f, want 1", d.Structure)
	}
}

func TestSignature(t *testing.T) {
	mood := []Looks{{30}, {40}}
	all := []Looks{{30}, {40}, {80}, {90}}
	s, err := Signature(mood, all)
	if err != nil || s[0] != -25 {
		t.Errorf("signature %v, %v; want −25 on L*", s, err)
	}
	if _, err := Signature(nil, all); err == nil {
		t.Error("a signature of no references")
	}
}
