package imaging

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"sentiment/internal/heap"
)

// paletteWithICCP returns a 16×16 palette PNG whose iCCP chunk of n bytes
// comes before its PLTE, which DecodeConfig must read through to find the
// palette.
func paletteWithICCP(t *testing.T, n int) []byte {
	pal := color.Palette{color.RGBA{200, 30, 30, 255}, color.RGBA{30, 30, 200, 255}}
	m := image.NewPaletted(image.Rect(0, 0, 16, 16), pal)
	for i := range m.Pix {
		m.Pix[i] = uint8(i % 2)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	p := b.Bytes()
	at := 8 + 25 // after the signature and IHDR
	chunk := make([]byte, 12+n)
	binary.BigEndian.PutUint32(chunk, uint32(n))
	copy(chunk[4:], "iCCP")
	copy(chunk[8:], "profile\x00\x00")
	binary.BigEndian.PutUint32(chunk[8+n:], crc32.ChecksumIEEE(chunk[4:8+n]))
	return append(append(append([]byte{}, p[:at]...), chunk...), p[at:]...)
}

// jpegWithAPP2 returns a 64×48 JPEG with n bytes of APP2 segments (an ICC
// profile, say) between its SOI and its frame.
func jpegWithAPP2(t *testing.T, n int) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, pattern(64, 48), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	out := append([]byte{}, b.Bytes()[:2]...)
	for n > 0 {
		k := min(n, 65533)
		out = append(out, 0xFF, 0xE2, byte((k+2)>>8), byte(k+2))
		out = append(out, make([]byte, k)...)
		n -= k
	}
	return append(out, b.Bytes()[2:]...)
}

// stream hides a reader's other methods: a source that cannot seek.
type stream struct{ io.Reader }

// TestMetadataBounded: a tiny picture behind 40 MB of metadata (a PNG's
// iCCP before its PLTE, a JPEG's APP2 segments before its frame) decodes
// from a file or bytes at the cost of the picture, not of the metadata;
// from a stream that cannot be read twice it is refused, at the same
// small cost.
func TestMetadataBounded(t *testing.T) {
	const meta = 40 << 20
	// What a decode may allocate here: the kept header, grown by doubling
	// up to maxHeadBytes (2 MB), and the picture: a few MB.
	const budget = 5 << 20
	dir := t.TempDir()
	for name, data := range map[string][]byte{
		"palette PNG with a 40 MB iCCP": paletteWithICCP(t, meta),
		"JPEG with 40 MB of APP2":       jpegWithAPP2(t, meta),
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, "x")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			var m *RGB
			var err error
			sources := map[string]func(){
				"file":  func() { m, _, err = DecodeFile(path) },
				"bytes": func() { m, _, err = DecodeBytes(data) },
			}
			if runtime.GOOS == "js" {
				// Under node every read of a file allocates in Go (a
				// callback per call), 14 MB for these 40: the commands
				// that decode files run natively.
				delete(sources, "file")
			}
			for from, decode := range sources {
				n := heap.Allocated(decode)
				if err != nil || m == nil || n > budget {
					t.Errorf("from %s: %v, %d bytes allocated, want a picture for at most %d", from, err, n, budget)
					continue
				}
				if m.W != 16 && m.W != 64 {
					t.Errorf("from %s: %d×%d", from, m.W, m.H)
				}
			}
			n := heap.Allocated(func() { m, _, err = Decode(stream{bytes.NewReader(data)}) })
			if !errors.Is(err, ErrTooLarge) || n > budget {
				t.Errorf("from a stream: %v, %d bytes allocated, want refused for at most %d", err, n, budget)
			}
		})
	}
}

// TestJPEGWithoutEndMarker: a JPEG that lacks only its two-byte
// end-of-image marker decodes to the same picture, as browsers show it; a
// JPEG cut anywhere else stays refused.
func TestJPEGWithoutEndMarker(t *testing.T) {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, pattern(64, 48), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	whole := b.Bytes()
	if !bytes.HasSuffix(whole, []byte{0xFF, 0xD9}) {
		t.Fatal("the encoder wrote no end marker")
	}
	want, _, err := DecodeBytes(whole)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "no-eoi.jpg")
	for _, cut := range []int{2, 1} {
		data := whole[:len(whole)-cut]
		os.WriteFile(path, data, 0o644)
		for from, decode := range map[string]func() (*RGB, string, error){
			"bytes":  func() (*RGB, string, error) { return DecodeBytes(data) },
			"file":   func() (*RGB, string, error) { return DecodeFile(path) },
			"stream": func() (*RGB, string, error) { return Decode(stream{bytes.NewReader(data)}) },
		} {
			got, format, err := decode()
			if err != nil || format != "jpeg" || !bytes.Equal(f32bytes(got.Pix), f32bytes(want.Pix)) {
				t.Errorf("without %d bytes of its end marker, from %s: %v", cut, from, err)
			}
		}
	}
	// Cut in the entropy-coded data.
	for _, cut := range []int{len(whole) / 2, len(whole) - 40, len(whole) - 3} {
		if _, _, err := DecodeBytes(whole[:cut]); !errors.Is(err, ErrCorrupt) {
			t.Errorf("cut at %d of %d: %v, want refused", cut, len(whole), err)
		}
	}
}

func f32bytes(v []float32) []byte {
	b := make([]byte, 0, 4*len(v))
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

// doubled returns a prefix an error message says twice, as "png" in
// "imaging: corrupt or truncated image: png: png: invalid format", or "".
func doubled(msg string) string {
	seen := map[string]bool{}
	parts := strings.Split(msg, ": ")
	for _, p := range parts[:len(parts)-1] {
		if seen[p] {
			return p
		}
		seen[p] = true
	}
	return ""
}

// TestErrorPrefixesOnce: the error for a damaged file of each format says
// each prefix once.
func TestErrorPrefixesOnce(t *testing.T) {
	var jpg, pn bytes.Buffer
	jpeg.Encode(&jpg, pattern(64, 48), nil)
	png.Encode(&pn, pattern(64, 48))
	corrupt := func(b []byte) []byte {
		c := append([]byte{}, b...)
		for i := len(c) / 3; i < len(c)/2; i++ {
			c[i] ^= 0x5A
		}
		return c
	}
	dir := t.TempDir()
	for name, data := range map[string][]byte{
		"corrupt png":    corrupt(pn.Bytes()),
		"truncated png":  pn.Bytes()[:pn.Len()/2],
		"png header":     pn.Bytes()[:20],
		"corrupt jpeg":   corrupt(jpg.Bytes()),
		"truncated jpeg": jpg.Bytes()[:jpg.Len()/2],
		"jpeg header":    jpg.Bytes()[:40],
		"gif header":     []byte("GIF89a\x10\x00"),
		"bmp header":     []byte("BM\x00\x00\x00\x00"),
		"tiff header":    []byte("II*\x00\x08\x00\x00\x00\x01\x00"),
		"webp header":    []byte("RIFF\x10\x00\x00\x00WEBPVP8 "),
	} {
		path := filepath.Join(dir, "x")
		os.WriteFile(path, data, 0o644)
		_, _, err := DecodeFile(path)
		if err == nil {
			t.Errorf("%s: decoded", name)
			continue
		}
		if s := doubled(err.Error()); s != "" {
			t.Errorf("%s: %q says %q twice", name, err, s)
		}
	}
}
