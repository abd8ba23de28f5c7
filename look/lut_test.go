package look

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func identityMap(r, g, b float32) (float32, float32, float32) { return r, g, b }

func TestCubeIdentityRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCube(&buf, "identity", identityMap, CubeSize); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if want := 5 + CubeSize*CubeSize*CubeSize; len(lines) != want {
		t.Fatalf("%d lines, want %d", len(lines), want)
	}
	for i, want := range []string{`TITLE "identity"`, "# written by sentiment transfer", "LUT_3D_SIZE 33", "DOMAIN_MIN 0.0 0.0 0.0", "DOMAIN_MAX 1.0 1.0 1.0",
		"0.000000 0.000000 0.000000", "0.031250 0.000000 0.000000"} { // red changes fastest
		if lines[i] != want {
			t.Errorf("line %d = %q, want %q", i+1, lines[i], want)
		}
	}
	if last := lines[len(lines)-1]; last != "1.000000 1.000000 1.000000" {
		t.Errorf("last line %q", last)
	}
	c, err := ReadCube(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if c.Title != "identity" || c.Size != CubeSize || c.Min != [3]float32{} || c.Max != [3]float32{1, 1, 1} {
		t.Errorf("header: %q, %d, %v, %v", c.Title, c.Size, c.Min, c.Max)
	}
	for b := range CubeSize {
		for g := range CubeSize {
			for r := range CubeSize {
				or, og, ob := c.At(r, g, b)
				s := float32(CubeSize - 1)
				if math.Abs(float64(or-float32(r)/s)) > 1e-6 || math.Abs(float64(og-float32(g)/s)) > 1e-6 || math.Abs(float64(ob-float32(b)/s)) > 1e-6 {
					t.Fatalf("entry (%d, %d, %d) = (%g, %g, %g)", r, g, b, or, og, ob)
				}
			}
		}
	}
}

func TestCubeSamplesKnownTransform(t *testing.T) {
	f := func(r, g, b float32) (float32, float32, float32) {
		x, y, z := warm.apply(float64(r), float64(g), float64(b))
		return float32(x), float32(y), float32(z)
	}
	var buf bytes.Buffer
	if err := WriteCube(&buf, "warm", f, 17); err != nil {
		t.Fatal(err)
	}
	c, err := ReadCube(&buf)
	if err != nil {
		t.Fatal(err)
	}
	// Entry (3, 10, 16) is f at (3/16, 10/16, 1).
	wr, wg, wb := f(3.0/16, 10.0/16, 1)
	if r, g, b := c.At(3, 10, 16); math.Abs(float64(r-wr)) > 1e-6 || math.Abs(float64(g-wg)) > 1e-6 || math.Abs(float64(b-wb)) > 1e-6 {
		t.Errorf("entry (3, 10, 16) = (%g, %g, %g), want (%g, %g, %g)", r, g, b, wr, wg, wb)
	}
	// Trilinear interpolation reproduces an affine map exactly.
	rng := rand.New(rand.NewPCG(2, 2))
	for range 1000 {
		r, g, b := rng.Float32(), rng.Float32(), rng.Float32()
		wr, wg, wb := f(r, g, b)
		cr, cg, cb := c.Map(r, g, b)
		if math.Abs(float64(cr-wr)) > 1e-5 || math.Abs(float64(cg-wg)) > 1e-5 || math.Abs(float64(cb-wb)) > 1e-5 {
			t.Fatalf("Map(%g, %g, %g) = (%g, %g, %g), want (%g, %g, %g)", r, g, b, cr, cg, cb, wr, wg, wb)
		}
	}
}

