package imaging

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"slices"
	"testing"

	"golang.org/x/image/tiff"
)

// rawPNG writes a PNG of the given colour type and bit depth from rows of
// raw samples (without filter bytes): the standard encoder never writes
// gray with alpha.
func rawPNG(w, h, depth, ctype int, rows [][]byte) []byte {
	chunk := func(out []byte, typ string, data []byte) []byte {
		out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
		c := append([]byte(typ), data...)
		out = append(out, c...)
		return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(c))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, byte(depth), byte(ctype), 0, 0, 0)
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	for _, r := range rows {
		zw.Write([]byte{0}) // filter: none
		zw.Write(r)
	}
	zw.Close()
	out := []byte("\x89PNG\r\n\x1a\n")
	out = chunk(out, "IHDR", ihdr)
	out = chunk(out, "IDAT", z.Bytes())
	return chunk(out, "IEND", nil)
}

// TestAlphaPolicy decodes the pixel, colour 200 at alpha 128, from
// every kind of file that can hold it: the colour comes back straight,
// 200/255, and the alpha plane holds 128/255.
func TestAlphaPolicy(t *testing.T) {
	const c, al = 200, 128
	// The pixel at (1, 0); the others opaque.
	nrgba := image.NewNRGBA(image.Rect(0, 0, 3, 2))
	nrgba64 := image.NewNRGBA64(image.Rect(0, 0, 3, 2))
	for y := 0; y < 2; y++ {
		for x := 0; x < 3; x++ {
			nrgba.SetNRGBA(x, y, color.NRGBA{10, 20, 30, 255})
			nrgba64.SetNRGBA64(x, y, color.NRGBA64{10 * 257, 20 * 257, 30 * 257, 0xffff})
		}
	}
	nrgba.SetNRGBA(1, 0, color.NRGBA{c, c, c, al})
	nrgba64.SetNRGBA64(1, 0, color.NRGBA64{c * 257, c * 257, c * 257, al * 257})
	pal := image.NewPaletted(image.Rect(0, 0, 3, 2), color.Palette{color.NRGBA{10, 20, 30, 255}, color.NRGBA{c, c, c, al}})
	pal.SetColorIndex(1, 0, 1)
	enc := func(f func(*bytes.Buffer) error) []byte {
		var b bytes.Buffer
		if err := f(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	ga8 := [][]byte{{10, 255, c, al, 10, 255}, {10, 255, 10, 255, 10, 255}}
	ga16 := [][]byte{{0, 10, 255, 255, 0, c, 0, al, 0, 10, 255, 255}, {0, 10, 255, 255, 0, 10, 255, 255, 0, 10, 255, 255}}
	for i := range ga16 {
		for j := 0; j < len(ga16[i]); j += 2 {
			ga16[i][j] = ga16[i][j+1] // 16-bit samples k·257, exact in 8 bits
		}
	}
	files := map[string][]byte{
		"8-bit RGBA PNG":    enc(func(b *bytes.Buffer) error { return png.Encode(b, nrgba) }),
		"16-bit RGBA PNG":   enc(func(b *bytes.Buffer) error { return png.Encode(b, nrgba64) }),
		"paletted PNG":      enc(func(b *bytes.Buffer) error { return png.Encode(b, pal) }),
		"8-bit gray+alpha":  rawPNG(3, 2, 8, 4, ga8),
		"16-bit gray+alpha": rawPNG(3, 2, 16, 4, ga16),
		"TIFF":              enc(func(b *bytes.Buffer) error { return tiff.Encode(b, nrgba, nil) }),
	}
	for name, b := range files {
		m, a, _, err := DecodeAlpha(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if a == nil {
			t.Fatalf("%s: no alpha plane", name)
		}
		if r, g, bb := m.At(1, 0); r != c/255. || g != c/255. || bb != c/255. {
			t.Errorf("%s: colour %v %v %v, want %v (straight)", name, r, g, bb, float32(c/255.))
		}
		if a.W != 3 || a.H != 2 || a.Pix[1] != al/255. || a.Pix[0] != 1 || a.Pix[5] != 1 {
			t.Errorf("%s: alpha %v, want 128/255 at (1, 0), 1 elsewhere", name, a.Pix)
		}
		// Decode, without alpha, gives the same colour.
		d, _, err := DecodeBytes(b)
		if err != nil || d.Pix[1] != m.Pix[1] {
			t.Errorf("%s: Decode gives %v, DecodeAlpha %v", name, d.Pix[1], m.Pix[1])
		}
	}
}

func TestAlphaOpaqueAndTransparent(t *testing.T) {
	// Opaque files have no plane, whatever type holds their pixels.
	for name, img := range map[string]image.Image{"NRGBA": pattern(5, 4), "Gray": image.NewGray(image.Rect(0, 0, 5, 4))} {
		var b bytes.Buffer
		png.Encode(&b, img)
		if _, a, _, err := DecodeAlpha(&b); err != nil || a != nil {
			t.Errorf("opaque %s PNG: alpha %v, %v", name, a, err)
		}
	}
	// A GIF's transparent index: no colour, alpha 0.
	pal := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.RGBA{255, 0, 0, 255}, color.RGBA{}})
	pal.SetColorIndex(2, 3, 1)
	var b bytes.Buffer
	if err := gif.Encode(&b, pal, nil); err != nil {
		t.Fatal(err)
	}
	m, a, _, err := DecodeAlpha(&b)
	if err != nil || a == nil {
		t.Fatalf("GIF with transparency: %v, alpha %v", err, a)
	}
	if r, _, _ := m.At(2, 3); r != 0 || a.Pix[3*4+2] != 0 || a.Pix[0] != 1 {
		t.Errorf("GIF: transparent pixel red %v alpha %v", r, a.Pix[3*4+2])
	}
	// Premultiplied colour is un-premultiplied: 100 at alpha 128 is
	// straight 100/128.
	rgba := image.NewRGBA(image.Rect(0, 0, 1, 1))
	rgba.SetRGBA(0, 0, color.RGBA{100, 50, 0, 128})
	if got := FromImage(rgba); math.Abs(float64(got.Pix[0])-100./128) > 1e-6 || math.Abs(float64(got.Pix[1])-50./128) > 1e-6 {
		t.Errorf("premultiplied (100, 50) at 128: %v", got.Pix)
	}
}

// TestAlphaOrientation checks that a TIFF's alpha turns with its colour.
func TestAlphaOrientation(t *testing.T) {
	img := quadrants()
	img.SetNRGBA(31, 0, color.NRGBA{0, 255, 0, 0}) // stored top-right: transparent
	var b bytes.Buffer
	if err := tiff.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	m, a, _, err := DecodeAlpha(bytes.NewReader(withTIFFOrientation(b.Bytes(), 8)))
	if err != nil || a == nil {
		t.Fatalf("%v, alpha %v", err, a)
	}
	// A quarter turn anticlockwise shows the stored top-right at top-left.
	if m.W != 16 || m.H != 32 || a.W != 16 || a.H != 32 || a.Pix[0] != 0 || a.Pix[1] != 1 {
		t.Fatalf("%d×%d, alpha %d×%d starting %v", m.W, m.H, a.W, a.H, a.Pix[:2])
	}
	if o := OrientAlpha(OrientAlpha(a, 6), 8); !slices.Equal(o.Pix, a.Pix) || OrientAlpha(nil, 6) != nil {
		t.Error("OrientAlpha: quarter turns do not compose")
	}
}

func TestEncodeAlpha(t *testing.T) {
	// 8-bit alpha comes back byte for byte from an 8-bit PNG.
	src := pattern(7, 5)
	for i := 3; i < len(src.Pix); i += 4 {
		src.Pix[i] = uint8(i * 37)
	}
	var b bytes.Buffer
	png.Encode(&b, src)
	m, a, _, err := DecodeAlpha(&b)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := EncodePNGAlpha(&out, m, a); err != nil {
		t.Fatal(err)
	}
	back, err := png.Decode(&out)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := back.(*image.NRGBA); !ok || !bytes.Equal(got.Pix, src.Pix) {
		t.Errorf("8-bit round trip: %T differs", back)
	}
	// 16-bit alpha is written at 16 bits and comes back exactly.
	a16 := &Alpha{W: 2, H: 1, Pix: []float32{1000. / 0xffff, 1}}
	m16 := NewRGB(2, 1)
	m16.Pix[0] = 0.5
	out.Reset()
	if err := EncodePNGAlpha(&out, m16, a16); err != nil {
		t.Fatal(err)
	}
	_, a2, _, err := DecodeAlpha(&out)
	if err != nil || a2 == nil || a2.Pix[0] != a16.Pix[0] {
		t.Errorf("16-bit alpha round trip: %v %v", a2, err)
	}
	// JPEG has no alpha: composited on white.
	flat := NewRGB(16, 16)
	half := &Alpha{W: 16, H: 16, Pix: make([]float32, 256)}
	for i := range half.Pix {
		flat.Pix[i], flat.Pix[256+i], flat.Pix[512+i] = 200./255, 0, 0
		half.Pix[i] = 128. / 255
	}
	out.Reset()
	if err := EncodeJPEGOnWhite(&out, flat, half, 100); err != nil {
		t.Fatal(err)
	}
	j, err := jpeg.Decode(&out)
	if err != nil {
		t.Fatal(err)
	}
	r, g, _, _ := j.At(8, 8).RGBA()
	k := 128. / 255
	wantR, wantG := 200./255*k+1-k, 1-k
	if math.Abs(float64(r)/0xffff-wantR) > 3./255 || math.Abs(float64(g)/0xffff-wantG) > 3./255 {
		t.Errorf("JPEG on white: %.3f %.3f, want %.3f %.3f", float64(r)/0xffff, float64(g)/0xffff, wantR, wantG)
	}
	// A plane of the wrong size is refused.
	if err := EncodePNGAlpha(&out, NewRGB(3, 3), &Alpha{W: 2, H: 2, Pix: make([]float32, 4)}); err == nil {
		t.Error("3×3 image with a 2×2 alpha plane encoded")
	}
}

// TestConvertOriented checks the conversion's own orientation, tiled for
// the quarter turns, against Orient on pictures of several tiles whose
// sides are not multiples of a tile.
func TestConvertOriented(t *testing.T) {
	src := pattern(150, 97)
	for i := 3; i < len(src.Pix); i += 4 {
		src.Pix[i] = uint8(i / 4 % 256)
	}
	ycc := image.NewYCbCr(image.Rect(0, 0, 131, 70), image.YCbCrSubsampleRatio420)
	for i := range ycc.Y {
		ycc.Y[i] = uint8(i * 7)
	}
	for i := range ycc.Cb {
		ycc.Cb[i], ycc.Cr[i] = uint8(i*3), uint8(i*5)
	}
	for _, img := range []image.Image{src, ycc} {
		up, upA := convert(img, 1, true)
		for o := 1; o <= 8; o++ {
			m, a := convert(img, o, true)
			want := Orient(up, o)
			if m.W != want.W || m.H != want.H || !slices.Equal(m.Pix, want.Pix) {
				t.Errorf("%T orientation %d: colour differs from Orient", img, o)
			}
			if wantA := OrientAlpha(upA, o); (a == nil) != (wantA == nil) || a != nil && !slices.Equal(a.Pix, wantA.Pix) {
				t.Errorf("%T orientation %d: alpha differs from OrientAlpha", img, o)
			}
		}
	}
}
