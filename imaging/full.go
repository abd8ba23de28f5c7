package imaging

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"os"
)

// This file holds a photo at full size as 8-bit straight RGBA (an
// image.NRGBA, alpha 255 where opaque): a third of the float image's
// memory, 400 MB at MaxPixels, which the command line transforms in place
// a band of rows at a time, as the page's export does in its canvas.

// bandPixels is how many pixels the conversions below hold as floats at a
// time: 12 MB of them, whatever the photo's size.
const bandPixels = 1 << 20

// DecodeFileNRGBA decodes the image file at path as DecodeFileAlpha does,
// into 8-bit straight colour and alpha, upright. Cancelling ctx stops the
// read and the conversion.
func DecodeFileNRGBA(ctx context.Context, path string) (*image.NRGBA, string, error) {
	f, err := openImage(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	img, o, format, err := decodeImage(&ctxFile{ctx, f})
	if err == nil {
		var m *image.NRGBA
		if m, err = toNRGBA(ctx, img, o); err == nil {
			return m, format, nil
		}
	}
	if ctx.Err() != nil {
		// Whatever a decoder made of a read that failed.
		return nil, format, ctx.Err()
	}
	return nil, format, fmt.Errorf("%s: %w", path, err)
}

// ctxFile is a file whose reads fail once ctx is done, so that a decoder
// reading a large photo stops at its next read.
type ctxFile struct {
	ctx context.Context
	f   *os.File
}

func (c *ctxFile) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.f.Read(p)
}

func (c *ctxFile) Seek(off int64, whence int) (int64, error) { return c.f.Seek(off, whence) }

// toNRGBA converts a decoded image to 8-bit straight RGBA shown under
// orientation o, through convert's conversions a band of rows at a time.
func toNRGBA(ctx context.Context, img image.Image, o int) (*image.NRGBA, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	p, ow, oh := place(o, w, h)
	out := image.NewNRGBA(image.Rect(0, 0, ow, oh))
	sub, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	})
	rows := max(1, bandPixels/w)
	if !ok {
		rows = h // a type without SubImage (none of the decoders'): whole
	}
	band := NewRGB(w, min(rows, h))
	var alpha *Alpha
	if op, ok := img.(opaquer); !ok || !op.Opaque() {
		alpha = &Alpha{W: w, H: band.H, Pix: make([]float32, len(band.Pix)/3)}
	}
	for y0 := 0; y0 < h; y0 += rows {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n := min(rows, h-y0)
		part := img
		if ok {
			part = sub.SubImage(image.Rect(b.Min.X, b.Min.Y+y0, b.Max.X, b.Min.Y+y0+n))
		}
		k := w * n
		m := &RGB{W: w, H: n, Pix: band.Pix[:3*k]}
		var a *Alpha
		if alpha != nil {
			a = &Alpha{W: w, H: n, Pix: alpha.Pix[:k]}
		}
		convertInto(part, 1, m, a)
		for y := range n {
			for x := range w {
				j := y*w + x
				i := 4 * (p.off + (y0+y)*p.sy + x*p.sx)
				d := out.Pix[i : i+4 : i+4]
				d[0], d[1], d[2], d[3] = to8(m.Pix[j]), to8(m.Pix[k+j]), to8(m.Pix[2*k+j]), 255
				if a != nil {
					d[3] = to8(a.Pix[j])
				}
			}
		}
	}
	return out, nil
}

// OnWhiteRow gives row y of p, composited on white as OnWhite shows it, as
// floats in r, g and b (each p's width long).
func OnWhiteRow(p *image.NRGBA, y int, r, g, b []float32) {
	row := p.Pix[p.PixOffset(p.Rect.Min.X, p.Rect.Min.Y+y):]
	for x := range r {
		s := row[4*x : 4*x+4 : 4*x+4]
		if s[3] == 255 {
			r[x], g[x], b[x] = lut8[s[0]], lut8[s[1]], lut8[s[2]]
			continue
		}
		k := lut8[s[3]]
		r[x], g[x], b[x] = lut8[s[0]]*k+1-k, lut8[s[1]]*k+1-k, lut8[s[2]]*k+1-k
	}
}

// ShrinkOnWhite returns p composited on white and resampled to w×h as
// Resize does (ResizeRows), holding a row of p as floats at a time.
// Cancelling ctx stops it.
func ShrinkOnWhite(ctx context.Context, p *image.NRGBA, w, h int) (*RGB, error) {
	sw, sh := p.Rect.Dx(), p.Rect.Dy()
	return ResizeRows(sw, sh, w, h, func(y int, r, g, b []float32) error {
		if y%64 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		OnWhiteRow(p, y, r, g, b)
		return nil
	})
}

// EncodeNRGBA writes p as a PNG, alpha kept (opaque: an RGB PNG), or, for
// format "jpeg", as a JPEG of the given quality composited on white, which
// is done in p itself: p is opaque afterwards. Cancelling ctx stops the
// encoder at its next write, with ctx's error.
func EncodeNRGBA(ctx context.Context, w io.Writer, p *image.NRGBA, format string, quality int) (err error) {
	sw := &stopWriter{ctx: ctx, w: w}
	defer func() {
		if r := recover(); r != nil {
			if r != errStop {
				panic(r)
			}
			err = ctx.Err()
		}
	}()
	if format != "jpeg" {
		return png.Encode(sw, p)
	}
	if quality < 1 || quality > 100 {
		return errors.New("imaging: JPEG quality outside 1–100")
	}
	for y := range p.Rect.Dy() {
		if y%256 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		row := p.Pix[y*p.Stride : y*p.Stride+4*p.Rect.Dx()]
		for i := 0; i < len(row); i += 4 {
			if a := row[i+3]; a != 255 {
				for c := range 3 {
					row[i+c] = uint8((uint32(row[i+c])*uint32(a) + 255*(255-uint32(a)) + 127) / 255)
				}
				row[i+3] = 255
			}
		}
	}
	// Opaque straight and premultiplied RGBA are the same bytes, and the
	// encoder has a fast path for the latter.
	return jpeg.Encode(sw, &image.RGBA{Pix: p.Pix, Stride: p.Stride, Rect: p.Rect}, &jpeg.Options{Quality: quality})
}

// errStop is what stopWriter panics with.
var errStop = errors.New("imaging: stop")

// stopWriter ends an encoder's run once ctx is done: its next write
// panics, and EncodeNRGBA recovers. An error would not do: the JPEG
// encoder notes a failed write and computes on to the last block, seconds
// for a large photo.
type stopWriter struct {
	ctx context.Context
	w   io.Writer
}

func (s *stopWriter) Write(b []byte) (int, error) {
	if s.ctx.Err() != nil {
		panic(errStop)
	}
	return s.w.Write(b)
}
