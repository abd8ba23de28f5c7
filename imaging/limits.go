package imaging

import (
	"errors"
	"fmt"
)

// Limits on what Decode accepts, checked from the file's size and the
// image's header before any pixel is decoded, so that a small file claiming
// a huge or absurdly shaped image, or a huge file, costs nothing. CheckSize
// applies the same limits to an image already in memory.
const (
	// MaxPixels is the largest image, in pixels: 100 megapixels hold any
	// camera photo of today; as an RGB such an image takes 1.2 GB.
	MaxPixels = 100_000_000
	// MaxSide is the longest side, in pixels (the page's limit too).
	MaxSide = 1 << 15
	// MaxAspect is the most elongated shape: the long side at most
	// MaxAspect times the short one. Phone panoramas reach about 8:1. The
	// transfer keeps the short side of its working image at 48 pixels at
	// least, so its long side is at most 48·MaxAspect = 768 pixels beyond
	// the preset's size: without this limit a 20000×20 PNG of 1.6 KB made
	// a 48000×48 working image (649 s, 5.2 GB).
	MaxAspect = 16
	// MaxFileBytes is the largest file Decode reads: a 100-megapixel image
	// stored uncompressed at 16 bits with alpha takes 800 MB.
	MaxFileBytes = 1 << 30
)

// Limits as the decoder applies them; the fuzz test lowers them so that the
// fuzzer explores decoders rather than allocation.
var (
	maxPixels    = MaxPixels
	maxFileBytes = int64(MaxFileBytes)
)

// ErrAspect means the image is more elongated than MaxAspect.
var ErrAspect = errors.New("imaging: image too elongated")

// CheckSize reports whether a w×h image is within the limits that Decode
// applies (MaxPixels, MaxSide, MaxAspect), with an error naming the limit it
// breaks. The limits are the same for w×h and h×w, so an EXIF orientation
// does not change the answer. Callers that take images from elsewhere (the
// page's canvas, a caller's own decoder) check them here before any work.
func CheckSize(w, h int) error {
	if w <= 0 || h <= 0 {
		return fmt.Errorf("%w: %d×%d pixels", ErrCorrupt, w, h)
	}
	long, short := max(w, h), min(w, h)
	if long > MaxSide {
		return fmt.Errorf("%w: %d×%d pixels, a side longer than the limit of %d (imaging.MaxSide)", ErrTooLarge, w, h, MaxSide)
	}
	if int64(w)*int64(h) > int64(maxPixels) {
		return fmt.Errorf("%w: %d×%d pixels, more than the limit of %d (imaging.MaxPixels)", ErrTooLarge, w, h, maxPixels)
	}
	if long > MaxAspect*short {
		return fmt.Errorf("%w: %d×%d pixels, the long side more than %d times the short one (imaging.MaxAspect)", ErrAspect, w, h, MaxAspect)
	}
	return nil
}

// fileTooLarge is the error for a file or stream longer than maxFileBytes.
func fileTooLarge(size int64) error {
	if size < 0 {
		return fmt.Errorf("%w: more than the limit of %d bytes (imaging.MaxFileBytes)", ErrTooLarge, maxFileBytes)
	}
	return fmt.Errorf("%w: a file of %d bytes, more than the limit of %d (imaging.MaxFileBytes)", ErrTooLarge, size, maxFileBytes)
}
