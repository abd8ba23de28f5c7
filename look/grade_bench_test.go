package look

import (
	"testing"

	"sentiment/imaging"
	"sentiment/internal/assettest"
	"sentiment/internal/cputime"
)

// BenchmarkGrade measures what a transfer of the mood preset does with
// the look at the working size, once each: describe the photo, plan its
// grade (NewGrade: describing it again, the haze, the tone curve's fit),
// apply it, and guard the result. The photo is 8-bit, as the page hands
// it to the engine (the browser's resampler, RGBA bytes); the graded
// result the guard reads is not.
func BenchmarkGrade(b *testing.B) {
	photo := assettest.Photo(b, "inputs/kodim13.jpg")
	w, h := imaging.Fit(photo.W, photo.H, 256)
	photo = imaging.FromImage(imaging.Resize(photo, w, h).NRGBA())
	ref := assettest.Photo(b, "refs/kyl-goldhills.jpg")
	target, _ := Describe(ref)
	bench := func(name string, f func()) {
		b.Run(name, func(b *testing.B) {
			cpu := cputime.Now()
			for b.Loop() {
				f()
			}
			b.ReportMetric((cputime.Now()-cpu).Seconds()*1e3/float64(b.N), "cpu-ms/op")
		})
	}
	bench("describe", func() { Describe(photo) })
	bench("plan", func() { NewGrade(photo, target, DefaultLimits) })
	g, _ := NewGrade(photo, target, DefaultLimits)
	bench("apply", func() { g.Apply(photo) })
	out, _ := g.Apply(photo)
	bench("guard", func() { DefaultGuard.Apply(photo, out) })
}
