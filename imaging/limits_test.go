package imaging

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sentiment/internal/heap"
	"sentiment/internal/infile"
)

func TestCheckSize(t *testing.T) {
	for _, c := range []struct {
		w, h  int
		want  error
		limit string
	}{
		{4000, 3000, nil, ""},
		{10000, 10000, nil, ""}, // exactly MaxPixels
		{16, 256, nil, ""},      // exactly MaxAspect
		{MaxSide, MaxSide / MaxAspect, nil, ""},
		{10001, 10000, ErrTooLarge, "imaging.MaxPixels"},
		{MaxSide + 1, 4000, ErrTooLarge, "imaging.MaxSide"},
		{16, 257, ErrAspect, "imaging.MaxAspect"},
		{20000, 20, ErrAspect, "imaging.MaxAspect"}, // issue 14: 649 s, 5.2 GB in transfer
		{100000, 16, ErrTooLarge, "imaging.MaxSide"},
		{0, 10, ErrCorrupt, ""},
		{10, -1, ErrCorrupt, ""},
	} {
		err := CheckSize(c.w, c.h)
		if !errors.Is(err, c.want) || err != nil && c.want == nil {
			t.Errorf("CheckSize(%d, %d) = %v, want %v", c.w, c.h, err, c.want)
		}
		if err != nil && !strings.Contains(err.Error(), c.limit) {
			t.Errorf("CheckSize(%d, %d): %q does not name %s", c.w, c.h, err, c.limit)
		}
		// Symmetric, so that an EXIF quarter turn changes nothing.
		if e2 := CheckSize(c.h, c.w); (e2 == nil) != (err == nil) {
			t.Errorf("CheckSize(%d, %d) = %v but CheckSize(%d, %d) = %v", c.w, c.h, err, c.h, c.w, e2)
		}
	}
}

// headerBudget bounds what refusing an input from its header may allocate:
// a decoder's state and a bufio buffer, not pixels.
const headerBudget = 256 << 10

// TestDecodeRefusesShapes decodes the reproducers, real PNG files
// of a few kilobytes, and checks that they are refused from the header
// before any pixel buffer exists.
func TestDecodeRefusesShapes(t *testing.T) {
	for _, c := range []struct {
		w, h int
		want error
	}{
		{20000, 20, ErrAspect},    // 1.6 KB: 649 s and 5.2 GB in transfer
		{100000, 16, ErrTooLarge}, // 6 KB: out of memory in op.Gram
		{20, 20000, ErrAspect},
	} {
		var b bytes.Buffer
		if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, c.w, c.h))); err != nil {
			t.Fatal(err)
		}
		var err error
		n := heap.Allocated(func() { _, _, err = DecodeBytes(b.Bytes()) })
		if !errors.Is(err, c.want) {
			t.Errorf("%d×%d PNG: %v, want %v", c.w, c.h, err, c.want)
		}
		if n > headerBudget {
			t.Errorf("%d×%d PNG: refusing it allocated %d bytes, want ≤ %d", c.w, c.h, n, headerBudget)
		}
	}
}

// TestDecodeFileSizeFirst checks that a huge file is refused from its size
// alone, before any byte is read, even when it starts as a valid image.
func TestDecodeFileSizeFirst(t *testing.T) {
	var b bytes.Buffer
	png.Encode(&b, image.NewGray(image.Rect(0, 0, 64, 64)))
	for name, head := range map[string][]byte{"non-image": []byte("not an image"), "png": b.Bytes()} {
		p := filepath.Join(t.TempDir(), "big")
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		f.Write(head)
		// Sparse: 3 GB claimed, nothing on disk.
		if err := f.Truncate(3 << 30); err != nil {
			t.Fatal(err)
		}
		f.Close()
		n := heap.Allocated(func() { _, _, err = DecodeFile(p) })
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "imaging.MaxFileBytes") {
			t.Errorf("3 GB %s: %v, want ErrTooLarge naming imaging.MaxFileBytes", name, err)
		}
		if n > headerBudget {
			t.Errorf("3 GB %s: refusing it allocated %d bytes", name, n)
		}
	}
}

// zeros is an endless stream of zero bytes, like /dev/zero.
type zeros struct{ read int64 }

func (z *zeros) Read(p []byte) (int, error) {
	clear(p)
	z.read += int64(len(p))
	return len(p), nil
}

