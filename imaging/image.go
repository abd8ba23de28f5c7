// Package imaging holds the project's pixels: a planar float image, decoding
// with EXIF orientation, the one resizer and colour-space conversions.
package imaging

import (
	"fmt"
	"image"
)

// RGB is a colour image of sRGB-encoded samples in [0, 1], stored as three
// planes (R, then G, then B), each W·H values in row order. The planar order
// is the channel-major layout of the network's input map, so an RGB's Pix can
// feed the engine without reshuffling.
type RGB struct {
	W, H int
	Pix  []float32
}

// NewRGB returns a black w×h image.
func NewRGB(w, h int) *RGB {
	return &RGB{W: w, H: h, Pix: make([]float32, 3*w*h)}
}

// Plane returns channel c (0 = R, 1 = G, 2 = B).
func (m *RGB) Plane(c int) []float32 { n := m.W * m.H; return m.Pix[c*n : (c+1)*n] }

// At returns the three samples of pixel (x, y).
func (m *RGB) At(x, y int) (r, g, b float32) {
	n, i := m.W*m.H, y*m.W+x
	return m.Pix[i], m.Pix[n+i], m.Pix[2*n+i]
}

// Set sets pixel (x, y).
func (m *RGB) Set(x, y int, r, g, b float32) {
	n, i := m.W*m.H, y*m.W+x
	m.Pix[i], m.Pix[n+i], m.Pix[2*n+i] = r, g, b
}

// Clone returns a deep copy.
func (m *RGB) Clone() *RGB {
	return &RGB{W: m.W, H: m.H, Pix: append([]float32(nil), m.Pix...)}
}

// FromImage converts any image to an RGB of straight colour, dropping
// alpha (the project's one policy, see Alpha). An *image.NRGBA, which is
// what a canvas's ImageData holds, is read exactly.
func FromImage(img image.Image) *RGB {
	m, _ := convert(img, 1, false)
	return m
}

// NRGBA converts to an opaque 8-bit image, clamping to [0, 1] and rounding.
func (m *RGB) NRGBA() *image.NRGBA {
	out := image.NewNRGBA(image.Rect(0, 0, m.W, m.H))
	for i := 3; i < len(out.Pix); i += 4 {
		out.Pix[i] = 255
	}
	m.ColourInto(out.Pix)
	return out
}

// ColourInto writes m's colour into pix, W·H pixels of straight RGBA bytes
// in row order (an image.NRGBA's Pix, a canvas's ImageData), clamping and
// rounding as NRGBA does, and leaves pix's alpha bytes as they are: the
// engine transforms colour and the alpha plane passes through (see Alpha).
func (m *RGB) ColourInto(pix []byte) {
	n := m.W * m.H
	for i := 0; i < n; i++ {
		pix[4*i] = to8(m.Pix[i])
		pix[4*i+1] = to8(m.Pix[n+i])
		pix[4*i+2] = to8(m.Pix[2*n+i])
	}
}

// ColourFrom sets m's colour from pix, W·H pixels of straight RGBA bytes
// in row order, as FromImage reads an image.NRGBA; alpha is not read. It
// lets a caller convert a large photo a band at a time into one RGB.
func (m *RGB) ColourFrom(pix []byte) {
	n := m.W * m.H
	R, G, B := m.Pix[:n], m.Pix[n:2*n], m.Pix[2*n:3*n]
	for i := range n {
		s := pix[4*i : 4*i+3 : 4*i+3]
		R[i], G[i], B[i] = lut8[s[0]], lut8[s[1]], lut8[s[2]]
	}
}

func to8(v float32) uint8 {
	switch {
	case !(v > 0): // also NaN
		return 0
	case v >= 1:
		return 255
	}
	return uint8(v*255 + 0.5)
}

// Validate reports whether the image's buffer matches its dimensions.
func (m *RGB) Validate() error {
	if m.W <= 0 || m.H <= 0 || len(m.Pix) != 3*m.W*m.H {
		return fmt.Errorf("imaging: %d×%d image with %d samples", m.W, m.H, len(m.Pix))
	}
	return nil
}
