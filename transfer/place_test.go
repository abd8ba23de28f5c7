package transfer

import (
	"math"
	"testing"

	"sentiment/imaging"
)

// TestLit: a region lit more brightens its lights most and keeps its
// blacks black; its mean takes the whole change, and its colour shift goes
// with lightness.
func TestLit(t *testing.T) {
	ls := []float32{0, 10, 40, 80}
	lab := imaging.NewLab(len(ls), 1)
	copy(lab.Plane(0), ls)
	m, err := lab.ToRGB()
	if err != nil {
		t.Fatal(err)
	}
	// One cell, of mean L* 40, lit +10 L* and shifted +6 a*.
	out, err := lit(m, [3][]float32{{10}, {6}, {0}}, []float32{40}, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := imaging.ToLab(out)
	if err != nil {
		t.Fatal(err)
	}
	l, a := got.Plane(0), got.Plane(1)
	if l[0] > 0.5 {
		t.Errorf("black → L* %.2f, want black", l[0])
	}
	if math.Abs(float64(l[2]-50)) > 0.5 {
		t.Errorf("the region's mean, L* 40 → %.2f, want 50", l[2])
	}
	if d := l[1] - 10; d < 2 || d > 6 {
		t.Errorf("a shadow, L* 10 → %.2f, want lifted less than the mean (by 2–6)", l[1])
	}
	if d := l[3] - 80; d < 12 {
		t.Errorf("a light, L* 80 → %.2f, want lifted more than the mean", l[3])
	}
	if math.Abs(float64(a[1]-1.5)) > 0.5 || math.Abs(float64(a[2]-6)) > 0.5 {
		t.Errorf("a* shift %.2f at L* 10 and %.2f at the mean, want 1.5 and 6", a[1], a[2])
	}
}
