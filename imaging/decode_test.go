package imaging

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"

	"sentiment/assets"
)

// pattern is a synthetic w×h test image with distinct, smooth content.
func pattern(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(x * 255 / max(w-1, 1)), uint8(y * 255 / max(h-1, 1)), uint8((x + y) % 256), 255})
		}
	}
	return img
}

// near reports whether m holds img's pixels within tol (in [0, 1] units).
func near(t *testing.T, what string, m *RGB, img image.Image, tol float64) {
	t.Helper()
	b := img.Bounds()
	if m.W != b.Dx() || m.H != b.Dy() {
		t.Fatalf("%s: %d×%d, want %d×%d", what, m.W, m.H, b.Dx(), b.Dy())
	}
	worst := 0.0
	for y := 0; y < m.H; y++ {
		for x := 0; x < m.W; x++ {
			r, g, bb, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			mr, mg, mb := m.At(x, y)
			for _, d := range []float64{float64(mr) - float64(r)/65535, float64(mg) - float64(g)/65535, float64(mb) - float64(bb)/65535} {
				worst = math.Max(worst, math.Abs(d))
			}
		}
	}
	if worst > tol {
		t.Errorf("%s: largest difference %.4f, want ≤ %.4f", what, worst, tol)
	}
}

func TestDecodeFormats(t *testing.T) {
	src := pattern(37, 23)
	enc := map[string]func(*bytes.Buffer) error{
		"png":  func(b *bytes.Buffer) error { return png.Encode(b, src) },
		"bmp":  func(b *bytes.Buffer) error { return bmp.Encode(b, src) },
		"tiff": func(b *bytes.Buffer) error { return tiff.Encode(b, src, nil) },
		"jpeg": func(b *bytes.Buffer) error { return jpeg.Encode(b, src, &jpeg.Options{Quality: 95}) },
		"gif":  func(b *bytes.Buffer) error { return gif.Encode(b, src, nil) },
	}
	lossless := map[string]bool{"png": true, "bmp": true, "tiff": true}
	for format, f := range enc {
		var b bytes.Buffer
		if err := f(&b); err != nil {
			t.Fatal(err)
		}
		m, got, err := Decode(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if got != format {
			t.Errorf("format %q, want %q", got, format)
		}
		// Exactly the colours the standard decoders give, and for the
		// lossless formats exactly the source.
		ref, _, err := image.Decode(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		tol := 1e-6
		if format == "jpeg" {
			tol = 1.01 / 255 // the standard library's At converts YCbCr at 16 bits, browsers and Decode at 8
		}
		near(t, format, m, ref, tol)
		if lossless[format] {
			near(t, format, m, src, 1e-6)
		}
	}
}

// webpPixels are the pixels of testdata/pixels.webp, a lossless WebP made by
// imaging/testdata/gen_webp.py (Go has no WebP encoder).
var webpPixels = [3][4][3]uint8{
	{{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}},
	{{0, 0, 0}, {128, 128, 128}, {255, 255, 0}, {0, 255, 255}},
	{{10, 20, 30}, {200, 100, 50}, {1, 2, 3}, {250, 251, 252}},
}

func TestDecodeWebP(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "pixels.webp"))
	if err != nil {
		t.Fatal(err)
	}
	m, format, err := DecodeBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	want := image.NewNRGBA(image.Rect(0, 0, 4, 3))
	for y, row := range webpPixels {
		for x, p := range row {
			want.Set(x, y, color.NRGBA{p[0], p[1], p[2], 255})
		}
	}
	if format != "webp" {
		t.Errorf("format %q", format)
	}
	near(t, "webp", m, want, 1e-6)
}

func TestDecodeAssets(t *testing.T) {
	root, err := assets.Root("")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(root, "refs", "*.jpg"))
	files = append(files, filepath.Join(root, "models", "cat.bmp"), filepath.Join(root, "models", "bird.bmp"))
	if len(files) < 65 {
		t.Fatalf("found %d asset photos, want the 63 references and 2 BMPs", len(files))
	}
	for _, f := range files {
		m, format, err := DecodeFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(f)
		cfg, _, _ := image.DecodeConfig(bytes.NewReader(b))
		want := strings.TrimPrefix(filepath.Ext(f), ".")
		if want == "jpg" {
			want = "jpeg"
		}
		if format != want || m.W*m.H != cfg.Width*cfg.Height || max(m.W, m.H) != max(cfg.Width, cfg.Height) {
			t.Errorf("%s: %s %d×%d, header %d×%d", f, format, m.W, m.H, cfg.Width, cfg.Height)
		}
		var sum float64
		for _, v := range m.Pix {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("%s: sample %v outside [0, 1]", f, v)
			}
			sum += float64(v)
		}
		if mean := sum / float64(len(m.Pix)); mean < 0.01 || mean > 0.99 {
			t.Errorf("%s: mean %.3f: decoded as blank", f, mean)
		}
	}
}

