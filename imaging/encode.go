package imaging

import (
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math"
)

// EncodePNG writes m as an opaque 8-bit PNG.
func EncodePNG(w io.Writer, m *RGB) error {
	return EncodePNGAlpha(w, m, nil)
}

// EncodePNGAlpha writes m as a PNG with alpha plane a, or opaque for a nil
// a. The alpha is kept as decoded: 8-bit when every sample is a multiple of
// 1/255 (then an 8-bit file's alpha comes back byte for byte), else the
// whole file is written at 16 bits.
func EncodePNGAlpha(w io.Writer, m *RGB, a *Alpha) error {
	if err := checkAlpha(m, a); err != nil {
		return err
	}
	if a == nil || !needs16(a.Pix) {
		out := m.NRGBA()
		if a != nil {
			for i, v := range a.Pix {
				out.Pix[4*i+3] = to8(v)
			}
		}
		return png.Encode(w, out)
	}
	out := image.NewNRGBA64(image.Rect(0, 0, m.W, m.H))
	n := m.W * m.H
	for i := 0; i < n; i++ {
		s := out.Pix[8*i : 8*i+8 : 8*i+8]
		put16(s[0:], m.Pix[i])
		put16(s[2:], m.Pix[n+i])
		put16(s[4:], m.Pix[2*n+i])
		put16(s[6:], a.Pix[i])
	}
	return png.Encode(w, out)
}

// needs16 reports whether some sample is not within rounding of k/255.
func needs16(v []float32) bool {
	for _, x := range v {
		k := math.Round(float64(x) * 255)
		if math.Abs(float64(x)*255-k) > 1e-3 {
			return true
		}
	}
	return false
}

// put16 stores v, clamped to [0, 1], as a big-endian 16-bit sample.
func put16(b []byte, v float32) {
	var s uint16
	switch {
	case !(v > 0): // also NaN
	case v >= 1:
		s = 0xffff
	default:
		s = uint16(v*0xffff + 0.5)
	}
	b[0], b[1] = byte(s>>8), byte(s)
}

// EncodeJPEG writes m as a baseline JPEG of the given quality (1–100).
func EncodeJPEG(w io.Writer, m *RGB, quality int) error {
	return EncodeJPEGOnWhite(w, m, nil, quality)
}

// EncodeJPEGOnWhite writes m composited on white by alpha plane a (nil for
// opaque) as a JPEG, which has no alpha: the picture as the page shows it.
func EncodeJPEGOnWhite(w io.Writer, m *RGB, a *Alpha, quality int) error {
	if quality < 1 || quality > 100 {
		return fmt.Errorf("imaging: JPEG quality %d is outside 1–100", quality)
	}
	m, err := OnWhite(m, a)
	if err != nil {
		return err
	}
	return jpeg.Encode(w, m.NRGBA(), &jpeg.Options{Quality: quality})
}
