package score

import (
	"context"
	"errors"
	"image"
	"image/color"
	"math"
	"testing"

	"sentiment/imaging"
)

// TestScoreNRGBA: scoring 8-bit photos a row at a time gives Score's
// numbers for the same photos composited on white, and stops when
// cancelled.
func TestScoreNRGBA(t *testing.T) {
	const w, h = 150, 97
	in, out := image.NewNRGBA(image.Rect(0, 0, w, h)), image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			a := uint8(255)
			if x < 40 {
				a = uint8(3 * y)
			}
			c := color.NRGBA{uint8(x + y), uint8(2 * x), uint8(200 - y), a}
			in.SetNRGBA(x, y, c)
			c.R, c.B = c.R/2+100, c.B/3
			out.SetNRGBA(x, y, c)
		}
	}
	float := func(p *image.NRGBA) *imaging.RGB {
		m := imaging.NewRGB(w, h)
		n := w * h
		for y := range h {
			imaging.OnWhiteRow(p, y, m.Pix[y*w:(y+1)*w], m.Pix[n+y*w:n+(y+1)*w], m.Pix[2*n+y*w:2*n+(y+1)*w])
		}
		return m
	}
	ref := imaging.NewRGB(40, 30)
	for i := range ref.Pix {
		ref.Pix[i] = float32(i%7) / 7
	}
	want, err := Score(float(in), float(out), ref)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ScoreNRGBA(context.Background(), in, out, ref)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got.SSIM-want.SSIM) > 1e-12 || math.Abs(got.Movement-want.Movement) > 1e-12 || got.MovementOK != want.MovementOK {
		t.Errorf("rows: %+v, whole: %+v", got, want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ScoreNRGBA(ctx, in, out, ref); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
