package engine

import (
	"context"
	"fmt"
	"image"

	"sentiment/look"
)

// ApplyNRGBA gives a photo held at full size as 8-bit straight RGBA (the
// command line's, from imaging.DecodeFileNRGBA: 400 MB at MaxPixels where
// floats take 1.2 GB) the look of g at strength s, in place, a strip of
// StripPixels at a time as the page's export does in its canvas
// (ApplyRGBA); its alpha stays. Cancelling ctx stops it between two
// strips, with p part done.
func ApplyNRGBA(ctx context.Context, g *look.Grid, p *image.NRGBA, s float32) error {
	w, h := p.Rect.Dx(), p.Rect.Dy()
	if p.Stride != 4*w {
		return badInput(fmt.Errorf("a %d×%d photo whose rows are %d bytes apart", w, h, p.Stride))
	}
	// A quarter of the page's strips: natively a strip's call costs
	// nothing, and a cancel waits for at most one (about 10 ms).
	rows := max(1, StripPixels/4/w)
	for y := 0; y < h; y += rows {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := min(rows, h-y)
		if err := ApplyRGBA(g, p.Pix[4*w*y:4*w*(y+n)], w, n, y, h, s); err != nil {
			return err
		}
	}
	return ctx.Err()
}