// The LUT of a fitted grid's global look reproduces that look.
func TestCubeOfGridGlobal(t *testing.T) {
	in := synth(192, 128, twoSides)
	g, err := Fit(in, lookImage(in), DefaultGrid)
	if err != nil {
		t.Fatal(err)
	}
	curve := g.Global()
	var buf bytes.Buffer
	if err := WriteCube(&buf, "look", curve.Map, CubeSize); err != nil {
		t.Fatal(err)
	}
	c, err := ReadCube(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 3))
	var worst, sum float64
	const samples = 2000
	for range samples {
		r, gg, b := rng.Float32(), rng.Float32(), rng.Float32()
		wr, wg, wb := curve.Map(r, gg, b)
		cr, cg, cb := c.Map(r, gg, b)
		d := []float64{math.Abs(float64(cr - wr)), math.Abs(float64(cg - wg)), math.Abs(float64(cb - wb))}
		worst = max(worst, d[0], d[1], d[2])
		sum += d[0] + d[1] + d[2]
	}
	// The curve turns from one look to the other over a fifth of the
	// luminance range: 33 samples a side follow it within 1/100.
	t.Logf("LUT vs curve: mean error %.2e, max %.2e", sum/(3*samples), worst)
	if worst > 1e-2 || sum/(3*samples) > 1e-3 {
		t.Errorf("the LUT differs from the curve by %.4f on average, up to %.4f", sum/(3*samples), worst)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteCubeErrors(t *testing.T) {
	var buf bytes.Buffer
	for _, size := range []int{1, 257} {
		if err := WriteCube(&buf, "x", identityMap, size); err == nil {
			t.Errorf("size %d accepted", size)
		}
	}
	if err := WriteCube(&buf, "a \"quoted\" title", identityMap, 2); err == nil {
		t.Error("a title with quotes accepted")
	}
	nan := func(r, g, b float32) (float32, float32, float32) { return r, float32(math.NaN()), b }
	if err := WriteCube(&buf, "x", nan, 2); err == nil {
		t.Error("a NaN value accepted")
	}
	if err := WriteCube(failWriter{}, "x", identityMap, CubeSize); err == nil {
		t.Error("a write error was lost")
	}
}

func TestReadCubeRejects(t *testing.T) {
	var good bytes.Buffer
	if err := WriteCube(&good, "x", identityMap, 2); err != nil {
		t.Fatal(err)
	}
	g := good.String()
	for name, text := range map[string]string{
		"1D":              "LUT_1D_SIZE 4\n0 0 0\n",
		"short":           strings.Join(strings.Split(g, "\n")[:9], "\n"),
		"long":            g + "0 0 0\n",
		"junk":            strings.Replace(g, "1.000000 1.000000 1.000000", "1.0 one 1.0", 1),
		"no size":         "0 0 0\n",
		"size twice":      "LUT_3D_SIZE 2\nLUT_3D_SIZE 2\n",
		"size too big":    "LUT_3D_SIZE 1000\n",
		"empty domain":    strings.Replace(g, "DOMAIN_MAX 1.0 1.0 1.0", "DOMAIN_MAX 0 1 1", 1),
		"two numbers":     strings.Replace(g, "0.000000 0.000000 0.000000", "0 0", 1),
		"keyword in data": g + "TITLE \"late\"\n",
		"empty":           "",
	} {
		if _, err := ReadCube(strings.NewReader(text)); !errors.Is(err, ErrCube) {
			t.Errorf("%s: err = %v, want ErrCube", name, err)
		}
	}
	// Comments and blank lines anywhere are fine.
	ok := "# a comment\n\n" + strings.Replace(g, "LUT_3D_SIZE 2\n", "LUT_3D_SIZE 2\n\n# more\n", 1)
	if _, err := ReadCube(strings.NewReader(ok)); err != nil {
		t.Errorf("comments: %v", err)
	}
}

// FuzzReadCube: any text gives a valid Cube or an error, never a panic.
func FuzzReadCube(f *testing.F) {
	var good bytes.Buffer
	if err := WriteCube(&good, "seed", identityMap, 2); err != nil {
		f.Fatal(err)
	}
	f.Add(good.String())
	f.Add("LUT_3D_SIZE 2\nDOMAIN_MIN 0 0 0\n")
	f.Add("LUT_1D_SIZE 2\n0 0 0\n1 1 1\n")
	f.Fuzz(func(t *testing.T, text string) {
		c, err := ReadCube(strings.NewReader(text))
		if err != nil {
			return
		}
		if c.Size < minCubeSize || c.Size > maxCubeSize || len(c.Table) != 3*c.Size*c.Size*c.Size {
			t.Fatalf("accepted size %d with %d values", c.Size, len(c.Table))
		}
		c.Map(0.5, -1, 2) // must not panic
	})
}
