package ssim

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"sentiment/imaging"
)

// lcgBytes mirrors lcg_bytes in testdata/gen_fixtures.py.
func lcgBytes(seed uint32, n int) []float32 {
	out := make([]float32, n)
	s := seed
	for i := range out {
		s = 1664525*s + 1013904223
		out[i] = float32(s >> 24)
	}
	return out
}

// fixtureImages mirrors case_images in testdata/gen_fixtures.py.
func fixtureImages(t *testing.T, name string, w, h int) (a, b []float32) {
	n := w * h
	a, b = make([]float32, n), make([]float32, n)
	each := func(f func(x, y int) (float32, float32)) {
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				a[y*w+x], b[y*w+x] = f(x, y)
			}
		}
	}
	switch name {
	case "noise-pair":
		a, d := lcgBytes(1, n), lcgBytes(2, n)
		for i := range b {
			b[i] = min(255, max(0, a[i]+float32(int(d[i])%61-30)))
		}
		return a, b
	case "pattern":
		each(func(x, y int) (float32, float32) {
			return float32((7*x + 3*y) % 256), float32((7*x + 3*y + (x*y)%17) % 256)
		})
	case "negative":
		a = lcgBytes(3, n)
		for i, v := range a {
			b[i] = 255 - v
		}
	case "identical":
		a = lcgBytes(4, n)
		copy(b, a)
	case "unit-range":
		a = lcgBytes(5, n)
		for i, v := range a {
			a[i] = v / 256
			b[i] = float32(int(v)/8*8) / 256
		}
	case "minimal":
		a, b = lcgBytes(6, n), lcgBytes(7, n)
	case "edges":
		each(func(x, y int) (float32, float32) {
			on := func(c bool) float32 {
				if c {
					return 1
				}
				return 0
			}
			return on(x%13 == 0 || y%11 == 0), on(x%13 == 1 || y%11 == 0)
		})
	case "flat-vs-pattern":
		each(func(x, y int) (float32, float32) { return 128, float32((7*x + 3*y) % 256) })
	case "map":
		a = lcgBytes(8, n)
		for i, v := range a {
			b[i] = float32(int(v)/2 + 64)
		}
	default:
		t.Fatalf("fixture %q has no recipe here", name)
	}
	return a, b
}

type fixture struct {
	Name  string
	W, H  int
	Range float64
	SSIM  float64
	Map   []float64
}

func TestMatchesScikitImage(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "skimage.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fx struct {
		Tool  string
		Cases []fixture
	}
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	if len(fx.Cases) < 9 {
		t.Fatalf("%d fixtures", len(fx.Cases))
	}
	// Means agree to rounding; the map is stored in float32.
	const tol, mapTol = 1e-9, 1e-6
	for _, c := range fx.Cases {
		a, b := fixtureImages(t, c.Name, c.W, c.H)
		got, err := Index(a, b, c.W, c.H, c.Range)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if math.Abs(got-c.SSIM) > tol {
			t.Errorf("%s: SSIM %.9f, %s gives %.9f", c.Name, got, fx.Tool, c.SSIM)
		}
		// Symmetric in its arguments.
		if rev, _ := Index(b, a, c.W, c.H, c.Range); math.Abs(rev-got) > 1e-12 {
			t.Errorf("%s: Index(b, a) = %v, Index(a, b) = %v", c.Name, rev, got)
		}
		if c.Map == nil {
			continue
		}
		m, mw, mh, err := Map(a, b, c.W, c.H, c.Range)
		if err != nil {
			t.Fatal(err)
		}
		if mw != c.W-10 || mh != c.H-10 || len(m) != len(c.Map) {
			t.Fatalf("%s: map %d×%d (%d values), want %d values", c.Name, mw, mh, len(m), len(c.Map))
		}
		for i, v := range c.Map {
			if math.Abs(float64(m[i])-v) > mapTol {
				t.Errorf("%s: map[%d] = %v, want %v", c.Name, i, m[i], v)
			}
		}
	}
}

