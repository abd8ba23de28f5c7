package imaging

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The matrix derived from the primaries must round to the four-digit table
// printed in IEC 61966-2-1.
func TestRGBToXYZMatchesStandardTable(t *testing.T) {
	table := [3][3]float64{
		{0.4124, 0.3576, 0.1805},
		{0.2126, 0.7152, 0.0722},
		{0.0193, 0.1192, 0.9505},
	}
	for i := range 3 {
		for j := range 3 {
			if d := math.Abs(rgbToXYZ[i][j] - table[i][j]); d > 0.5e-4+1e-12 {
				t.Errorf("M[%d][%d] = %.7f, standard %.4f", i, j, rgbToXYZ[i][j], table[i][j])
			}
		}
	}
	// And its inverse must be one.
	for i := range 3 {
		for j := range 3 {
			var s float64
			for k := range 3 {
				s += rgbToXYZ[i][k] * xyzToRGB[k][j]
			}
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(s-want) > 1e-12 {
				t.Errorf("(M·M⁻¹)[%d][%d] = %g", i, j, s)
			}
		}
	}
}

func TestTransferFunction(t *testing.T) {
	for _, c := range []struct{ enc, lin float64 }{
		{0, 0},
		{1, 1},
		{0.03, 0.03 / 12.92},
		{0.5, 0.21404114048223255}, // ((0.5+0.055)/1.055)^2.4
		{0.2, 0.033104766570885055},
	} {
		if got := SRGBToLinear(c.enc); math.Abs(got-c.lin) > 1e-12 {
			t.Errorf("SRGBToLinear(%g) = %.15g, want %.15g", c.enc, got, c.lin)
		}
		if got := LinearToSRGB(c.lin); math.Abs(got-c.enc) > 1e-12 {
			t.Errorf("LinearToSRGB(%g) = %.15g, want %.15g", c.lin, got, c.enc)
		}
	}
	// The two pieces meet: the curve is continuous at the knee.
	if d := math.Abs(SRGBToLinear(0.04045+1e-12) - SRGBToLinear(0.04045)); d > 1e-7 {
		t.Errorf("decode jumps by %g at the knee", d)
	}
	if d := math.Abs(LinearToSRGB(0.0031308+1e-12) - LinearToSRGB(0.0031308)); d > 1e-7 {
		t.Errorf("encode jumps by %g at the knee", d)
	}
	// Negative values are mirrored, not NaN.
	if got := SRGBToLinear(-0.5); got != -SRGBToLinear(0.5) {
		t.Errorf("SRGBToLinear(-0.5) = %g", got)
	}
}

func TestKnownLab(t *testing.T) {
	for _, c := range []struct {
		name    string
		rgb     [3]float64
		lab     [3]float64
		tol     float64
		comment string
	}{
		{"white", [3]float64{1, 1, 1}, [3]float64{100, 0, 0}, 1e-9, ""},
		{"black", [3]float64{0, 0, 0}, [3]float64{0, 0, 0}, 1e-9, ""},
		// Published CIELAB of the sRGB primaries, to two decimals.
		{"red", [3]float64{1, 0, 0}, [3]float64{53.24, 80.09, 67.20}, 0.01, ""},
		{"green", [3]float64{0, 1, 0}, [3]float64{87.73, -86.18, 83.18}, 0.01, ""},
		{"blue", [3]float64{0, 0, 1}, [3]float64{32.30, 79.19, -107.86}, 0.01, ""},
	} {
		l, a, b := SRGBToLab(c.rgb[0], c.rgb[1], c.rgb[2])
		got := [3]float64{l, a, b}
		for k := range 3 {
			if math.Abs(got[k]-c.lab[k]) > c.tol {
				t.Errorf("%s: Lab = %.4f, want %.2f", c.name, got, c.lab)
				break
			}
		}
	}
	// Every grey is neutral, and L* is 116·∛Y − 16 of its linear value.
	for v := 0.0; v <= 1; v += 1.0 / 64 {
		l, a, b := SRGBToLab(v, v, v)
		if math.Abs(a) > 1e-9 || math.Abs(b) > 1e-9 {
			t.Errorf("grey %g: a*, b* = %g, %g", v, a, b)
		}
		y := SRGBToLinear(v)
		want := 116*math.Cbrt(y) - 16
		if y <= 216.0/24389 {
			want = 24389.0 / 27 * y // CIE's κ for the linear segment
		}
		if math.Abs(l-want) > 1e-9 {
			t.Errorf("grey %g: L* = %.12g, want %.12g", v, l, want)
		}
		if got := Lightness(y); math.Abs(got-want) > 1e-9 {
			t.Errorf("grey %g: Lightness = %.12g, want %.12g", v, got, want)
		}
	}
	// Lightness is XYZToLab's L* of any colour of that luminance.
	for _, c := range [][3]float64{{0.2, 0.3, 0.9}, {0.9, 0.1, 0.05}, {0.001, 0.002, 0.0005}} {
		x, y, z := LinearToXYZ(c[0], c[1], c[2])
		if l, _, _ := XYZToLab(x, y, z); Lightness(y) != l {
			t.Errorf("%v: Lightness %.15g, XYZToLab's L* %.15g", c, Lightness(y), l)
		}
	}
}

func TestLabRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		r, g, b := rng.Float64(), rng.Float64(), rng.Float64()
		r2, g2, b2 := LabToSRGB(SRGBToLab(r, g, b))
		if math.Abs(r2-r) > 1e-9 || math.Abs(g2-g) > 1e-9 || math.Abs(b2-b) > 1e-9 {
			t.Fatalf("(%g, %g, %g) came back as (%g, %g, %g)", r, g, b, r2, g2, b2)
		}
	}
	// Out-of-gamut Lab (a saturated cyan beyond sRGB) survives unclamped.
	l, a, b := 80.0, -90.0, -40.0
	l2, a2, b2 := SRGBToLab(LabToSRGB(l, a, b))
	if math.Abs(l2-l) > 1e-9 || math.Abs(a2-a) > 1e-9 || math.Abs(b2-b) > 1e-9 {
		t.Errorf("out-of-gamut (%g, %g, %g) came back as (%g, %g, %g)", l, a, b, l2, a2, b2)
	}
}

func TestImageLabRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	src := NewRGB(37, 21)
	for i := range src.Pix {
		src.Pix[i] = rng.Float32()
	}
	lab, err := ToLab(src)
	if err != nil {
		t.Fatal(err)
	}
	// Spot-check one pixel against the scalar conversion.
	r, g, b := src.At(5, 7)
	wl, wa, wb := SRGBToLab(float64(r), float64(g), float64(b))
	i, n := 7*src.W+5, src.W*src.H
	if math.Abs(float64(lab.Pix[i])-wl) > 1e-4 || math.Abs(float64(lab.Pix[n+i])-wa) > 1e-4 || math.Abs(float64(lab.Pix[2*n+i])-wb) > 1e-4 {
		t.Errorf("pixel (5, 7): Lab (%g, %g, %g), want (%g, %g, %g)", lab.Pix[i], lab.Pix[n+i], lab.Pix[2*n+i], wl, wa, wb)
	}
	back, err := lab.ToRGB()
	if err != nil {
		t.Fatal(err)
	}
	for i := range src.Pix {
		if d := math.Abs(float64(back.Pix[i] - src.Pix[i])); d > 2e-5 {
			t.Fatalf("sample %d: %g came back as %g", i, src.Pix[i], back.Pix[i])
		}
	}

	// In place, through one shared buffer, gives the same numbers.
	work := src.Clone()
	inPlace := &Lab{W: work.W, H: work.H, Pix: work.Pix}
	if err := RGBToLab(inPlace, work); err != nil {
		t.Fatal(err)
	}
	for i := range lab.Pix {
		if inPlace.Pix[i] != lab.Pix[i] {
			t.Fatalf("in-place sample %d = %g, want %g", i, inPlace.Pix[i], lab.Pix[i])
		}
	}
	if err := LabToRGB(work, inPlace); err != nil {
		t.Fatal(err)
	}
	for i := range back.Pix {
		if work.Pix[i] != back.Pix[i] {
			t.Fatalf("in-place sample %d = %g, want %g", i, work.Pix[i], back.Pix[i])
		}
	}
}

