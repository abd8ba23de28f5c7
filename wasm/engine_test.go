package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"sentiment/assets"
	"sentiment/backbone"
	"sentiment/imaging"
	"sentiment/look"
	"sentiment/retrieval"
	"sentiment/transfer"
	"sentiment/weights"
	"sentiment/weights/convert"
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

// gridEngine returns an engine whose last result is a grid fitted to a
// look on a synthetic picture, with no network, and that picture's
// RGBA bytes at w×h: every pixel distinct.
func gridEngine(t *testing.T, w, h int) (*engine, []byte) {
	t.Helper()
	pix := make([]byte, 4*w*h)
	for i := range w * h {
		x, y := i%w, i/w
		pix[4*i], pix[4*i+1], pix[4*i+2], pix[4*i+3] = byte(40+3*x), byte(60+2*y), byte(200-x-y), 255
	}
	in, err := fromRGBA(pix, w, h)
	if err != nil {
		t.Fatal(err)
	}
	target := in.Clone()
	n := w * h
	for i := range n {
		// Warmer toward the bottom, so that a strip given the wrong
		// place gets the wrong look.
		v := float32(i/w) / float32(h)
		target.Pix[i] = 0.1 + (0.6+0.3*v)*in.Pix[i]
		target.Pix[2*n+i] = (1 - 0.5*v) * in.Pix[2*n+i]
	}
	g, err := look.Fit(in, target, look.DefaultGrid)
	if err != nil {
		t.Fatal(err)
	}
	return &engine{result: &transfer.Result{Grid: g}}, pix
}