type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// exifAPP1 returns an APP1 segment holding an Exif TIFF structure whose IFD0
// has the given entries (tag, type, count, value) in the given byte order.
func exifAPP1(bo byteOrder, entries [][4]uint32) []byte {
	var t []byte
	if bo == byteOrder(binary.LittleEndian) {
		t = append(t, 'I', 'I')
	} else {
		t = append(t, 'M', 'M')
	}
	t = bo.AppendUint16(t, 42)
	t = bo.AppendUint32(t, 8)
	t = bo.AppendUint16(t, uint16(len(entries)))
	for _, e := range entries {
		t = bo.AppendUint16(t, uint16(e[0]))
		t = bo.AppendUint16(t, uint16(e[1]))
		t = bo.AppendUint32(t, e[2])
		if e[1] == 3 { // SHORT: left-justified in the value field
			t = bo.AppendUint16(t, uint16(e[3]))
			t = bo.AppendUint16(t, 0)
		} else {
			t = bo.AppendUint32(t, e[3])
		}
	}
	t = bo.AppendUint32(t, 0) // no next IFD
	seg := append([]byte("Exif\x00\x00"), t...)
	return append([]byte{0xFF, 0xE1, byte((len(seg) + 2) >> 8), byte(len(seg) + 2)}, seg...)
}

// withSegment inserts a marker segment right after a JPEG's SOI.
func withSegment(jpg, seg []byte) []byte {
	return append(append(append([]byte{}, jpg[:2]...), seg...), jpg[2:]...)
}

// quadrants is a 32×16 image whose four 16×8 quadrants are red, green, blue
// and white, so each of the eight orientations puts them somewhere else.
func quadrants() *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, 32, 16))
	cols := []color.NRGBA{{255, 0, 0, 255}, {0, 255, 0, 255}, {0, 0, 255, 255}, {255, 255, 255, 255}}
	for y := 0; y < 16; y++ {
		for x := 0; x < 32; x++ {
			img.Set(x, y, cols[x/16+2*(y/8)])
		}
	}
	return img
}

// displayed maps stored pixel (x, y) of a w×h image to where the viewer
// shows it under EXIF orientation o, composing the standard's mirrors and
// turns step by step (Orient works the other way round, from the output).
func displayed(o, x, y, w, h int) (int, int) {
	mirror := func() { x = w - 1 - x }
	cw := func() { x, y, w, h = h-1-y, x, h, w }
	switch o {
	case 2:
		mirror()
	case 3:
		cw()
		cw()
	case 4:
		mirror()
		cw()
		cw()
	case 5:
		mirror()
		cw()
		cw()
		cw()
	case 6:
		cw()
	case 7:
		mirror()
		cw()
	case 8:
		cw()
		cw()
		cw()
	}
	return x, y
}