func TestScaleInvariance(t *testing.T) {
	// The same images in [0, 255] with L = 255 and in [0, 1] with L = 1
	// have the same SSIM: C1 and C2 scale with L².
	a, b := fixtureImages(t, "noise-pair", 32, 24)
	s255, _ := Index(a, b, 32, 24, 255)
	for i := range a {
		a[i] /= 255
		b[i] /= 255
	}
	s1, _ := Index(a, b, 32, 24, 1)
	if math.Abs(s1-s255) > 1e-6 {
		t.Errorf("L=1: %v, L=255: %v", s1, s255)
	}
}

func TestRGB(t *testing.T) {
	a := imaging.NewRGB(20, 16)
	for i := range a.Pix {
		a.Pix[i] = float32(i%7) / 7
	}
	if s, err := RGB(a, a.Clone()); err != nil || math.Abs(s-1) > 1e-12 {
		t.Errorf("same image: %v %v", s, err)
	}
	// Equal to Index on the luma planes.
	b := a.Clone()
	for i := range b.Pix {
		b.Pix[i] = b.Pix[i]*0.8 + 0.1
	}
	got, err := RGB(a, b)
	want, _ := Index(a.Luma(), b.Luma(), 20, 16, 1)
	if err != nil || got != want {
		t.Errorf("RGB = %v (%v), Index of luma = %v", got, err, want)
	}
	if _, err := RGB(a, imaging.NewRGB(16, 20)); !errors.Is(err, ErrSize) {
		t.Errorf("different sizes: %v", err)
	}
}

func TestErrors(t *testing.T) {
	ok := make([]float32, 12*12)
	cases := map[string]func() error{
		"too small":  func() error { _, err := Index(make([]float32, 100), make([]float32, 100), 10, 10, 1); return err },
		"short a":    func() error { _, err := Index(ok[:10], ok, 12, 12, 1); return err },
		"short b":    func() error { _, err := Index(ok, ok[:10], 12, 12, 1); return err },
		"zero range": func() error { _, err := Index(ok, ok, 12, 12, 0); return err },
		"NaN range":  func() error { _, err := Index(ok, ok, 12, 12, math.NaN()); return err },
		"inf range":  func() error { _, err := Index(ok, ok, 12, 12, math.Inf(1)); return err },
		"map too small": func() error {
			_, _, _, err := Map(make([]float32, 100), make([]float32, 100), 10, 10, 1)
			return err
		},
		"NaN sample": func() error {
			b := make([]float32, 144)
			b[70] = float32(math.NaN())
			_, err := Index(ok, b, 12, 12, 1)
			return err
		},
	}
	for name, f := range cases {
		if err := f(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func BenchmarkIndex64(b *testing.B) {
	x, y := lcgBytes(1, 64*64), lcgBytes(2, 64*64)
	c, err := NewComparer(x, 64, 64, 255)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Index(y)
	}
}

// TestIndexBandsMatchMap checks Index, which works in bands, against the
// mean of Map, which filters the whole planes at once, on planes several
// bands tall with a last band of odd height.
func TestIndexBandsMatchMap(t *testing.T) {
	const w, h = 37, 3*bandRows + 17
	a, b := make([]float32, w*h), make([]float32, w*h)
	for i := range a {
		x, y := float64(i%w), float64(i/w)
		a[i] = float32(0.5 + 0.4*math.Sin(x/3+y/7))
		b[i] = float32(0.5 + 0.3*math.Sin(x/4+y/5) + 0.1*math.Cos(x*y/50))
	}
	got, err := Index(a, b, w, h, 1)
	if err != nil {
		t.Fatal(err)
	}
	m, mw, mh, err := Map(a, b, w, h, 1)
	if err != nil {
		t.Fatal(err)
	}
	var want float64
	c, err := NewComparer(a, w, h, 1)
	if err != nil {
		t.Fatal(err)
	}
	if want, err = c.Index(b); err != nil {
		t.Fatal(err)
	}
	var mean float64
	for _, v := range m {
		mean += float64(v)
	}
	mean /= float64(mw * mh)
	if math.Abs(got-want) > 1e-12 || math.Abs(got-mean) > 1e-6 {
		t.Errorf("banded %.15f, whole %.15f, map mean %.15f", got, want, mean)
	}
	if _, err := Index(a, b[:len(b)-1], w, h, 1); err == nil {
		t.Error("a short second plane accepted")
	}
}
