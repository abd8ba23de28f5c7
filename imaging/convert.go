package imaging

import (
	"image"
	"image/color"
)

// placement maps a stored pixel (x, y) of a w×h image to its index
// off + x·sx + y·sy in the image shown under an EXIF orientation: each of
// the eight orientations is such an affine map.
type placement struct{ off, sx, sy int }

// place returns the placement for orientation o (1–8; others count as 1)
// and the size of the shown image.
func place(o, w, h int) (p placement, ow, oh int) {
	switch o {
	case 2: // mirrored left–right
		return placement{w - 1, -1, w}, w, h
	case 3: // turned 180°
		return placement{(h-1)*w + w - 1, -1, -w}, w, h
	case 4: // mirrored top–bottom
		return placement{(h - 1) * w, 1, -w}, w, h
	case 5: // transposed: (x, y) shows at (y, x)
		return placement{0, h, 1}, h, w
	case 6: // needs a quarter turn clockwise: (x, y) shows at (h-1-y, x)
		return placement{h - 1, h, -1}, h, w
	case 7: // transversed: (x, y) shows at (h-1-y, w-1-x)
		return placement{(w-1)*h + h - 1, -h, -1}, h, w
	case 8: // needs a quarter turn anticlockwise: (x, y) shows at (y, w-1-x)
		return placement{(w - 1) * h, -h, 1}, h, w
	}
	return placement{0, 1, w}, w, h
}

// opaquer is the method of the standard image types that scans for alpha.
type opaquer interface{ Opaque() bool }

// convert turns a decoded image into straight colour and, unless the image
// is opaque or withAlpha false, its alpha plane, both already shown under
// EXIF orientation o. Doing the orientation here, rather than as a copy
// afterwards, keeps a rotated phone photo's peak memory at one float image.
func convert(img image.Image, o int, withAlpha bool) (*RGB, *Alpha) {
	b := img.Bounds()
	_, ow, oh := place(o, b.Dx(), b.Dy())
	m := NewRGB(ow, oh)
	var a *Alpha
	if op, ok := img.(opaquer); withAlpha && (!ok || !op.Opaque()) {
		a = &Alpha{W: ow, H: oh, Pix: make([]float32, ow*oh)}
	}
	convertInto(img, o, m, a)
	if a != nil && a.Opaque() {
		a = nil
	}
	return m, a
}

// convertInto is convert into m and, unless it is nil, a, both of the
// image's size shown under orientation o. Where the image is opaque a is
// left as it was.
//
// The types the decoders return for photos have fast paths, a method of
// target each (as image/draw names its cases): the generic one makes an
// interface call and a colour conversion per pixel, seconds on a 24 MP
// JPEG.
func convertInto(img image.Image, o int, m *RGB, a *Alpha) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	p, _, _ := place(o, w, h)
	n := w * h
	t := &target{p: p, min: b.Min, R: m.Pix[:n], G: m.Pix[n : 2*n], B: m.Pix[2*n : 3*n]}
	if a != nil {
		t.A = a.Pix[:n]
	}
	// span converts the stored pixels [x0, x1) × [y0, y1), relative to
	// the bounds.
	var span func(x0, x1, y0, y1 int)
	switch src := img.(type) {
	case *image.YCbCr:
		span = func(x0, x1, y0, y1 int) { t.ycbcr(src, x0, x1, y0, y1) }
	case *image.NYCbCrA:
		span = func(x0, x1, y0, y1 int) { t.nycbcra(src, x0, x1, y0, y1) }
	case *image.Gray:
		span = func(x0, x1, y0, y1 int) { t.gray(src, x0, x1, y0, y1) }
	case *image.Gray16:
		span = func(x0, x1, y0, y1 int) { t.gray16(src, x0, x1, y0, y1) }
	case *image.NRGBA:
		span = func(x0, x1, y0, y1 int) { t.nrgba(src, x0, x1, y0, y1) }
	case *image.RGBA: // premultiplied
		span = func(x0, x1, y0, y1 int) { t.rgba(src, x0, x1, y0, y1) }
	case *image.NRGBA64:
		span = func(x0, x1, y0, y1 int) { t.nrgba64(src, x0, x1, y0, y1) }
	case *image.RGBA64: // premultiplied: 16-bit PNGs without alpha
		span = func(x0, x1, y0, y1 int) { t.rgba64(src, x0, x1, y0, y1) }
	case *image.Paletted:
		pal := straightPalette(src.Palette)
		span = func(x0, x1, y0, y1 int) { t.paletted(src, &pal, x0, x1, y0, y1) }
	default: // CMYK and the rest
		span = func(x0, x1, y0, y1 int) { t.generic(img, x0, x1, y0, y1) }
	}
	if o < 5 {
		span(0, w, 0, h) // rows stay rows
	} else {
		// Rows become columns: in tiles, so that the writes of a tile
		// fall in a few cache lines of each output row rather than one
		// line per pixel.
		const tile = 64
		for y0 := 0; y0 < h; y0 += tile {
			for x0 := 0; x0 < w; x0 += tile {
				span(x0, min(x0+tile, w), y0, min(y0+tile, h))
			}
		}
	}
}