func TestDecodeEXIFOrientation(t *testing.T) {
	src := quadrants()
	var plain bytes.Buffer
	if err := jpeg.Encode(&plain, src, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	for _, bo := range []byteOrder{binary.LittleEndian, binary.BigEndian} {
		for o := 1; o <= 8; o++ {
			// A decoy tag first, as real files have many.
			app1 := exifAPP1(bo, [][4]uint32{{0x010F, 2, 4, 0}, {0x0112, 3, 1, uint32(o)}})
			b := withSegment(plain.Bytes(), app1)
			if got := Orientation(b); got != o {
				t.Errorf("%v: Orientation = %d, want %d", bo, got, o)
			}
			m, _, err := DecodeBytes(b)
			if err != nil {
				t.Fatal(err)
			}
			ww, wh := 32, 16
			if o >= 5 {
				ww, wh = 16, 32
			}
			if m.W != ww || m.H != wh {
				t.Fatalf("orientation %d: %d×%d, want %d×%d", o, m.W, m.H, ww, wh)
			}
			for _, p := range [][2]int{{4, 3}, {27, 3}, {4, 12}, {27, 12}, {0, 0}, {31, 15}} {
				c := src.NRGBAAt(p[0], p[1])
				dx, dy := displayed(o, p[0], p[1], 32, 16)
				r, g, bb := m.At(dx, dy)
				if math.Abs(float64(r)-float64(c.R)/255) > 0.15 || math.Abs(float64(g)-float64(c.G)/255) > 0.15 || math.Abs(float64(bb)-float64(c.B)/255) > 0.15 {
					t.Errorf("orientation %d: stored (%d,%d) %v shows at (%d,%d) as %.2f %.2f %.2f", o, p[0], p[1], c, dx, dy, r, g, bb)
				}
			}
		}
	}
}

func TestOrientationMalformed(t *testing.T) {
	var plain bytes.Buffer
	if err := jpeg.Encode(&plain, quadrants(), nil); err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	good := exifAPP1(le, [][4]uint32{{0x0112, 3, 1, 6}})
	cases := map[string][]byte{
		"value 9":      exifAPP1(le, [][4]uint32{{0x0112, 3, 1, 9}}),
		"value 0":      exifAPP1(le, [][4]uint32{{0x0112, 3, 1, 0}}),
		"type LONG":    exifAPP1(le, [][4]uint32{{0x0112, 4, 1, 6}}),
		"count 2":      exifAPP1(le, [][4]uint32{{0x0112, 3, 2, 6}}),
		"no tag":       exifAPP1(le, [][4]uint32{{0x0110, 3, 1, 6}}),
		"bad magic":    bytes.Replace(good, []byte("II*\x00"), []byte("II+\x00"), 1),
		"IFD past end": bytes.Replace(good, []byte("II*\x00\x08\x00\x00\x00"), []byte("II*\x00\xF0\xFF\x00\x00"), 1),
		"cut entry": func() []byte {
			s := append([]byte{}, good[:len(good)-6]...) // loses the next-IFD link and half the value
			s[2], s[3] = 0, byte(len(s)-2)
			return s
		}(),
		"length past end": func() []byte {
			s := append([]byte{}, good...)
			s[2], s[3] = 0xFF, 0xFF
			return s
		}(),
	}
	for name, seg := range cases {
		if got := Orientation(withSegment(plain.Bytes(), seg)); got != 1 {
			t.Errorf("%s: Orientation = %d, want 1", name, got)
		}
	}
	// The tag in an APP1 after the scan starts is not metadata.
	b := append(append([]byte{}, plain.Bytes()...), good...)
	if got := Orientation(b); got != 1 {
		t.Errorf("segment after the image: Orientation = %d, want 1", got)
	}
	for _, b := range [][]byte{nil, {0xFF}, {0xFF, 0xD8}, {0xFF, 0xD8, 0xFF}, []byte("II*\x00"), []byte("MM\x00*\x00\x00\x00\x08\x00")} {
		if got := Orientation(b); got != 1 {
			t.Errorf("%q: Orientation = %d, want 1", b, got)
		}
	}
}

func TestDecodeTIFFOrientation(t *testing.T) {
	// A TIFF's own IFD0 carries the tag; x/image/tiff ignores it, Decode
	// must not.
	var b bytes.Buffer
	if err := tiff.Encode(&b, quadrants(), nil); err != nil {
		t.Fatal(err)
	}
	data := withTIFFOrientation(b.Bytes(), 8) // quarter turn anticlockwise
	m, format, err := DecodeBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	if format != "tiff" || m.W != 16 || m.H != 32 {
		t.Fatalf("%s %d×%d, want tiff 16×32", format, m.W, m.H)
	}
	// The stored top-right (green) shows top-left after a turn anticlockwise.
	if r, g, bb := m.At(2, 2); r > 0.1 || g < 0.9 || bb > 0.1 {
		t.Errorf("top-left %.2f %.2f %.2f, want green", r, g, bb)
	}
}

// withTIFFOrientation returns a little-endian TIFF with an Orientation tag
// o added to its IFD0, rewritten with one more entry at the end.
func withTIFFOrientation(data []byte, o uint32) []byte {
	data = append([]byte{}, data...)
	le := binary.LittleEndian
	off := le.Uint32(data[4:])
	n := int(le.Uint16(data[off:]))
	entries := data[off+2 : int(off)+2+12*n]
	ifd := le.AppendUint16(nil, uint16(n+1))
	ifd = append(ifd, entries...)
	ifd = le.AppendUint16(ifd, 0x0112)
	ifd = le.AppendUint16(ifd, 3)
	ifd = le.AppendUint32(ifd, 1)
	ifd = le.AppendUint32(ifd, o)
	ifd = le.AppendUint32(ifd, 0)
	// TIFF wants the entries sorted by tag.
	sortIFD(ifd[2:len(ifd)-4], n+1)
	data = append(data, ifd...)
	le.PutUint32(data[4:], uint32(len(data)-len(ifd)))
	return data
}

func sortIFD(e []byte, n int) {
	le := binary.LittleEndian
	for i := 1; i < n; i++ {
		for j := i; j > 0 && le.Uint16(e[12*j:]) < le.Uint16(e[12*(j-1):]); j-- {
			var tmp [12]byte
			copy(tmp[:], e[12*j:12*j+12])
			copy(e[12*j:12*j+12], e[12*(j-1):12*j])
			copy(e[12*(j-1):12*j], tmp[:])
		}
	}
}

// pngOfSize returns a 1×1 PNG whose header claims w×h pixels.
func pngOfSize(w, h uint32) []byte {
	var b bytes.Buffer
	png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1)))
	p := b.Bytes()
	// IHDR: 8-byte signature, length, "IHDR", width, height, ..., CRC.
	binary.BigEndian.PutUint32(p[16:], w)
	binary.BigEndian.PutUint32(p[20:], h)
	binary.BigEndian.PutUint32(p[29:], crc32.ChecksumIEEE(p[12:29]))
	return p
}

