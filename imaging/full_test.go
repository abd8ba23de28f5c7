package imaging

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// translucent is a w×h NRGBA with a colour pattern and alpha that is
// clear, graded and opaque by thirds.
func translucent(w, h int) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			a := uint8(255)
			if x < w/3 {
				a = 0
			} else if x < 2*w/3 {
				a = uint8(y * 255 / max(1, h-1))
			}
			m.SetNRGBA(x, y, color.NRGBA{uint8(x * 7), uint8(y * 5), uint8(x ^ y), a})
		}
	}
	return m
}

// TestDecodeFileNRGBA: the 8-bit decode is the float decode rounded to 8
// bits, alpha included, upright under every EXIF orientation.
func TestDecodeFileNRGBA(t *testing.T) {
	dir := t.TempDir()
	var pn bytes.Buffer
	png.Encode(&pn, translucent(37, 23))
	var jp bytes.Buffer
	jpeg.Encode(&jp, quadrants(), &jpeg.Options{Quality: 95})
	files := map[string][]byte{"translucent.png": pn.Bytes()}
	for o := 1; o <= 8; o++ {
		files[string(rune('0'+o))+".jpg"] = withSegment(jp.Bytes(), exifAPP1(binary.LittleEndian, [][4]uint32{{0x0112, 3, 1, uint32(o)}}))
	}
	for name, data := range files {
		path := filepath.Join(dir, name)
		os.WriteFile(path, data, 0o644)
		want, alpha, _, err := DecodeFileAlpha(path)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := DecodeFileNRGBA(context.Background(), path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.Rect.Dx() != want.W || got.Rect.Dy() != want.H {
			t.Fatalf("%s: %v, want %d×%d", name, got.Rect, want.W, want.H)
		}
		for y := range want.H {
			for x := range want.W {
				r, g, b := want.At(x, y)
				a := float32(1)
				if alpha != nil {
					a = alpha.Pix[y*want.W+x]
				}
				if c, w := got.NRGBAAt(x, y), (color.NRGBA{to8(r), to8(g), to8(b), to8(a)}); c != w {
					t.Fatalf("%s at %d,%d: %v, want %v", name, x, y, c, w)
				}
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := DecodeFileNRGBA(ctx, filepath.Join(dir, "translucent.png")); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestShrinkOnWhite: resampling rows as they come gives Resize's picture
// of the image composited on white.
func TestShrinkOnWhite(t *testing.T) {
	src := translucent(301, 203)
	straight, alpha := convert(src, 1, true)
	white, err := OnWhite(straight, alpha)
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range [][2]int{{64, 43}, {301, 203}, {400, 90}, {7, 300}} {
		got, err := ShrinkOnWhite(context.Background(), src, size[0], size[1])
		if err != nil {
			t.Fatal(err)
		}
		want := Resize(white, size[0], size[1])
		for i, v := range want.Pix {
			if math.Abs(float64(got.Pix[i]-v)) > 1e-5 {
				t.Fatalf("%v: sample %d is %v, want %v", size, i, got.Pix[i], v)
			}
		}
	}
}

// TestEncodeNRGBA: a PNG keeps colour and alpha byte for byte; a JPEG is
// the picture on white; a cancelled encode stops with the cancel.
func TestEncodeNRGBA(t *testing.T) {
	src := translucent(64, 48)
	var b bytes.Buffer
	if err := EncodeNRGBA(context.Background(), &b, src, "png", 0); err != nil {
		t.Fatal(err)
	}
	back, err := png.Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	for y := range 48 {
		for x := range 64 {
			if c, want := color.NRGBAModel.Convert(back.At(x, y)), src.NRGBAAt(x, y); c != want && want.A != 0 {
				t.Fatalf("PNG at %d,%d: %v, want %v", x, y, c, want)
			}
		}
	}
	b.Reset()
	if err := EncodeNRGBA(context.Background(), &b, src, "jpeg", 95); err != nil {
		t.Fatal(err)
	}
	j, _, err := DecodeBytes(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if r, g, bl := j.At(5, 20); r < 0.95 || g < 0.95 || bl < 0.95 {
		t.Errorf("the clear third in the JPEG: %v %v %v, want white", r, g, bl)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, f := range []string{"png", "jpeg"} {
		if err := EncodeNRGBA(ctx, &bytes.Buffer{}, translucent(64, 48), f, 90); !errors.Is(err, context.Canceled) {
			t.Errorf("%s cancelled: %v", f, err)
		}
	}
}
