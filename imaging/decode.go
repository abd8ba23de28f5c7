package imaging

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // registers GIF with image.Decode
	_ "image/jpeg"
	_ "image/png"
	"io"
	"os"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"
)

// MaxPixels is the largest image, in pixels, that Decode accepts. It is
// checked from the header before any pixel is decoded, so a small file that
// claims a huge image (a decompression bomb) costs nothing. 100 megapixels
// hold any camera photo of today; as an RGB such an image takes 1.2 GB.
var MaxPixels = 100_000_000

// Errors that Decode returns, wrapped with detail; test with errors.Is.
var (
	// ErrFormat means the data is not an image of a supported format:
	// JPEG, PNG, GIF, BMP, WebP or TIFF.
	ErrFormat = errors.New("imaging: not an image of a supported format (JPEG, PNG, GIF, BMP, WebP, TIFF)")
	// ErrTooLarge means the image has more than MaxPixels pixels.
	ErrTooLarge = errors.New("imaging: image too large")
	// ErrCorrupt means the header was recognized but the data is damaged
	// or truncated.
	ErrCorrupt = errors.New("imaging: corrupt or truncated image")
)

// Decode reads an image in any supported format from r and returns it
// upright: the EXIF orientation of a JPEG or TIFF is applied, as browsers
// and photo viewers do. The string is the format name ("jpeg", "png",
// "gif", "bmp", "webp", "tiff"). The whole of r is read into memory first,
// because the header is read twice (size check, orientation) before the
// pixels.
func Decode(r io.Reader) (*RGB, string, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, "", fmt.Errorf("imaging: reading image: %w", err)
	}
	return DecodeBytes(b)
}

// DecodeFile decodes the image file at path, as Decode does.
func DecodeFile(path string) (*RGB, string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("imaging: %w", err)
	}
	m, format, err := DecodeBytes(b)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", path, err)
	}
	return m, format, nil
}

// DecodeBytes decodes an image held in memory, as Decode does.
func DecodeBytes(b []byte) (m *RGB, format string, err error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		if errors.Is(err, image.ErrFormat) {
			return nil, "", ErrFormat
		}
		return nil, format, fmt.Errorf("%w: %s header: %v", ErrCorrupt, orUnknown(format), err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, format, fmt.Errorf("%w: %s of %d×%d pixels", ErrCorrupt, format, cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(MaxPixels) {
		return nil, format, fmt.Errorf("%w: %d×%d pixels, more than the limit of %d", ErrTooLarge, cfg.Width, cfg.Height, MaxPixels)
	}
	// The decoders of golang.org/x/image are not all as hardened against
	// hostile input as the standard library's; a panic there must reach the
	// caller as an error like any other damaged file.
	defer func() {
		if p := recover(); p != nil {
			m, err = nil, fmt.Errorf("%w: %s decoder failed: %v", ErrCorrupt, format, p)
		}
	}()
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, format, fmt.Errorf("%w: %s: %v", ErrCorrupt, format, err)
	}
	if img.Bounds().Dx() != cfg.Width || img.Bounds().Dy() != cfg.Height {
		return nil, format, fmt.Errorf("%w: %s header says %d×%d, pixels are %d×%d", ErrCorrupt, format, cfg.Width, cfg.Height, img.Bounds().Dx(), img.Bounds().Dy())
	}
	m = toRGB(img)
	if format == "jpeg" || format == "tiff" {
		m = Orient(m, Orientation(b))
	}
	return m, format, nil
}

func orUnknown(format string) string {
	if format == "" {
		return "image"
	}
	return format
}

// toRGB converts a decoded image, with fast paths for the types the
// decoders return for photos: FromImage's generic path goes through an
// interface call and a colour conversion per pixel, seconds on a 24 MP JPEG.
func toRGB(img image.Image) *RGB {
	b := img.Bounds()
	switch src := img.(type) {
	case *image.YCbCr:
		m := NewRGB(b.Dx(), b.Dy())
		n := m.W * m.H
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
		r, g, bl := m.Pix[:n], m.Pix[n:2*n], m.Pix[2*n:]
		for y := 0; y < m.H; y++ {
			sy0 := b.Min.Y + y
			yrow := src.Y[(sy0-src.Rect.Min.Y)*src.YStride:]
			crow := (sy0>>sy - src.Rect.Min.Y>>sy) * src.CStride
			cb, cr := src.Cb[crow:], src.Cr[crow:]
			for x := 0; x < m.W; x++ {
				sx0 := b.Min.X + x
				ci := sx0>>sx - src.Rect.Min.X>>sx
				rr, gg, bb := color.YCbCrToRGB(yrow[sx0-src.Rect.Min.X], cb[ci], cr[ci])
				i := y*m.W + x
				r[i], g[i], bl[i] = lut8[rr], lut8[gg], lut8[bb]
			}
		}
		return m
	case *image.Gray:
		m := NewRGB(b.Dx(), b.Dy())
		n := m.W * m.H
		for y := 0; y < m.H; y++ {
			row := src.Pix[y*src.Stride : y*src.Stride+m.W]
			for x, v := range row {
				i := y*m.W + x
				m.Pix[i], m.Pix[n+i], m.Pix[2*n+i] = lut8[v], lut8[v], lut8[v]
			}
		}
		return m
	case *image.RGBA:
		// Premultiplied: on black, as FromImage composites.
		m := NewRGB(b.Dx(), b.Dy())
		n := m.W * m.H
		for y := 0; y < m.H; y++ {
			row := src.Pix[y*src.Stride : y*src.Stride+4*m.W]
			for x := 0; x < m.W; x++ {
				i := y*m.W + x
				m.Pix[i], m.Pix[n+i], m.Pix[2*n+i] = lut8[row[4*x]], lut8[row[4*x+1]], lut8[row[4*x+2]]
			}
		}
		return m
	case *image.NRGBA:
		if b.Min == (image.Point{}) {
			return FromImage(src)
		}
	}
	return FromImage(img)
}

// lut8 maps an 8-bit sample to [0, 1].
var lut8 = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(i) / 255
	}
	return
}()
