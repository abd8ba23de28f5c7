package ssim

import (
	"math"
	"math/rand"
	"testing"
)

// TestTerms checks the three factors on changes whose effect on each is
// known: a change of brightness leaves contrast and structure whole, a
// change of contrast leaves structure whole, an inverted pattern has
// structure −1, and noise lowers structure; the factors of identical
// planes are all 1.
func TestTerms(t *testing.T) {
	const w, h = 48, 40
	r := rand.New(rand.NewSource(1))
	a := make([]float32, w*h)
	for i := range a {
		x, y := float64(i%w), float64(i/w)
		a[i] = float32(0.5 + 0.3*math.Sin(x/3)*math.Cos(y/4) + 0.05*r.Float64())
	}
	c, err := NewComparer(a, w, h, 1)
	if err != nil {
		t.Fatal(err)
	}
	shift, scale, inv, noisy := make([]float32, len(a)), make([]float32, len(a)), make([]float32, len(a)), make([]float32, len(a))
	for i, v := range a {
		shift[i] = v - 0.2
		scale[i] = 0.5 + (v-0.5)*0.4
		inv[i] = 1 - v
		noisy[i] = v + float32(0.3*r.NormFloat64())
	}
	near := func(got, want, tol float64) bool { return math.Abs(got-want) <= tol }
	same, _ := c.Terms(a)
	if !near(same.Luminance, 1, 1e-9) || !near(same.Contrast, 1, 1e-9) || !near(same.Structure, 1, 1e-9) {
		t.Errorf("identical planes: %+v, want all 1", same)
	}
	s, _ := c.Terms(shift)
	idx, _ := c.Index(shift)
	if !near(s.Structure, 1, 1e-9) || !near(s.Contrast, 1, 1e-9) || s.Luminance >= 0.99 || idx >= 0.99 {
		t.Errorf("darker: %+v (SSIM %.4f), want structure and contrast 1, luminance and SSIM below", s, idx)
	}
	sc, _ := c.Terms(scale)
	if !near(sc.Structure, 1, 1e-6) || sc.Contrast >= 0.95 {
		t.Errorf("flatter: %+v, want structure 1, contrast below", sc)
	}
	iv, _ := c.Terms(inv)
	if iv.Structure > -0.8 {
		t.Errorf("inverted: structure %.4f, want near −1", iv.Structure)
	}
	n, _ := c.Terms(noisy)
	if n.Structure >= 0.8 {
		t.Errorf("noisy: structure %.4f, want well below 1", n.Structure)
	}
	if _, err := c.Terms(a[:10]); err == nil {
		t.Error("a plane of the wrong size was compared")
	}
}