// target is where convert writes: the planes of the shown image, its
// alpha plane (nil when alpha is not kept), the placement of a stored
// pixel and the stored image's bounds' origin. Each method converts the
// stored pixels [x0, x1) × [y0, y1), relative to the bounds, of one type.
type target struct {
	p          placement
	min        image.Point
	R, G, B, A []float32
}

// at returns the index in the planes of stored pixel (x, y).
func (t *target) at(x, y int) int { return t.p.off + y*t.p.sy + x*t.p.sx }

// ycbcr converts a YCbCr image at 8 bits, as browsers do.
func (t *target) ycbcr(src *image.YCbCr, x0, x1, y0, y1 int) {
	b := src.Rect
	// Chroma subsampling: chroma (cx, cy) = (x>>sx, y>>sy).
	var sx, sy uint
	switch src.SubsampleRatio {
	case image.YCbCrSubsampleRatio422:
		sx = 1
	case image.YCbCrSubsampleRatio420:
		sx, sy = 1, 1
	case image.YCbCrSubsampleRatio440:
		sy = 1
	case image.YCbCrSubsampleRatio411:
		sx = 2
	case image.YCbCrSubsampleRatio410:
		sx, sy = 2, 1
	}
	for y := y0; y < y1; y++ {
		yrow := src.Y[y*src.YStride:]
		crow := ((b.Min.Y+y)>>sy - b.Min.Y>>sy) * src.CStride
		cb, cr := src.Cb[crow:], src.Cr[crow:]
		i := t.at(x0, y)
		for x := x0; x < x1; x++ {
			ci := (b.Min.X+x)>>sx - b.Min.X>>sx
			rr, gg, bb := color.YCbCrToRGB(yrow[x], cb[ci], cr[ci])
			t.R[i], t.G[i], t.B[i] = lut8[rr], lut8[gg], lut8[bb]
			i += t.p.sx
		}
	}
}

// nycbcra converts a YCbCr image with an alpha plane.
func (t *target) nycbcra(src *image.NYCbCrA, x0, x1, y0, y1 int) {
	t.ycbcr(&src.YCbCr, x0, x1, y0, y1)
	if t.A == nil {
		return
	}
	for y := y0; y < y1; y++ {
		row := src.A[src.AOffset(t.min.X, t.min.Y+y):]
		i := t.at(x0, y)
		for x := x0; x < x1; x++ {
			t.A[i] = lut8[row[x]]
			i += t.p.sx
		}
	}
}

func (t *target) gray(src *image.Gray, x0, x1, y0, y1 int) {
	for y := y0; y < y1; y++ {
		row := src.Pix[src.PixOffset(t.min.X, t.min.Y+y):]
		i := t.at(x0, y)
		for x := x0; x < x1; x++ {
			v := lut8[row[x]]
			t.R[i], t.G[i], t.B[i] = v, v, v
			i += t.p.sx
		}
	}
}

func (t *target) gray16(src *image.Gray16, x0, x1, y0, y1 int) {
	for y := y0; y < y1; y++ {
		row := src.Pix[src.PixOffset(t.min.X, t.min.Y+y):]
		i := t.at(x0, y)
		for x := x0; x < x1; x++ {
			v := be16(row[2*x:])
			t.R[i], t.G[i], t.B[i] = v, v, v
			i += t.p.sx
		}
	}
}

func (t *target) nrgba(src *image.NRGBA, x0, x1, y0, y1 int) {
	for y := y0; y < y1; y++ {
		row := src.Pix[src.PixOffset(t.min.X, t.min.Y+y):]
		i := t.at(x0, y)
		for x := x0; x < x1; x++ {
			s := row[4*x : 4*x+4 : 4*x+4]
			t.R[i], t.G[i], t.B[i] = lut8[s[0]], lut8[s[1]], lut8[s[2]]
			if t.A != nil {
				t.A[i] = lut8[s[3]]
			}
			i += t.p.sx
		}
	}
}

// rgba converts a premultiplied RGBA image to straight colour.
func (t *target) rgba(src *image.RGBA, x0, x1, y0, y1 int) {
	for y := y0; y < y1; y++ {
		row := src.Pix[src.PixOffset(t.min.X, t.min.Y+y):]
		i := t.at(x0, y)
		for x := x0; x < x1; x++ {
			s := row[4*x : 4*x+4 : 4*x+4]
			if al := uint32(s[3]); al == 0xff {
				t.R[i], t.G[i], t.B[i] = lut8[s[0]], lut8[s[1]], lut8[s[2]]
			} else {
				t.R[i], t.G[i], t.B[i] = unpremul(uint32(s[0]), al), unpremul(uint32(s[1]), al), unpremul(uint32(s[2]), al)
			}
			if t.A != nil {
				t.A[i] = lut8[s[3]]
			}
			i += t.p.sx
		}
	}
}

