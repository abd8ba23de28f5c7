package look

import (
	"testing"

	"sentiment/imaging"
	"sentiment/internal/assettest"
)

// BenchmarkGrade measures a grade's planning (NewGrade, the tone curve's
// fit included) and application at the working size.
func BenchmarkGrade(b *testing.B) {
	photo := assettest.Photo(b, "inputs/kodim13.jpg")
	w, h := imaging.Fit(photo.W, photo.H, 256)
	photo = imaging.Resize(photo, w, h)
	ref := assettest.Photo(b, "refs/kyl-goldhills.jpg")
	target, _ := Describe(ref)
	b.Run("describe", func(b *testing.B) {
		for b.Loop() {
			Describe(photo)
		}
	})
	b.Run("plan", func(b *testing.B) {
		for b.Loop() {
			NewGrade(photo, target, DefaultLimits)
		}
	})
	g, _ := NewGrade(photo, target, DefaultLimits)
	b.Run("apply", func(b *testing.B) {
		for b.Loop() {
			g.Apply(photo)
		}
	})
	out, _ := g.Apply(photo)
	b.Run("guard", func(b *testing.B) {
		for b.Loop() {
			DefaultGuard.Apply(photo, out)
		}
	})
}
