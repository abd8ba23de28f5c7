package imaging

import (
	"fmt"
	"image/jpeg"
	"image/png"
	"io"
)

// EncodePNG writes m as an 8-bit PNG.
func EncodePNG(w io.Writer, m *RGB) error {
	if err := m.Validate(); err != nil {
		return err
	}
	return png.Encode(w, m.NRGBA())
}

// EncodeJPEG writes m as a baseline JPEG of the given quality (1–100).
func EncodeJPEG(w io.Writer, m *RGB, quality int) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if quality < 1 || quality > 100 {
		return fmt.Errorf("imaging: JPEG quality %d is outside 1–100", quality)
	}
	return jpeg.Encode(w, m.NRGBA(), &jpeg.Options{Quality: quality})
}
