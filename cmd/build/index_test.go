package main

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sentiment/assets"
	"sentiment/backbone"
	"sentiment/imaging"
	"sentiment/internal/assetweights"
	"sentiment/retrieval"
)

// writeRefs makes an assets folder with a refs/ catalog of synthetic
// photos, one larger than the working size.
func writeRefs(t *testing.T) string {
	root := t.TempDir()
	refs := filepath.Join(root, "refs")
	if err := os.MkdirAll(refs, 0o755); err != nil {
		t.Fatal(err)
	}
	catalog := "file\tadjective\tnoun\tpolarity\tdescription\tlicense\tauthor\tsource\n" +
		"big.png\tdark\tcity\tnegative\tstripes\tCC0-1.0\tAnne\tsynthetic\n" +
		"small.png\twarm\tlake\tpositive\tdots\tCC-BY-4.0\tBo\tsynthetic\n"
	if err := os.WriteFile(filepath.Join(refs, "catalog.tsv"), []byte(catalog), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, size := range map[string][2]int{"big.png": {1200, 800}, "small.png": {300, 200}} {
		img := image.NewNRGBA(image.Rect(0, 0, size[0], size[1]))
		for y := 0; y < size[1]; y++ {
			for x := 0; x < size[0]; x++ {
				v := uint8(40 + 160*((x/37+y/53)%2))
				img.Set(x, y, color.NRGBA{v, v / 2, 255 - v, 255})
			}
		}
		f, err := os.Create(filepath.Join(refs, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	return root
}

func TestBuildIndex(t *testing.T) {
	s := &site{assets: writeRefs(t), out: t.TempDir()}
	// A stale picture from an earlier build must go.
	os.MkdirAll(filepath.Join(s.out, "refs"), 0o755)
	os.WriteFile(filepath.Join(s.out, "refs", "old.jpg"), []byte("x"), 0o644)
	if err := buildIndex(s); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(s.out, "refs")
	if _, err := os.Stat(filepath.Join(dir, "old.jpg")); err == nil {
		t.Error("stale picture kept")
	}
	data, err := os.ReadFile(filepath.Join(dir, "index.bin"))
	if err != nil {
		t.Fatal(err)
	}
	ix, err := retrieval.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(ix.Entries) != 2 {
		t.Fatalf("%d entries", len(ix.Entries))
	}
	for _, e := range ix.Entries {
		m, format, err := imaging.DecodeFile(filepath.Join(dir, e.Picture))
		if err != nil {
			t.Fatal(err)
		}
		want := 300 // the small one stays as it is
		if e.File == "big.png" {
			want = imaging.WorkingSize
		}
		if format != "jpeg" || !strings.HasSuffix(e.Picture, ".jpg") || max(m.W, m.H) != want {
			t.Errorf("%s: %s %s %d×%d", e.File, e.Picture, format, m.W, m.H)
		}
	}
	var attr []retrieval.Entry
	b, err := os.ReadFile(filepath.Join(dir, "attribution.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &attr); err != nil {
		t.Fatal(err)
	}
	if len(attr) != 2 || attr[0].Picture != "big.jpg" || attr[0].Author != "Anne" || attr[1].License != "CC-BY-4.0" || attr[0].Polarity != retrieval.Negative || attr[0].File != "big.png" {
		t.Errorf("attribution %+v", attr)
	}
}

func TestBuildIndexErrors(t *testing.T) {
	root := writeRefs(t)
	os.WriteFile(filepath.Join(root, "refs", "small.png"), []byte("not a picture"), 0o644)
	if err := buildIndex(&site{assets: root, out: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "small.png") {
		t.Errorf("broken photo: %v", err)
	}
	empty := t.TempDir()
	if err := buildIndex(&site{assets: empty, out: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "refs") {
		t.Errorf("no refs folder: %v", err)
	}
	os.Mkdir(filepath.Join(empty, "refs"), 0o755)
	if err := buildIndex(&site{assets: empty, out: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "catalog.tsv") {
		t.Errorf("no catalog: %v", err)
	}
}

func TestBuildIndexAssets(t *testing.T) {
	root, err := assets.Root("")
	if err != nil {
		t.Fatal(err)
	}
	s := &site{assets: root, out: t.TempDir()}
	// The network the page runs, as the weights step writes it, for the
	// subject features.
	f, err := assetweights.SqueezeNet("")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(s.out, "models"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := writeWeights(filepath.Join(s.out, "models"), "squeezenet.weights", f); err != nil {
		t.Fatal(err)
	}
	if err := buildIndex(s); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(s.out, "refs", "index.bin"))
	if err != nil {
		t.Fatal(err)
	}
	ix, err := retrieval.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := os.Open(filepath.Join(root, "refs", "catalog.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	rows, err := retrieval.ReadCatalog(cat)
	if err != nil {
		t.Fatal(err)
	}
	// Every catalog row indexed, in under 2 KB a reference.
	if len(ix.Entries) != len(rows) || len(data) > 2048*len(rows) {
		t.Errorf("%d entries in %d bytes for %d catalog rows", len(ix.Entries), len(data), len(rows))
	}
	// Each with the subject features of the page's network: a reference's
	// own noun is among the three its features guess, from the others',
	// for most of them (the guess's measured agreement is in
	// retrieval.BenchmarkSubjectAgreement).
	hits := 0
	for i, e := range ix.Entries {
		if len(e.Subject) == 0 {
			t.Fatalf("%s has no subject features", e.File)
		}
		g, err := ix.GuessNouns(e.Subject, i)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range g[:min(3, len(g))] {
			if n.Name == e.Noun {
				hits++
			}
		}
	}
	if ix.Subject != backbone.SqueezeNetName || hits < len(ix.Entries)/2 {
		t.Errorf("subject features of %q; %d of %d references guessed within three", ix.Subject, hits, len(ix.Entries))
	}
	pics, _ := filepath.Glob(filepath.Join(s.out, "refs", "*.jpg"))
	if len(pics) != len(ix.Entries) {
		t.Errorf("%d pictures for %d entries", len(pics), len(ix.Entries))
	}
}

// TestBuildIndexChosen ships a collection of one's own: mood folders, and
// then the collection file of what they made.
func TestBuildIndexChosen(t *testing.T) {
	refs := filepath.Join(writeRefs(t), "refs")
	mine := filepath.Join(t.TempDir(), "mine")
	os.MkdirAll(filepath.Join(mine, "Dreamy Lake"), 0o755)
	os.MkdirAll(filepath.Join(mine, "gritty"), 0o755)
	for src, dst := range map[string]string{"big.png": "Dreamy Lake/x.png", "small.png": "gritty/x.png"} {
		b, err := os.ReadFile(filepath.Join(refs, src))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(mine, filepath.FromSlash(dst)), b, 0o644)
	}
	s := &site{refs: mine, out: t.TempDir()}
	if err := buildIndex(s); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(s.out, "refs", "index.bin"))
	if err != nil {
		t.Fatal(err)
	}
	ix, err := retrieval.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	pics := map[string]string{}
	for _, e := range ix.Entries {
		pics[e.Adjective+"/"+e.Noun] = e.Picture
		if _, err := os.Stat(filepath.Join(s.out, "refs", e.Picture)); err != nil {
			t.Error(err)
		}
	}
	if len(pics) != 2 || pics["dreamy/lake"] != "Dreamy-Lake-x.jpg" || pics["gritty/"] != "gritty-x.jpg" {
		t.Fatalf("entries %v", pics)
	}
	// The same as one collection file.
	var z bytes.Buffer
	err = retrieval.WriteCollection(&z, ix, func(e *retrieval.Entry) ([]byte, error) {
		return os.ReadFile(filepath.Join(s.out, "refs", e.Picture))
	})
	if err != nil {
		t.Fatal(err)
	}
	zpath := filepath.Join(t.TempDir(), "mine.zip")
	os.WriteFile(zpath, z.Bytes(), 0o644)
	s2 := &site{refs: zpath, out: t.TempDir()}
	if err := buildIndex(s2); err != nil {
		t.Fatal(err)
	}
	again, err := os.ReadFile(filepath.Join(s2.out, "refs", "index.bin"))
	if err != nil || !bytes.Equal(again, data) {
		t.Errorf("shipped from the collection file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(s2.out, "refs", "gritty-x.jpg")); err != nil {
		t.Error(err)
	}
}
