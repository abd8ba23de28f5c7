package retrieval

import (
	"math"
	"path/filepath"
	"testing"

	"sentiment/imaging"
	"sentiment/ssim"
)

// crop returns the part of m between the given fractions of its width and
// height.
func crop(m *imaging.RGB, fx0, fy0, fx1, fy1 float64) *imaging.RGB {
	x0, y0 := int(fx0*float64(m.W)), int(fy0*float64(m.H))
	x1, y1 := int(fx1*float64(m.W)), int(fy1*float64(m.H))
	o := imaging.NewRGB(x1-x0, y1-y0)
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			r, g, b := m.At(x, y)
			o.Set(x-x0, y-y0, r, g, b)
		}
	}
	return o
}

// BenchmarkEdgeChoices measures how well variants of EdgeMap retrieve, on
// the shared references (run with -benchtime 1x; the metrics are the
// point, not the time):
//
//   - margin: SSIM of ele-ashimnight.jpg minus the best other "dark"
//     reference, for ele-ashim.jpg (the one known same-scene pair);
//   - dark, zoom, shift: how many of the 63 references find themselves
//     first among all 63 when the query is the reference darkened (as
//     darken), darkened and cropped to its central 80 % (a 25 % zoom), or
//     darkened and cropped to x 10–100 %, y 5–95 % (zoom and shift).
func BenchmarkEdgeChoices(b *testing.B) {
	ix, dir := assetIndex(b)
	photos := make([]*imaging.RGB, len(ix.Entries))
	night, day := -1, -1
	for i, e := range ix.Entries {
		m, _, err := imaging.DecodeFile(filepath.Join(dir, e.Picture))
		if err != nil {
			b.Fatal(err)
		}
		photos[i] = m
		switch e.File {
		case "ele-ashimnight.jpg":
			night = i
		case "ele-ashim.jpg":
			day = i
		}
	}
	if night < 0 || day < 0 {
		b.Fatal("the ele-ashim pair is not among the references")
	}
	perturb := []func(*imaging.RGB) *imaging.RGB{
		darken,
		func(m *imaging.RGB) *imaging.RGB { return darken(crop(m, 0.1, 0.1, 0.9, 0.9)) },
		func(m *imaging.RGB) *imaging.RGB { return darken(crop(m, 0.1, 0.05, 1, 0.95)) },
	}
	metric := []string{"dark", "zoom", "shift"}
	chosen := defaultEdges
	variant := func(f func(p *edgeParams)) edgeParams { p := chosen; f(&p); return p }
	variants := []struct {
		name string
		p    edgeParams
	}{
		{"chosen", chosen},
		{"crop", variant(func(p *edgeParams) { p.crop = true })},
		{"no-blur", variant(func(p *edgeParams) { p.blur = 0 })},
		{"p98", variant(func(p *edgeParams) { p.pct = 0.98 })},
		{"one-scale", variant(func(p *edgeParams) { p.scales = []int{1} })},
		{"grid48-blur1", variant(func(p *edgeParams) { p.grid, p.blur = 48, 1 })},
		{"grid64-blur1.5", variant(func(p *edgeParams) { p.grid, p.blur = 64, 1.5 })},
		{"grid64-sharp", variant(func(p *edgeParams) { p.grid, p.blur, p.pct = 64, 0, 0.98 })},
	}
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			for n := 0; n < b.N; n++ {
				g := v.p.grid
				maps := make([]*ssim.Comparer, len(photos))
				for i, m := range photos {
					e, err := v.p.edgeMap(m)
					if err != nil {
						b.Fatal(err)
					}
					if maps[i], err = ssim.NewComparer(toFloat(e, nil), g, g, 255); err != nil {
						b.Fatal(err)
					}
				}
				score := func(i int, q []float32) float64 {
					s, err := maps[i].Index(q)
					if err != nil {
						b.Fatal(err)
					}
					return s
				}
				edges := func(m *imaging.RGB) []float32 {
					e, err := v.p.edgeMap(m)
					if err != nil {
						b.Fatal(err)
					}
					return toFloat(e, nil)
				}
				q := edges(photos[day])
				best := math.Inf(-1)
				for i, e := range ix.Entries {
					if e.Adjective == "dark" && i != night {
						best = max(best, score(i, q))
					}
				}
				b.ReportMetric(score(night, q)-best, "margin")
				for k, f := range perturb {
					found := 0
					for i := range photos {
						q := edges(f(photos[i]))
						self, first := score(i, q), true
						for j := range photos {
							if j != i && score(j, q) >= self {
								first = false
								break
							}
						}
						if first {
							found++
						}
					}
					b.ReportMetric(float64(found), metric[k])
				}
			}
		})
	}
}
