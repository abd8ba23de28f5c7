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
// EXIF orientation o.
// Doing the orientation here, rather than as a copy afterwards, keeps a
// rotated phone photo's peak memory at one float image.
//
// The types the decoders return for photos have fast paths: the generic one
// makes an interface call and a colour conversion per pixel, seconds on a
// 24 MP JPEG.
func convert(img image.Image, o int, withAlpha bool) (*RGB, *Alpha) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	p, ow, oh := place(o, w, h)
	m := NewRGB(ow, oh)
	n := w * h
	R, G, B := m.Pix[:n], m.Pix[n:2*n], m.Pix[2*n:]
	var a *Alpha
	if op, ok := img.(opaquer); withAlpha && (!ok || !op.Opaque()) {
		a = &Alpha{W: ow, H: oh, Pix: make([]float32, n)}
	}
	// setA records alpha, when the image has any.
	setA := func(i int, v float32) {
		if a != nil {
			a.Pix[i] = v
		}
	}
	switch src := img.(type) {
	case *image.YCbCr:
		ycbcr(src, p, R, G, B)
	case *image.NYCbCrA:
		ycbcr(&src.YCbCr, p, R, G, B)
		if a != nil {
			for y := 0; y < h; y++ {
				row := src.A[src.AOffset(b.Min.X, b.Min.Y+y):]
				i := p.off + y*p.sy
				for x := 0; x < w; x++ {
					a.Pix[i] = lut8[row[x]]
					i += p.sx
				}
			}
		}
	case *image.Gray:
		for y := 0; y < h; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
			i := p.off + y*p.sy
			for x := 0; x < w; x++ {
				v := lut8[row[x]]
				R[i], G[i], B[i] = v, v, v
				i += p.sx
			}
		}
	case *image.Gray16:
		for y := 0; y < h; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
			i := p.off + y*p.sy
			for x := 0; x < w; x++ {
				v := float32(uint16(row[2*x])<<8|uint16(row[2*x+1])) / 0xffff
				R[i], G[i], B[i] = v, v, v
				i += p.sx
			}
		}
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
			i := p.off + y*p.sy
			for x := 0; x < w; x++ {
				s := row[4*x : 4*x+4 : 4*x+4]
				R[i], G[i], B[i] = lut8[s[0]], lut8[s[1]], lut8[s[2]]
				setA(i, lut8[s[3]])
				i += p.sx
			}
		}
	case *image.RGBA: // premultiplied
		for y := 0; y < h; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
			i := p.off + y*p.sy
			for x := 0; x < w; x++ {
				s := row[4*x : 4*x+4 : 4*x+4]
				if s[3] == 0xff {
					R[i], G[i], B[i] = lut8[s[0]], lut8[s[1]], lut8[s[2]]
				} else {
					R[i], G[i], B[i] = unpremul(uint32(s[0]), uint32(s[3])), unpremul(uint32(s[1]), uint32(s[3])), unpremul(uint32(s[2]), uint32(s[3]))
				}
				setA(i, lut8[s[3]])
				i += p.sx
			}
		}
	case *image.NRGBA64:
		for y := 0; y < h; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
			i := p.off + y*p.sy
			for x := 0; x < w; x++ {
				s := row[8*x : 8*x+8 : 8*x+8]
				R[i], G[i], B[i] = be16(s[0:]), be16(s[2:]), be16(s[4:])
				setA(i, be16(s[6:]))
				i += p.sx
			}
		}
	case *image.RGBA64: // premultiplied
		for y := 0; y < h; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
			i := p.off + y*p.sy
			for x := 0; x < w; x++ {
				s := row[8*x : 8*x+8 : 8*x+8]
				c := color.RGBA64{u16(s[0:]), u16(s[2:]), u16(s[4:]), u16(s[6:])}
				R[i], G[i], B[i], _ = straight(c)
				setA(i, be16(s[6:]))
				i += p.sx
			}
		}
	case *image.Paletted:
		// Straight colours once per palette entry (PNG's are NRGBA, so a
		// transparent entry keeps its colour).
		var pal [256][4]float32
		for k, c := range src.Palette {
			if k < len(pal) {
				pal[k][0], pal[k][1], pal[k][2], pal[k][3] = straight(c)
			}
		}
		for y := 0; y < h; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
			i := p.off + y*p.sy
			for x := 0; x < w; x++ {
				// An index past the palette is black, as Paletted.At has it.
				c := pal[row[x]]
				if int(row[x]) >= len(src.Palette) {
					c = [4]float32{0, 0, 0, 1}
				}
				R[i], G[i], B[i] = c[0], c[1], c[2]
				setA(i, c[3])
				i += p.sx
			}
		}
	default:
		for y := 0; y < h; y++ {
			i := p.off + y*p.sy
			for x := 0; x < w; x++ {
				var av float32
				R[i], G[i], B[i], av = straight(img.At(b.Min.X+x, b.Min.Y+y))
				setA(i, av)
				i += p.sx
			}
		}
	}
	if a != nil && a.Opaque() {
		a = nil
	}
	return m, a
}

// ycbcr converts a YCbCr image's colour at 8 bits, as browsers do.
func ycbcr(src *image.YCbCr, p placement, R, G, B []float32) {
	b := src.Rect
	w, h := b.Dx(), b.Dy()
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
	for y := 0; y < h; y++ {
		yrow := src.Y[y*src.YStride:]
		crow := ((b.Min.Y+y)>>sy - b.Min.Y>>sy) * src.CStride
		cb, cr := src.Cb[crow:], src.Cr[crow:]
		i := p.off + y*p.sy
		for x := 0; x < w; x++ {
			ci := (b.Min.X+x)>>sx - b.Min.X>>sx
			rr, gg, bb := color.YCbCrToRGB(yrow[x], cb[ci], cr[ci])
			R[i], G[i], B[i] = lut8[rr], lut8[gg], lut8[bb]
			i += p.sx
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
