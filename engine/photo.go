package engine

import (
	"context"
	"fmt"
	"image"
	"sync"

	"sentiment/imaging"
	"sentiment/look"
)

// ApplyNRGBA gives a photo held at full size as 8-bit straight RGBA (the
// command line's, from imaging.DecodeFileNRGBA: 400 MB at MaxPixels where
// floats take 1.2 GB) the look of g at strength s, in place, a strip of
// StripPixels at a time as the page's export does in its canvas
// (Session.ApplyRGBA); its alpha stays. Cancelling ctx stops it between two
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
		if err := applyRGBA(g, p.Pix[4*w*y:4*w*(y+n)], w, n, y, h, s); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// applyRGBA transforms in place the colour of the w×h RGBA pixels of rows
// y0 to y0+h−1 of a photo fullH rows high by the look of g at strength s,
// leaving their alpha (Session.ApplyRGBA). A refused call leaves pix as it
// was.
func applyRGBA(g *look.Grid, pix []byte, w, h, y0, fullH int, s float32) error {
	if err := checkRGBA(pix, w, h); err != nil {
		return err
	}
	if fullH > MaxSide || y0 < 0 || y0 > fullH-h {
		return badInput(fmt.Errorf("rows %d to %d of an image of %d rows", y0, y0+h-1, fullH))
	}
	if err := checkStrength(s); err != nil {
		return err
	}
	// One band of floats, kept from call to call: a band each made
	// garbage that grew the heap by a photo's size between collections.
	buf := bands.Get().(*[]float32)
	defer bands.Put(buf)
	if k := 3 * w * min(bandRows, h); cap(*buf) < k {
		*buf = make([]float32, k)
	}
	for y := 0; y < h; y += bandRows {
		n := min(bandRows, h-y)
		band := pix[4*w*y : 4*w*(y+n)]
		m := &imaging.RGB{W: w, H: n, Pix: (*buf)[:3*w*n]}
		m.ColourFrom(band)
		if err := g.ApplyRows(m, m, y0+y, fullH, s); err != nil {
			return err
		}
		m.ColourInto(band)
	}
	return nil
}

// bands are applyRGBA's float bands.
var bands = sync.Pool{New: func() any { return new([]float32) }}