func TestLabToRGBClamps(t *testing.T) {
	lab := NewLab(2, 1)
	n := 2
	lab.Pix[0], lab.Pix[n], lab.Pix[2*n] = 80, -90, -40  // beyond sRGB: red < 0
	lab.Pix[1], lab.Pix[n+1], lab.Pix[2*n+1] = 120, 0, 0 // brighter than white
	m, err := lab.ToRGB()
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range m.Pix {
		if !(v >= 0 && v <= 1) {
			t.Errorf("sample %d = %g, outside [0, 1]", i, v)
		}
	}
	if r, _, _ := m.At(0, 0); r != 0 {
		t.Errorf("out-of-gamut red = %g, want clamped to 0", r)
	}
	if r, g, b := m.At(1, 0); r != 1 || g != 1 || b != 1 {
		t.Errorf("L* = 120 gave (%g, %g, %g), want white", r, g, b)
	}
}

func TestLabBadInput(t *testing.T) {
	if _, err := ToLab(&RGB{W: 3, H: 3, Pix: make([]float32, 5)}); err == nil {
		t.Error("ToLab accepted a short buffer")
	}
	if _, err := (&Lab{W: -1, H: 2}).ToRGB(); err == nil {
		t.Error("ToRGB accepted a negative size")
	}
	if err := RGBToLab(NewLab(2, 2), NewRGB(3, 2)); err == nil {
		t.Error("RGBToLab accepted mismatched sizes")
	}
	if err := LabToRGB(NewRGB(2, 2), NewLab(2, 3)); err == nil {
		t.Error("LabToRGB accepted mismatched sizes")
	}
}

func TestLumaOf(t *testing.T) {
	for _, c := range []struct{ r, g, b, want float32 }{
		{1, 1, 1, 1}, {0, 0, 0, 0}, {1, 0, 0, 0.299}, {0, 1, 0, 0.587}, {0, 0, 1, 0.114}, {0.5, 0.5, 0.5, 0.5},
	} {
		if got := LumaOf(c.r, c.g, c.b); math.Abs(float64(got-c.want)) > 1e-6 {
			t.Errorf("LumaOf(%g, %g, %g) = %g, want %g", c.r, c.g, c.b, got, c.want)
		}
	}
}

func BenchmarkToLab(b *testing.B) {
	src := NewRGB(512, 512)
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range src.Pix {
		src.Pix[i] = rng.Float32()
	}
	lab := NewLab(512, 512)
	b.ReportAllocs()
	for b.Loop() {
		if err := RGBToLab(lab, src); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(512*512), "ns/pixel")
}

func BenchmarkFromLab(b *testing.B) {
	src := NewRGB(512, 512)
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range src.Pix {
		src.Pix[i] = rng.Float32()
	}
	lab, _ := ToLab(src)
	b.ReportAllocs()
	for b.Loop() {
		if err := LabToRGB(src, lab); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(512*512), "ns/pixel")
}

// TestSRGBToLinear8: the 8-bit values' lookup gives what the transfer
// function computes, and a value beside one is computed.
func TestSRGBToLinear8(t *testing.T) {
	for i, v := range lut8 {
		x := float64(v)
		if got, want := SRGBToLinear(x), srgbToLinear(x); got != want {
			t.Errorf("%d/255: %v, want %v", i, got, want)
		}
		if y := math.Nextafter(x, 2); SRGBToLinear(y) != srgbToLinear(y) {
			t.Errorf("beside %d/255: %v, want %v", i, SRGBToLinear(y), srgbToLinear(y))
		}
	}
}
