package engine

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sentiment/assets"
	"sentiment/backbone"
	"sentiment/internal/assettest"
	"sentiment/retrieval"
)

// smallIndex returns the encoded index of the first three references of
// each of the three nouns with the most references in the assets, with
// subject features by net.
func smallIndex(t *testing.T, net backbone.Network) []byte {
	t.Helper()
	dir, err := assets.Path("", "refs")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, retrieval.CatalogFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := retrieval.ReadCatalog(f)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, r := range rows {
		count[r.Noun]++
	}
	nouns := make([]string, 0, len(count))
	for n := range count {
		nouns = append(nouns, n)
	}
	slices.SortFunc(nouns, func(a, b string) int { return count[b] - count[a] })
	var entries []retrieval.Entry
	taken := map[string]int{}
	for _, r := range rows {
		if !slices.Contains(nouns[:3], r.Noun) || taken[r.Noun] == 3 {
			continue
		}
		taken[r.Noun]++
		r.ID = uint32(len(entries))
		e, _, err := retrieval.NewEntry(r, assettest.Photo(t, "refs/"+r.File), &retrieval.Subject{Net: net})
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e)
	}
	ix, err := retrieval.New(entries)
	if err != nil {
		t.Fatal(err)
	}
	ix.Subject = net.Name()
	data, err := ix.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestSessionOwn adds a reference of the user's own as the page does: it
// is described, kept as bytes, given back with the collection, ranked with
// the shipped references and marked as the user's; damaged or outdated
// entries are reported for describing again.
func TestSessionOwn(t *testing.T) {
	data, man := squeezeNet(t)
	s := &Session{}
	name := backbone.SqueezeNetName
	pix, w, h := photoRGBA(t, "inputs/kodim13.jpg", 300)
	// Described before the network is built: no subject features.
	early, _, err := s.Describe(pix, w, h, retrieval.Entry{File: "early.jpg", Adjective: "dreamy", Picture: "early.jpg"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoadBackbone(name, data, man); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoadIndex(smallIndex(t, s.nets[name])); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Subject(); err == nil {
		t.Error("a subject guessed without a photo")
	}
	one, e, err := s.Describe(pix, w, h, retrieval.Entry{File: "stream.jpg", Adjective: "  Dreamy ", Noun: "River", Picture: "stream.jpg"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Adjective != "dreamy" || e.Noun != "river" || len(e.Subject) == 0 || len(e.Edges) == 0 {
		t.Errorf("entry %+v", e)
	}
	for what, tags := range map[string]retrieval.Entry{"no mood": {Adjective: " "}, "a long subject": {Adjective: "x", Noun: strings.Repeat("y", 50)}} {
		if _, _, err := s.Describe(pix, w, h, tags); !IsBadInput(err) {
			t.Errorf("%s: %v", what, err)
		}
	}
	tiny, tw, th := photoRGBA(t, "inputs/kodim13.jpg", 20)
	if _, _, err := s.Describe(tiny, tw, th, retrieval.Entry{Adjective: "dreamy"}); !IsBadInput(err) {
		t.Errorf("a tiny reference: %v", err)
	}
	own, err := s.SetOwn([][]byte{one, []byte("damaged"), early})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(own.Stale, []int{1, 2}) {
		t.Errorf("stale %v", own.Stale)
	}
	var dreamy retrieval.AdjectiveCount
	for _, a := range own.Vocabulary.Adjectives {
		if a.Name == "dreamy" {
			dreamy = a
		}
	}
	if dreamy.Count != 2 || dreamy.Own != 2 {
		t.Errorf("vocabulary %+v", own.Vocabulary)
	}
	photo, pw, ph := photoRGBA(t, "inputs/kodim16.jpg", 256)
	if err := s.SetPhoto(photo, pw, ph); err != nil {
		t.Fatal(err)
	}
	ms, err := s.Retrieve(retrieval.Query{Adjective: "dreamy", K: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || !ms[0].Own || !ms[1].Own {
		t.Errorf("matches %+v", ms)
	}
	g, err := s.Subject()
	if err != nil {
		t.Fatal(err)
	}
	// The shipped nouns and the user's own.
	if len(g) != 4 || !slices.ContainsFunc(g, func(n retrieval.NounGuess) bool { return n.Name == "river" }) {
		t.Errorf("guess %+v", g)
	}
	// The shipped index reloaded keeps them; an empty list takes them away.
	if v, err := s.LoadIndex(smallIndex(t, s.nets[name])); err != nil || len(v.Adjectives) == 0 {
		t.Fatal(err)
	}
	if _, err := s.Retrieve(retrieval.Query{Adjective: "dreamy"}); err != nil {
		t.Errorf("own references lost on reloading the index: %v", err)
	}
	if _, err := s.SetOwn(nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Retrieve(retrieval.Query{Adjective: "dreamy"}); !errors.Is(err, retrieval.ErrNoMatch) {
		t.Errorf("own references kept after they were taken away: %v", err)
	}
}

// TestSessionExportImport: the user's own references leave as one
// collection file and come back from it as they were.
func TestSessionExportImport(t *testing.T) {
	s := &Session{}
	var own [][]byte
	var pics [][]byte
	for i, rel := range []string{"inputs/kodim13.jpg", "inputs/kodim16.jpg"} {
		pix, w, h := photoRGBA(t, rel, 200)
		one, _, err := s.Describe(pix, w, h, retrieval.Entry{File: rel, Adjective: "dreamy", Noun: []string{"", "lake"}[i], Picture: fmt.Sprintf("k%d.jpg", i)})
		if err != nil {
			t.Fatal(err)
		}
		own = append(own, one)
		pics = append(pics, []byte(fmt.Sprintf("jpeg %d", i)))
	}
	// A damaged one in the middle is left out of the file.
	if _, err := s.SetOwn([][]byte{own[0], []byte("damaged"), own[1]}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ExportOwn(pics); !IsBadInput(err) {
		t.Errorf("two pictures for three: %v", err)
	}
	file, err := s.ExportOwn([][]byte{pics[0], []byte("lost"), pics[1]})
	if err != nil {
		t.Fatal(err)
	}
	back, err := ImportCollection(file)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 2 || back[1].Entry.Noun != "lake" || back[0].Entry.Picture != "k0.jpg" || string(back[1].Picture) != "jpeg 1" {
		t.Fatalf("imported %+v", back)
	}
	// Each comes back as the one-entry index the page keeps.
	again, err := s.SetOwn([][]byte{back[0].Index, back[1].Index})
	if err != nil || len(again.Stale) != 0 || again.Vocabulary.Adjectives[0].Own != 2 {
		t.Errorf("set again: %+v %v", again, err)
	}
	if _, err := ImportCollection(file[:len(file)/2]); !IsBadInput(err) {
		t.Errorf("a cut file: %v", err)
	}
}

func TestZip(t *testing.T) {
	z := NewZip()
	var all []byte
	for _, f := range []struct{ name, data string }{{"a.jpg", "first"}, {"b/c.jpg", "second, longer"}} {
		b, err := z.Add(f.name, []byte(f.data))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	end, err := z.Close()
	if err != nil {
		t.Fatal(err)
	}
	all = append(all, end...)
	r, err := zip.NewReader(bytes.NewReader(all), int64(len(all)))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range r.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		got[f.Name] = string(b)
	}
	if got["a.jpg"] != "first" || got["b/c.jpg"] != "second, longer" || len(got) != 2 {
		t.Errorf("files %v", got)
	}
	if _, err := z.Add("late.jpg", nil); err == nil {
		t.Error("added after closing")
	}
}