func TestDecodeErrors(t *testing.T) {
	var jpg, pn bytes.Buffer
	jpeg.Encode(&jpg, pattern(64, 48), nil)
	png.Encode(&pn, pattern(64, 48))
	corrupt := append([]byte{}, pn.Bytes()...)
	for i := len(corrupt) / 3; i < len(corrupt)/2; i++ {
		corrupt[i] ^= 0x5A
	}
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrFormat},
		{"text", []byte("this is not an image, only words\n"), ErrFormat},
		{"jpeg header only", jpg.Bytes()[:40], ErrCorrupt},
		{"truncated jpeg", jpg.Bytes()[:jpg.Len()/2], ErrCorrupt},
		{"truncated png", pn.Bytes()[:pn.Len()/2], ErrCorrupt},
		{"corrupt png", corrupt, ErrCorrupt},
		{"huge png", pngOfSize(20000, 20000), ErrTooLarge},
		{"png of zero width", pngOfSize(0, 10), ErrCorrupt},
	}
	for _, c := range cases {
		m, _, err := DecodeBytes(c.data)
		if !errors.Is(err, c.want) || m != nil {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	if _, _, err := DecodeFile(filepath.Join(t.TempDir(), "missing.jpg")); err == nil {
		t.Error("missing file: no error")
	}
}

func FuzzDecode(f *testing.F) {
	src := pattern(9, 7)
	for _, enc := range []func(*bytes.Buffer){
		func(b *bytes.Buffer) { png.Encode(b, src) },
		func(b *bytes.Buffer) { jpeg.Encode(b, src, nil) },
		func(b *bytes.Buffer) { gif.Encode(b, src, nil) },
		func(b *bytes.Buffer) { bmp.Encode(b, src) },
		func(b *bytes.Buffer) { tiff.Encode(b, src, nil) },
	} {
		var b bytes.Buffer
		enc(&b)
		f.Add(b.Bytes())
	}
	var jpg bytes.Buffer
	jpeg.Encode(&jpg, src, nil)
	f.Add(withSegment(jpg.Bytes(), exifAPP1(binary.BigEndian, [][4]uint32{{0x0112, 3, 1, 7}})))
	if b, err := os.ReadFile(filepath.Join("testdata", "pixels.webp")); err == nil {
		f.Add(b)
	}
	// Keep claimed sizes small so that the fuzzer explores decoders rather
	// than allocating.
	defer func(old int) { maxPixels = old }(maxPixels)
	maxPixels = 1 << 16
	f.Fuzz(func(t *testing.T, b []byte) {
		m, a, format, err := DecodeAlpha(bytes.NewReader(b))
		if err != nil {
			if m != nil || a != nil {
				t.Fatal("image with an error")
			}
			return
		}
		if err := checkAlpha(m, a); err != nil {
			t.Fatal(err)
		}
		for _, v := range m.Pix {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("%s: colour sample %v", format, v)
			}
		}
		if a != nil {
			for _, v := range a.Pix {
				if !(v >= 0 && v < 1 || v == 1) {
					t.Fatalf("%s: alpha sample %v", format, v)
				}
			}
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
		if err != nil || m.W*m.H != cfg.Width*cfg.Height {
			t.Fatalf("%s: %d×%d decoded, header %v %v", format, m.W, m.H, cfg, err)
		}
	})
}