func TestEngineApplyRows(t *testing.T) {
	w, h := 37, 70 // taller than two bands of bandRows
	e, pix := gridEngine(t, w, h)
	whole := append([]byte(nil), pix...)
	if err := e.apply(whole, w, h, 0.8); err != nil {
		t.Fatal(err)
	}
	// The bands give what the grid gives the whole image as floats.
	m, _ := fromRGBA(pix, w, h)
	want, err := e.result.Grid.Apply(m, 0.8)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(whole, toRGBA(want)) {
		t.Fatal("apply differs from the grid applied to the whole image")
	}
	if bytes.Equal(whole, pix) {
		t.Fatal("the look changed nothing: the test would not see a misplaced strip")
	}
	for _, rows := range []int{1, 5, 32, 33, 70} {
		got := append([]byte(nil), pix...)
		for y0 := 0; y0 < h; y0 += rows {
			n := min(rows, h-y0)
			strip := got[4*w*y0 : 4*w*(y0+n)]
			if err := e.applyRows(strip, w, n, y0, h, 0.8); err != nil {
				t.Fatalf("%d-row strips, at row %d: %v", rows, y0, err)
			}
		}
		if !bytes.Equal(got, whole) {
			t.Errorf("%d-row strips differ from the whole image", rows)
		}
	}
	// Refused calls say why and leave the strip as it was.
	strip := append([]byte(nil), pix[:4*w*10]...)
	for _, c := range []struct {
		pix      []byte
		w, h, y0 int
		fullH    int
		s        float32
		want     string
	}{
		{strip, w, 10, -1, h, 1, "rows -1 to 8"},
		{strip, w, 10, 61, h, 1, "rows 61 to 70 of an image of 70 rows"},
		{strip, w, 10, 0, maxSide + 1, 1, "of an image of 32769 rows"},
		{strip, w, 10, 0, h, 1.5, "strength 1.5"},
		{strip[:40], w, 10, 0, h, 1, "needs 1480 RGBA bytes, got 40"},
	} {
		err := e.applyRows(c.pix, c.w, c.h, c.y0, c.fullH, c.s)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("applyRows(%d×%d at row %d of %d, strength %g) = %v, want %q", c.w, c.h, c.y0, c.fullH, c.s, err, c.want)
		}
	}
	if !bytes.Equal(strip, pix[:4*w*10]) {
		t.Error("a refused call changed the pixels")
	}
	if err := (&engine{}).applyRows(strip, w, 10, 0, h, 1); err == nil {
		t.Error("applyRows before any transfer succeeded")
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

// squeezeNet returns the encoded SqueezeNet weights and their manifest, as
// the build writes them.
func squeezeNet(t *testing.T) ([]byte, []byte) {
	t.Helper()
	p, err := assets.Fetch("", assets.SqueezeNet)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	f, err := convert.KerasJS(raw)
	if err != nil {
		t.Fatal(err)
	}
	data, err := f.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return data, weights.NewManifest("squeezenet.weights", f.Backbone, data).Marshal()
}

// photoRGBA returns an input photo from the assets as RGBA bytes.
func photoRGBA(t *testing.T, rel string, long int) ([]byte, int, int) {
	t.Helper()
	p, err := assets.Path("", rel)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := imaging.DecodeFile(p)
	if err != nil {
		t.Fatal(err)
	}
	w, h := imaging.Fit(m.W, m.H, long)
	m = imaging.Resize(m, w, h)
	return toRGBA(m), w, h
}

func TestEngineTransfer(t *testing.T) {
	data, man := squeezeNet(t)
	e := &engine{}
	name := backbone.SqueezeNetName
	if _, err := e.loadBackbone(name, data, man); err != nil {
		t.Fatal(err)
	}
	// A tampered file is refused, and says so.
	bad := append([]byte(nil), data...)
	bad[len(bad)/2] ^= 1
	if _, err := e.loadBackbone(name, bad, man); !errors.Is(err, weights.ErrIntegrity) {
		t.Errorf("tampered weights: %v", err)
	}
	if err := e.apply(make([]byte, 4), 1, 1, 1); err == nil {
		t.Error("apply before any transfer succeeded")
	}
	ctx := context.Background()
	opt := options{backbone: name, size: 96, iterations: 4, previewEvery: 2}
	if _, err := e.transfer(ctx, opt, func(progress) {}); err == nil {
		t.Error("a transfer without a photo succeeded")
	}
	photo, w, h := photoRGBA(t, "inputs/kodim16.jpg", 96)
	ref, rw, rh := photoRGBA(t, "refs/bud-desert.jpg", 128)
	if err := e.setPhoto(photo, w, h); err != nil {
		t.Fatal(err)
	}
	if err := e.setReference(ref, rw, rh); err != nil {
		t.Fatal(err)
	}
	var its, previews []int
	sum, err := e.transfer(ctx, opt, func(p progress) {
		its = append(its, p.iteration)
		if p.total != 4 || !(p.loss["total"] > 0) {
			t.Errorf("progress %+v", p)
		}
		if p.preview != nil {
			previews = append(previews, p.iteration)
			if p.preview.W != w || p.preview.H != h {
				t.Errorf("preview %d×%d, want %d×%d", p.preview.W, p.preview.H, w, h)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.iterations != 4 || len(its) != 4 || len(previews) != 2 || previews[0] != 2 {
		t.Errorf("summary %+v, iterations %v, previews at %v", sum, its, previews)
	}

	// Strength 0 gives the photo back; 1 changes it (a desert's look on a
	// seascape) at any size, here a larger copy.
	big, bw, bh := photoRGBA(t, "inputs/kodim16.jpg", 200)
	same := append([]byte(nil), big...)
	if err := e.apply(same, bw, bh, 0); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(same, big) {
		t.Error("strength 0 changed the photo")
	}
	changed := append([]byte(nil), big...)
	if err := e.apply(changed, bw, bh, 1); err != nil {
		t.Fatal(err)
	}
	diff := 0
	for i := range big {
		d := int(big[i]) - int(changed[i])
		diff += max(d, -d)
	}
	if mean := float64(diff) / float64(3*bw*bh); mean < 2 {
		t.Errorf("strength 1 changed the photo by %.2f levels on average", mean)
	}
	if err := e.apply(changed, bw, bh, 1.5); err == nil {
		t.Error("strength 1.5 accepted")
	}

	cube, err := e.lut(0.5)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cube, "LUT_3D_SIZE 33") || strings.Count(cube, "\n") < 33*33*33 {
		t.Errorf("LUT: %d lines, starting %q", strings.Count(cube, "\n"), cube[:min(80, len(cube))])
	}

	// A cancelled context stops the run before its next iteration.
	cctx, cancel := context.WithCancel(ctx)
	n := 0
	_, err = e.transfer(cctx, options{backbone: name, size: 96, iterations: 50}, func(progress) {
		n++
		if n == 2 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || n != 2 {
		t.Errorf("cancelled after 2 iterations: %v after %d", err, n)
	}
}

func TestEngineRetrieve(t *testing.T) {
	dir, err := assets.Path("", "refs")
	if err != nil {
		t.Fatal(err)
	}
	ix, err := retrieval.Build(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := ix.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	e := &engine{}
	if _, _, err := e.loadIndex(data[:len(data)/2]); !errors.Is(err, retrieval.ErrCorrupt) {
		t.Errorf("truncated index: %v", err)
	}
	adjs, nouns, err := e.loadIndex(data)
	if err != nil {
		t.Fatal(err)
	}
	// Each adjective's count and polarity are the index's own (the
	// collection grows, so no count is written here).
	want := map[string]int{}
	pol := map[string]string{}
	for _, en := range ix.Entries {
		want[en.Adjective]++
		pol[en.Adjective] = en.Polarity.String()
	}
	if len(adjs) != len(want) || len(nouns) == 0 {
		t.Errorf("vocabulary: %d adjectives for the index's %d, %d nouns", len(adjs), len(want), len(nouns))
	}
	for _, a := range adjs {
		if a.count != want[a.name] || a.polarity != pol[a.name] {
			t.Errorf("%s: %d %s, the index has %d %s", a.name, a.count, a.polarity, want[a.name], pol[a.name])
		}
	}
	if want["misty"] == 0 || pol["misty"] != "negative" {
		t.Fatalf("the collection has no negative misty references: %v", want)
	}
	if _, err := e.retrieve("misty", "", 4); err == nil {
		t.Error("retrieval without a photo succeeded")
	}
	photo, w, h := photoRGBA(t, "inputs/kodim16.jpg", 256)
	if err := e.setPhoto(photo, w, h); err != nil {
		t.Fatal(err)
	}
	ms, err := e.retrieve("misty", "", 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 4 {
		t.Fatalf("%d matches", len(ms))
	}
	for i, m := range ms {
		if m.adjective != "misty" || m.picture == "" || m.author == "" || m.licence == "" {
			t.Errorf("match %d: %+v", i, m)
		}
		if i > 0 && m.ssim > ms[i-1].ssim {
			t.Errorf("match %d scores %g after %g", i, m.ssim, ms[i-1].ssim)
		}
	}
	if _, err := e.retrieve("no-such-mood", "", 4); err == nil {
		t.Error("an unknown adjective retrieved something")
	}
}
