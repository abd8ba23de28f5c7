package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRGBARoundTrip(t *testing.T) {
	// Every byte value in every channel, alpha opaque as canvases give it.
	w, h := 16, 16
	pix := make([]byte, 4*w*h)
	for i := 0; i < w*h; i++ {
		pix[4*i], pix[4*i+1], pix[4*i+2], pix[4*i+3] = byte(i), byte(255-i), byte(i*7), 255
	}
	m, err := fromRGBA(pix, w, h)
	if err != nil {
		t.Fatal(err)
	}
	if r, g, b := m.At(3, 2); r != float32(35)/255 || g != float32(220)/255 || b != float32(byte(35*7))/255 {
		t.Errorf("pixel (3,2) = %v %v %v", r, g, b)
	}
	if got := toRGBA(m); !bytes.Equal(got, pix) {
		t.Error("RGBA → RGB → RGBA changed the bytes")
	}
}

func TestFromRGBARefusesWrongSizes(t *testing.T) {
	for _, c := range []struct {
		n, w, h int
		want    string
	}{
		{4 * 6, 2, 2, "needs 16 RGBA bytes, got 24"},
		{0, 0, 5, "out of range"},
		{16, -2, -2, "out of range"},
		{4, 1 << 16, 1, "out of range"},
	} {
		if _, err := fromRGBA(make([]byte, c.n), c.w, c.h); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("fromRGBA(%d bytes, %d×%d) = %v, want %q", c.n, c.w, c.h, err, c.want)
		}
	}
	e := &engine{}
	if err := e.setPhoto(make([]byte, 3), 1, 1); err == nil || !strings.HasPrefix(err.Error(), "photo:") {
		t.Errorf("setPhoto with 3 bytes: %v", err)
	}
	if e.photo != nil {
		t.Error("a refused photo was kept")
	}
}
