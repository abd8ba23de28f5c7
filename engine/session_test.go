package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"sentiment/assets"
	"sentiment/backbone"
	"sentiment/imaging"
	"sentiment/internal/assettest"
	"sentiment/internal/assetweights"
	"sentiment/look"
	"sentiment/retrieval"
	"sentiment/transfer"
	"sentiment/weights"
)

func TestRGBARoundTrip(t *testing.T) {
	// Every byte value in every channel, alpha opaque as canvases give it.
	w, h := 16, 16
	pix := make([]byte, 4*w*h)
	for i := 0; i < w*h; i++ {
		pix[4*i], pix[4*i+1], pix[4*i+2], pix[4*i+3] = byte(i), byte(255-i), byte(i*7), 255
	}
	m, err := FromRGBA(pix, w, h)
	if err != nil {
		t.Fatal(err)
	}
	if r, g, b := m.At(3, 2); r != float32(35)/255 || g != float32(220)/255 || b != float32(byte(35*7))/255 {
		t.Errorf("pixel (3,2) = %v %v %v", r, g, b)
	}
	if got := ToRGBA(m); !bytes.Equal(got, pix) {
		t.Error("RGBA → RGB → RGBA changed the bytes")
	}
}

// gridSession returns a session whose last result is a grid fitted to a
// look on a synthetic picture, with no network, and that picture's
// RGBA bytes at w×h: every pixel distinct.
func gridSession(t *testing.T, w, h int) (*Session, []byte) {
	t.Helper()
	pix := make([]byte, 4*w*h)
	for i := range w * h {
		x, y := i%w, i/w
		pix[4*i], pix[4*i+1], pix[4*i+2], pix[4*i+3] = byte(40+3*x), byte(60+2*y), byte(200-x-y), 255
	}
	in, err := FromRGBA(pix, w, h)
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
	return &Session{result: &transfer.Result{Grid: g}}, pix
}

func TestSessionApplyRows(t *testing.T) {
	w, h := 37, 70 // taller than two bands of bandRows
	e, pix := gridSession(t, w, h)
	whole := append([]byte(nil), pix...)
	if err := e.ApplyRGBA(whole, w, h, 0, h, 0.8); err != nil {
		t.Fatal(err)
	}
	// The bands give what the grid gives the whole image as floats.
	m, _ := FromRGBA(pix, w, h)
	want, err := e.result.Grid.Apply(m, 0.8)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(whole, ToRGBA(want)) {
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
			if err := e.ApplyRGBA(strip, w, n, y0, h, 0.8); err != nil {
				t.Fatalf("%d-row strips, at row %d: %v", rows, y0, err)
			}
		}
		if !bytes.Equal(got, whole) {
			t.Errorf("%d-row strips differ from the whole image", rows)
		}
	}
	// Alpha passes through: a translucent photo gets the same colours, its
	// alpha bytes as they were.
	translucent := append([]byte(nil), pix...)
	for i := 3; i < len(translucent); i += 4 {
		translucent[i] = byte(i / 4 % 256)
	}
	if err := e.ApplyRGBA(translucent, w, h, 0, h, 0.8); err != nil {
		t.Fatal(err)
	}
	for i := range translucent {
		want := whole[i]
		if i%4 == 3 {
			want = byte(i / 4 % 256)
		}
		if translucent[i] != want {
			t.Fatalf("translucent photo: byte %d (channel %d) is %d, want %d", i, i%4, translucent[i], want)
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
		{strip, w, 10, 0, MaxSide + 1, 1, "of an image of 32769 rows"},
		{strip, w, 10, 0, h, 1.5, "strength 1.5"},
		{strip[:40], w, 10, 0, h, 1, "needs 1480 RGBA bytes, got 40"},
	} {
		err := e.ApplyRGBA(c.pix, c.w, c.h, c.y0, c.fullH, c.s)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ApplyRGBA(%d×%d at row %d of %d, strength %g) = %v, want %q", c.w, c.h, c.y0, c.fullH, c.s, err, c.want)
		}
	}
	if !bytes.Equal(strip, pix[:4*w*10]) {
		t.Error("a refused call changed the pixels")
	}
	if err := (&Session{}).ApplyRGBA(strip, w, 10, 0, h, 1); err == nil {
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
		if _, err := FromRGBA(make([]byte, c.n), c.w, c.h); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("FromRGBA(%d bytes, %d×%d) = %v, want %q", c.n, c.w, c.h, err, c.want)
		}
	}
	e := &Session{}
	if err := e.SetPhoto(make([]byte, 3), 1, 1); err == nil || !strings.HasPrefix(err.Error(), "photo:") {
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
	f, err := assetweights.SqueezeNet("")
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
	m := assettest.Photo(t, rel)
	w, h := imaging.Fit(m.W, m.H, long)
	m = imaging.Resize(m, w, h)
	return ToRGBA(m), w, h
}

