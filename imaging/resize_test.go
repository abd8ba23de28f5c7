package imaging

import (
	"bytes"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"sentiment/assets"
)

func constant(w, h int, r, g, b float32) *RGB {
	m := NewRGB(w, h)
	n := w * h
	for i := 0; i < n; i++ {
		m.Pix[i], m.Pix[n+i], m.Pix[2*n+i] = r, g, b
	}
	return m
}

func TestResizeConstant(t *testing.T) {
	sizes := [][4]int{{100, 80, 7, 5}, {7, 5, 100, 80}, {640, 480, 333, 251}, {3, 200, 17, 9}, {1, 1, 5, 4}, {50, 50, 1, 1}, {13, 11, 13, 40}}
	for _, s := range sizes {
		m := Resize(constant(s[0], s[1], 0.2, 0.5, 0.9), s[2], s[3])
		if m.W != s[2] || m.H != s[3] || m.Validate() != nil {
			t.Fatalf("%v: got %d×%d", s, m.W, m.H)
		}
		for c, want := range []float32{0.2, 0.5, 0.9} {
			for _, v := range m.Plane(c) {
				if math.Abs(float64(v-want)) > 1e-6 {
					t.Fatalf("%v: channel %d has %v, want %v", s, c, v, want)
				}
			}
		}
	}
}

func checkerboard(w, h int) *RGB {
	m := NewRGB(w, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := float32((x + y) % 2)
			m.Set(x, y, v, v, v)
		}
	}
	return m
}

func TestResizeCheckerboardIsGrey(t *testing.T) {
	// A one-pixel checkerboard is all detail above the output's Nyquist
	// frequency: a resizer that samples instead of averaging returns black
	// and white patterns (aliasing); this one must return grey.
	for _, s := range [][4]int{{200, 150, 20, 15}, {203, 151, 37, 29}, {2000, 1500, 256, 192}, {101, 99, 50, 49}} {
		m := Resize(checkerboard(s[0], s[1]), s[2], s[3])
		worst := 0.0
		for _, v := range m.Pix {
			worst = math.Max(worst, math.Abs(float64(v)-0.5))
		}
		// Along one axis the ±1 alternation averages to at most 1/s over an
		// interval of length s, and the checkerboard is ½ − ½·gx·gy, so a
		// pixel is within ½/(sx·sy) of grey (0 for whole factors).
		sx, sy := float64(s[0])/float64(s[2]), float64(s[1])/float64(s[3])
		bound := 0.5/(sx*sy) + 1e-6
		if s[0]%s[2] == 0 && s[1]%s[3] == 0 {
			bound = 1e-6
		}
		if worst > bound {
			t.Errorf("%v: a pixel is %.4f away from grey, bound %.4f", s, worst, bound)
		}
	}
}

func TestResizeAreaMeans(t *testing.T) {
	// Shrinking by whole factors gives the block means exactly.
	rng := rand.New(rand.NewPCG(1, 2))
	src := NewRGB(12, 9)
	for i := range src.Pix {
		src.Pix[i] = rng.Float32()
	}
	m := Resize(src, 4, 3)
	for c := 0; c < 3; c++ {
		for y := 0; y < 3; y++ {
			for x := 0; x < 4; x++ {
				var s float64
				for j := 0; j < 3; j++ {
					for i := 0; i < 3; i++ {
						s += float64(src.Plane(c)[(3*y+j)*12+3*x+i])
					}
				}
				if got := float64(m.Plane(c)[y*4+x]); math.Abs(got-s/9) > 1e-6 {
					t.Errorf("c%d (%d,%d): %v, want %v", c, x, y, got, s/9)
				}
			}
		}
	}
	// A fractional factor: 3 → 2 pixels, each output covers 1.5 inputs.
	row := &RGB{W: 3, H: 1, Pix: []float32{0, 0.3, 0.9, 0, 0, 0, 0, 0, 0}}
	got := Resize(row, 2, 1).Pix[:2]
	want := []float64{(0 + 0.3*0.5) / 1.5, (0.3*0.5 + 0.9) / 1.5}
	for i := range want {
		if math.Abs(float64(got[i])-want[i]) > 1e-6 {
			t.Errorf("3→2: got %v, want %v", got, want)
		}
	}
}

func TestResizeEnlargeIsLinear(t *testing.T) {
	// Two pixels 0 and 1 doubled: pixel centres at −¼, ¼, ¾, 1¼ of the
	// source, clamped at the edges.
	m := Resize(&RGB{W: 2, H: 1, Pix: []float32{0, 1, 0, 0, 0, 0}}, 4, 1)
	want := []float32{0, 0.25, 0.75, 1}
	for i, w := range want {
		if math.Abs(float64(m.Pix[i]-w)) > 1e-6 {
			t.Fatalf("got %v, want %v", m.Pix[:4], want)
		}
	}
	// A ramp stays a ramp inside the image.
	src := NewRGB(10, 10)
	for y := 0; y < 10; y++ {
		for x := 0; x < 10; x++ {
			v := float32(x+2*y) / 30
			src.Set(x, y, v, v, v)
		}
	}
	big := Resize(src, 40, 30)
	for y := 2; y < 28; y++ {
		for x := 2; x < 38; x++ {
			sx, sy := (float64(x)+0.5)/4-0.5, (float64(y)+0.5)/3-0.5
			r, _, _ := big.At(x, y)
			if want := (sx + 2*sy) / 30; math.Abs(float64(r)-want) > 1e-5 {
				t.Fatalf("(%d,%d) = %v, want %v", x, y, r, want)
			}
		}
	}
}