// prefixed is an endless stream that starts with head.
func prefixed(head []byte) (io.Reader, *zeros) {
	z := &zeros{}
	return io.MultiReader(bytes.NewReader(head), z), z
}

func TestDecodeEndlessStreams(t *testing.T) {
	// Not an image: refused after one buffer's worth.
	z := &zeros{}
	var err error
	n := heap.Allocated(func() { _, _, err = Decode(z) })
	if !errors.Is(err, ErrFormat) || z.read > 64<<10 || n > headerBudget {
		t.Errorf("endless zeros: %v after %d bytes read, %d allocated", err, z.read, n)
	}
	// /dev/zero itself, where there is one: not a regular file, refused
	// before a byte is read.
	if _, err := os.Stat("/dev/zero"); err == nil {
		n := heap.Allocated(func() { _, _, err = DecodeFile("/dev/zero") })
		if !errors.Is(err, infile.ErrNotRegular) || n > headerBudget {
			t.Errorf("/dev/zero: %v, %d bytes allocated", err, n)
		}
	}
	// A TIFF's IFD0 may be anywhere: a header that points far into an
	// endless stream is read up to MaxFileBytes and no further.
	defer func(old int64) { maxFileBytes = old }(maxFileBytes)
	maxFileBytes = 1 << 20
	r, z := prefixed([]byte("II*\x00\xf0\xff\xff\x7f"))
	if _, _, err := Decode(r); !errors.Is(err, ErrTooLarge) || z.read > 2<<20 {
		t.Errorf("endless TIFF: %v after %d bytes read", err, z.read)
	}
	// A valid image followed by endless bytes decodes: the decoder stops
	// at the end of its data.
	var b bytes.Buffer
	png.Encode(&b, image.NewGray(image.Rect(0, 0, 30, 20)))
	r, _ = prefixed(b.Bytes())
	if m, _, err := Decode(r); err != nil || m.W != 30 || m.H != 20 {
		t.Errorf("PNG followed by endless zeros: %v", err)
	}
	// A file just past the lowered limit is refused by size.
	big := filepath.Join(t.TempDir(), "big.png")
	os.WriteFile(big, append(b.Bytes(), make([]byte, maxFileBytes)...), 0o644)
	if _, _, err := DecodeFile(big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("file over the limit: %v", err)
	}
	if _, _, err := DecodeBytes(make([]byte, maxFileBytes+1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("bytes over the limit: %v", err)
	}
}

func TestDecodeFolder(t *testing.T) {
	if _, _, err := DecodeFile(t.TempDir()); err == nil || !strings.Contains(err.Error(), "folder") {
		t.Errorf("folder: %v", err)
	}
}

// TestDecodeMemory bounds what a decode allocates per pixel: the float
// image (12 bytes) and the decoder's 8-bit pixels, nothing more. At
// MaxPixels that is the whole cost of a decode (about 1.3 GB); a second
// float copy, as orienting after converting made, would double it.
func TestDecodeMemory(t *testing.T) {
	gray := image.NewGray(image.Rect(0, 0, 1000, 1000))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i % 251)
	}
	var pngData, jpg bytes.Buffer
	png.Encode(&pngData, gray)
	ycc := image.NewYCbCr(image.Rect(0, 0, 1000, 800), image.YCbCrSubsampleRatio420)
	for i := range ycc.Y {
		ycc.Y[i] = uint8(i % 253)
	}
	jpeg.Encode(&jpg, ycc, &jpeg.Options{Quality: 90})
	sideways := withSegment(jpg.Bytes(), exifAPP1(binary.LittleEndian, [][4]uint32{{0x0112, 3, 1, 6}}))
	for _, c := range []struct {
		name   string
		data   []byte
		pixels int
		limit  float64 // bytes a pixel
	}{
		{"gray PNG", pngData.Bytes(), 1000 * 1000, 12 + 1 + 1},
		{"sideways JPEG", sideways, 1000 * 800, 12 + 1.5 + 1},
	} {
		var m *RGB
		var err error
		n := heap.Allocated(func() { m, _, err = DecodeBytes(c.data) })
		if err != nil {
			t.Fatal(err)
		}
		per := float64(n) / float64(c.pixels)
		t.Logf("%s: %.2f bytes a pixel", c.name, per)
		if per > c.limit {
			t.Errorf("%s (%d×%d): %.1f bytes a pixel, want ≤ %.1f", c.name, m.W, m.H, per, c.limit)
		}
	}
}