func (t *target) nrgba64(src *image.NRGBA64, x0, x1, y0, y1 int) {
	for y := y0; y < y1; y++ {
		row := src.Pix[src.PixOffset(t.min.X, t.min.Y+y):]
		i := t.at(x0, y)
		for x := x0; x < x1; x++ {
			s := row[8*x : 8*x+8 : 8*x+8]
			t.R[i], t.G[i], t.B[i] = be16(s[0:]), be16(s[2:]), be16(s[4:])
			if t.A != nil {
				t.A[i] = be16(s[6:])
			}
			i += t.p.sx
		}
	}
}

// rgba64 converts a premultiplied 16-bit image to straight colour.
func (t *target) rgba64(src *image.RGBA64, x0, x1, y0, y1 int) {
	for y := y0; y < y1; y++ {
		row := src.Pix[src.PixOffset(t.min.X, t.min.Y+y):]
		i := t.at(x0, y)
		for x := x0; x < x1; x++ {
			s := row[8*x : 8*x+8 : 8*x+8]
			var av float32
			t.R[i], t.G[i], t.B[i], av = straight(color.RGBA64{u16(s[0:]), u16(s[2:]), u16(s[4:]), u16(s[6:])})
			if t.A != nil {
				t.A[i] = av
			}
			i += t.p.sx
		}
	}
}

// straightPalette returns a palette's straight colours and alphas, once
// per entry (PNG's are NRGBA, so a transparent entry keeps its colour);
// an index past the palette is opaque black.
func straightPalette(p color.Palette) (pal [256][4]float32) {
	for k := range pal {
		pal[k][3] = 1
		if k < len(p) {
			pal[k][0], pal[k][1], pal[k][2], pal[k][3] = straight(p[k])
		}
	}
	return pal
}

func (t *target) paletted(src *image.Paletted, pal *[256][4]float32, x0, x1, y0, y1 int) {
	for y := y0; y < y1; y++ {
		row := src.Pix[src.PixOffset(t.min.X, t.min.Y+y):]
		i := t.at(x0, y)
		for x := x0; x < x1; x++ {
			c := &pal[row[x]]
			t.R[i], t.G[i], t.B[i] = c[0], c[1], c[2]
			if t.A != nil {
				t.A[i] = c[3]
			}
			i += t.p.sx
		}
	}
}

// generic converts any image a pixel at a time through its colour model
// (CMYK and the types no decoder of photos returns).
func (t *target) generic(img image.Image, x0, x1, y0, y1 int) {
	for y := y0; y < y1; y++ {
		i := t.at(x0, y)
		for x := x0; x < x1; x++ {
			var av float32
			t.R[i], t.G[i], t.B[i], av = straight(img.At(t.min.X+x, t.min.Y+y))
			if t.A != nil {
				t.A[i] = av
			}
			i += t.p.sx
		}
	}
}

// straight returns a colour's straight (un-premultiplied) samples and its
// alpha in [0, 1]. The non-premultiplied colour types are read exactly:
// going through RGBA() would lose the colour of nearly transparent pixels.
func straight(c color.Color) (r, g, b, a float32) {
	switch c := c.(type) {
	case color.NRGBA:
		return lut8[c.R], lut8[c.G], lut8[c.B], lut8[c.A]
	case color.NRGBA64:
		return float32(c.R) / 0xffff, float32(c.G) / 0xffff, float32(c.B) / 0xffff, float32(c.A) / 0xffff
	}
	pr, pg, pb, pa := c.RGBA()
	if pa == 0xffff {
		return float32(pr) / 0xffff, float32(pg) / 0xffff, float32(pb) / 0xffff, 1
	}
	return unpremul(pr, pa), unpremul(pg, pa), unpremul(pb, pa), float32(pa) / 0xffff
}

// unpremul returns premultiplied sample v at alpha a (same scale) as a
// straight sample in [0, 1]; a transparent pixel has no colour, 0.
func unpremul(v, a uint32) float32 {
	if a == 0 {
		return 0
	}
	return min(float32(v)/float32(a), 1)
}

func u16(b []byte) uint16   { return uint16(b[0])<<8 | uint16(b[1]) }
func be16(b []byte) float32 { return float32(u16(b)) / 0xffff }

// lut8 maps an 8-bit sample to [0, 1].
var lut8 = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(i) / 255
	}
	return
}()