func TestSessionTransfer(t *testing.T) {
	data, man := squeezeNet(t)
	e := &Session{}
	name := backbone.SqueezeNetName
	if _, err := e.LoadBackbone(name, data, man); err != nil {
		t.Fatal(err)
	}
	// A tampered file is refused, and says so.
	bad := append([]byte(nil), data...)
	bad[len(bad)/2] ^= 1
	if _, err := e.LoadBackbone(name, bad, man); !errors.Is(err, weights.ErrIntegrity) {
		t.Errorf("tampered weights: %v", err)
	}
	if err := e.ApplyRGBA(make([]byte, 4), 1, 1, 0, 1, 1); err == nil {
		t.Error("apply before any transfer succeeded")
	}
	ctx := context.Background()
	opt := Overrides{Size: 96, Iterations: 4, Start: -1, Beta: -1, Rate: -1}
	if _, err := e.Transfer(ctx, name, opt, "", 2, func(Progress) {}); err == nil {
		t.Error("a transfer without a photo succeeded")
	}
	photo, w, h := photoRGBA(t, "inputs/kodim16.jpg", 96)
	ref, rw, rh := photoRGBA(t, "refs/bud-desert.jpg", 128)
	if err := e.SetPhoto(photo, w, h); err != nil {
		t.Fatal(err)
	}
	if err := e.SetReference(ref, rw, rh); err != nil {
		t.Fatal(err)
	}
	var its, previews []int
	sum, err := e.Transfer(ctx, name, opt, "", 2, func(p Progress) {
		its = append(its, p.Iteration)
		if p.Total != 4 || !(p.Losses.Total() > 0) {
			t.Errorf("progress %+v", p)
		}
		if p.Preview != nil {
			previews = append(previews, p.Iteration)
			if p.Preview.W != w || p.Preview.H != h {
				t.Errorf("preview %d×%d, want %d×%d", p.Preview.W, p.Preview.H, w, h)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	// The page's slider blends between renderings at the mix's knots.
	if k := sum.BlendAt; len(k) == 0 || k[len(k)-1] != 1 || !slices.Equal(k, look.MixKnots()) {
		t.Errorf("blend at %v, want look.MixKnots()", k)
	}
	if sum.Iterations != 4 || len(its) != 4 || len(previews) != 2 || previews[0] != 2 {
		t.Errorf("summary %+v, iterations %v, previews at %v", sum, its, previews)
	}

	// Strength 0 gives the photo back; 1 changes it (a desert's look on a
	// seascape) at any size, here a larger copy.
	big, bw, bh := photoRGBA(t, "inputs/kodim16.jpg", 200)
	same := append([]byte(nil), big...)
	if err := e.ApplyRGBA(same, bw, bh, 0, bh, 0); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(same, big) {
		t.Error("strength 0 changed the photo")
	}
	changed := append([]byte(nil), big...)
	if err := e.ApplyRGBA(changed, bw, bh, 0, bh, 1); err != nil {
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
	if err := e.ApplyRGBA(changed, bw, bh, 0, bh, 1.5); err == nil {
		t.Error("strength 1.5 accepted")
	}

	cube, err := e.LUT(0.5)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cube, "LUT_3D_SIZE 33") || strings.Count(cube, "\n") < 33*33*33 {
		t.Errorf("LUT: %d lines, starting %q", strings.Count(cube, "\n"), cube[:min(80, len(cube))])
	}

	// A cancelled context stops the run before its next iteration.
	cctx, cancel := context.WithCancel(ctx)
	n := 0
	_, err = e.Transfer(cctx, name, Overrides{Size: 96, Iterations: 50, Start: -1, Beta: -1, Rate: -1}, "", 0, func(Progress) {
		n++
		if n == 2 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || n != 2 {
		t.Errorf("cancelled after 2 iterations: %v after %d", err, n)
	}
}

func TestSessionRetrieve(t *testing.T) {
	dir, err := assets.Path("", "refs")
	if err != nil {
		t.Fatal(err)
	}
	ix, err := retrieval.Build(dir, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := ix.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	e := &Session{}
	if _, err := e.LoadIndex(data[:len(data)/2]); !errors.Is(err, retrieval.ErrCorrupt) {
		t.Errorf("truncated index: %v", err)
	}
	v, err := e.LoadIndex(data)
	if err != nil {
		t.Fatal(err)
	}
	// The vocabulary is the index's own (its counts are tested in
	// retrieval), as the page reads it.
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var page struct {
		Adjectives []struct {
			Name, Polarity string
			Count          int
		}
	}
	if err := json.Unmarshal(j, &page); err != nil {
		t.Fatal(err)
	}
	misty := 0
	for _, a := range page.Adjectives {
		if a.Name == "misty" && a.Polarity == "negative" {
			misty = a.Count
		}
	}
	if len(page.Adjectives) != len(ix.Adjectives) || misty < 4 {
		t.Fatalf("vocabulary %s", j)
	}
	if _, err := e.Retrieve(retrieval.Query{Adjective: "misty", K: 4}); err == nil {
		t.Error("retrieval without a photo succeeded")
	}
	photo, w, h := photoRGBA(t, "inputs/kodim16.jpg", 256)
	if err := e.SetPhoto(photo, w, h); err != nil {
		t.Fatal(err)
	}
	ms, err := e.Retrieve(retrieval.Query{Adjective: "misty", K: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 4 {
		t.Fatalf("%d matches", len(ms))
	}
	for i, m := range ms {
		if m.Adjective != "misty" || m.Picture == "" || m.Author == "" || m.License == "" || m.Path != "" {
			t.Errorf("match %d: %+v", i, m)
		}
		if i > 0 && m.SSIM > ms[i-1].SSIM {
			t.Errorf("match %d scores %g after %g", i, m.SSIM, ms[i-1].SSIM)
		}
	}
	// The one record, as the page and the command line print it: the
	// attribution included, spelled "license".
	j, err = json.Marshal(ms[0])
	if err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal(j, &rec); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"file", "picture", "adjective", "noun", "polarity", "ssim", "author", "license", "source", "description"} {
		if _, ok := rec[k]; !ok {
			t.Errorf("match record lacks %q: %s", k, j)
		}
	}
	if rec["polarity"] != "negative" || rec["licence"] != nil || rec["path"] != nil || rec["distance"] != nil {
		t.Errorf("match record %s", j)
	}
	if _, err := e.Retrieve(retrieval.Query{Adjective: "no-such-mood", K: 4}); err == nil {
		t.Error("an unknown adjective retrieved something")
	}
}

// TestSessionStart: one transfer at a time; Cancel reaches the running
// one's context, and after it ends a new one may start.
func TestSessionStart(t *testing.T) {
	s := &Session{}
	ctx, end, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Start(); err == nil || !strings.Contains(err.Error(), "already running") {
		t.Errorf("second start: %v", err)
	}
	s.Cancel()
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Errorf("cancel did not reach the transfer: %v", ctx.Err())
	}
	end()
	ctx2, end2, err := s.Start()
	end() // a second end must not end the new transfer
	if _, _, err := s.Start(); err == nil {
		t.Error("a stale end freed the running transfer")
	}
	if err != nil || ctx2.Err() != nil {
		t.Fatalf("start after end: %v, %v", err, ctx2.Err())
	}
	end2()
	s.Cancel() // nothing running: no effect, no panic
}

// TestTransferLateCancel: a cancel that arrives with the last iteration
// (Ctrl-C while the result is refitted) stops the run with no result.
func TestTransferLateCancel(t *testing.T) {
	data, man := squeezeNet(t)
	net, err := OpenBytes("squeezenet", data, man)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Preset("default", net, Overrides{Size: 64, Iterations: 3, Start: -1, Beta: -1, Rate: -1})
	if err != nil {
		t.Fatal(err)
	}
	photo, w, h := photoRGBA(t, "inputs/kodim16.jpg", 64)
	m, err := FromRGBA(photo, w, h)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	last := 0
	res, err := Transfer(ctx, net, m, m, p, Mood{}, 0, func(pr Progress) {
		last = pr.Iteration
		if pr.Iteration == pr.Total {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || res != nil || last != 3 {
		t.Errorf("cancelled at the last of 3 iterations (reached %d): %v, %v", last, res, err)
	}
}

// TestSessionTransferMood: with an index, the mood's references make the
// light, whatever the reference: the same photo and reference given
// "golden" comes out warmer than given "misty"; with no mood the
// reference's own light is used; the summary says what made the light.
func TestSessionTransferMood(t *testing.T) {
	var entries []retrieval.Entry
	for i, f := range []struct{ file, adjective string }{
		{"bud-beacon.jpg", "golden"}, {"kyl-goldhills.jpg", "golden"}, {"ele-posts.jpg", "golden"},
		{"ele-breathe.jpg", "misty"}, {"ele-carmine.jpg", "misty"}, {"sol-bluepeaks.jpg", "misty"},
	} {
		m := assettest.Photo(t, "refs/"+f.file)
		e, _, err := retrieval.NewEntry(retrieval.Entry{ID: uint32(i), File: f.file, Adjective: f.adjective, Noun: "lake", Picture: f.file}, m, nil)
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e)
	}
	ix, err := retrieval.New(entries)
	if err != nil {
		t.Fatal(err)
	}
	blob, err := ix.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	data, man := squeezeNet(t)
	e := &Session{}
	name := backbone.SqueezeNetName
	if _, err := e.LoadBackbone(name, data, man); err != nil {
		t.Fatal(err)
	}
	if _, err := e.LoadIndex(blob); err != nil {
		t.Fatal(err)
	}
	photo, w, h := photoRGBA(t, "inputs/kodim13.jpg", 256)
	if err := e.SetPhoto(photo, w, h); err != nil {
		t.Fatal(err)
	}
	// warmth runs a transfer with the reference and mood given and
	// returns how warm the light of the result's midtones is: its tint
	// along the daylight locus (blue to amber).
	warmth := func(refFile, adjective string) (float64, Summary) {
		ref, rw, rh := photoRGBA(t, "refs/"+refFile, 256)
		if err := e.SetReference(ref, rw, rh); err != nil {
			t.Fatal(err)
		}
		sum, err := e.Transfer(context.Background(), name, Keep, adjective, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		out := append([]byte(nil), photo...)
		if err := e.ApplyRGBA(out, w, h, 0, h, 1); err != nil {
			t.Fatal(err)
		}
		m, _ := FromRGBA(out, w, h)
		l, err := look.Describe(m)
		if err != nil {
			t.Fatal(err)
		}
		return 0.55*float64(l.Tint[1][0]) - 0.835*float64(l.Tint[1][1]), sum
	}
	golden, gs := warmth("bud-beacon.jpg", "golden")
	misty, ms := warmth("ele-carmine.jpg", "misty")
	if !(golden > misty+0.1) {
		t.Errorf("midtones' warmth golden %.3f, misty %.3f: want golden clearly warmer", golden, misty)
	}
	if gs.Mood.Adjective != "golden" || gs.Mood.References != 3 || ms.Mood.References != 3 {
		t.Errorf("moods reported %+v and %+v, want 3 references each", gs.Mood, ms.Mood)
	}
	own, os := warmth("ubu-blueridges.jpg", "")
	if os.Mood.Adjective != "" || os.Mood.References != 1 || os.Mood.Consensus {
		t.Errorf("own reference's mood reported %+v", os.Mood)
	}
	if !(own < golden) {
		t.Errorf("blue ridges' own light gave warmth %.3f, golden %.3f", own, golden)
	}
	t.Logf("midtones' warmth: golden %.3f, misty %.3f, blue ridges' own %.3f", golden, misty, own)
}