func TestResizeKeepsPhotoMean(t *testing.T) {
	p, err := assets.Path("", "refs/ele-ashim.jpg")
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := DecodeFile(p)
	if err != nil {
		t.Fatal(err)
	}
	w, h := Fit(m.W, m.H, 64)
	small := Resize(m, w, h)
	mean := func(v []float32) float64 {
		var s float64
		for _, x := range v {
			s += float64(x)
		}
		return s / float64(len(v))
	}
	if a, b := mean(m.Pix), mean(small.Pix); math.Abs(a-b) > 1e-3 {
		t.Errorf("mean %v before, %v after shrinking", a, b)
	}
}

func TestFit(t *testing.T) {
	cases := [][5]int{{6000, 4000, 512, 512, 341}, {4000, 6000, 512, 341, 512}, {100, 100, 64, 64, 64}, {10000, 3, 100, 100, 1}, {300, 200, 600, 600, 400}}
	for _, c := range cases {
		if w, h := Fit(c[0], c[1], c[2]); w != c[3] || h != c[4] {
			t.Errorf("Fit(%d, %d, %d) = %d, %d; want %d, %d", c[0], c[1], c[2], w, h, c[3], c[4])
		}
	}
}

func TestRotateAndEncode(t *testing.T) {
	src := NewRGB(3, 2)
	for i := range src.Pix {
		src.Pix[i] = float32(i) / 17
	}
	r := Rotate(src, 1)
	if r.W != 2 || r.H != 3 {
		t.Fatalf("%d×%d", r.W, r.H)
	}
	// After a clockwise quarter turn the bottom-left is at the top-left.
	if a, _, _ := r.At(0, 0); a != src.Pix[3] {
		t.Errorf("top-left %v, want %v", a, src.Pix[3])
	}
	back := Rotate(Rotate(Rotate(r, 1), 1), 1)
	for i := range src.Pix {
		if back.Pix[i] != src.Pix[i] {
			t.Fatal("four quarter turns changed the image")
		}
	}
	if got := Rotate(src, -1); got.Pix[0] != Rotate(src, 3).Pix[0] || got.W != 2 {
		t.Error("−1 turn differs from 3 turns")
	}
	for _, enc := range []func(*bytes.Buffer) error{
		func(b *bytes.Buffer) error { return EncodePNG(b, src) },
		func(b *bytes.Buffer) error { return EncodeJPEG(b, src, 100) },
	} {
		var b bytes.Buffer
		if err := enc(&b); err != nil {
			t.Fatal(err)
		}
		m, _, err := DecodeBytes(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		near(t, "round trip", m, src.NRGBA(), 0.06)
	}
	if err := EncodeJPEG(new(bytes.Buffer), src, 0); err == nil {
		t.Error("quality 0 accepted")
	}
	if err := EncodePNG(new(bytes.Buffer), &RGB{W: 2, H: 2}); err == nil {
		t.Error("invalid image accepted")
	}
}

func TestLuma(t *testing.T) {
	m := NewRGB(3, 1)
	m.Set(0, 0, 1, 0, 0)
	m.Set(1, 0, 0, 1, 0)
	m.Set(2, 0, 1, 1, 1)
	l := m.Luma()
	for i, want := range []float32{0.299, 0.587, 1} {
		if math.Abs(float64(l[i]-want)) > 1e-6 {
			t.Errorf("luma %d = %v, want %v", i, l[i], want)
		}
	}
}

func BenchmarkResize24MP(b *testing.B) {
	src := NewRGB(6000, 4000)
	for i := range src.Pix {
		src.Pix[i] = float32(i%251) / 250
	}
	w, h := Fit(src.W, src.H, WorkingSize)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Resize(src, w, h)
	}
	b.ReportMetric(float64(src.W*src.H)*float64(b.N)/b.Elapsed().Seconds()/1e6, "MP/s")
}

func BenchmarkDecodeLarge(b *testing.B) {
	p, err := assets.Path("", filepath.Join("inputs", "large", "bud-zion-full.jpg"))
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		if _, _, err := DecodeFile(p); err != nil {
			b.Fatal(err)
		}
	}
}

func TestResizePlaneMatchesResize(t *testing.T) {
	src := NewRGB(50, 31)
	for i := range src.Pix {
		src.Pix[i] = float32(i%13) / 12
	}
	for _, s := range [][2]int{{17, 9}, {80, 40}, {50, 31}, {25, 70}} {
		m := Resize(src, s[0], s[1])
		for c := 0; c < 3; c++ {
			p := ResizePlane(src.Plane(c), 50, 31, s[0], s[1])
			for i, v := range p {
				if v != m.Plane(c)[i] {
					t.Fatalf("%v channel %d: plane %v, Resize %v", s, c, v, m.Plane(c)[i])
				}
			}
		}
	}
}
