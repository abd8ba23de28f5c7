package retrieval

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"sentiment/assets"
	"sentiment/backbone/backbonetest"
	"sentiment/imaging"
	"sentiment/internal/assettest"
	"sentiment/look"
)

// features returns subject features pointing mostly along axis a, a
// little along b.
func features(a, b int) []uint8 {
	f := make([]uint8, 8)
	f[a], f[b] = 255, 60
	return f
}

func TestGuessNouns(t *testing.T) {
	es := synthEntries(12) // four each of city, lake, mountain
	es[9].Noun, es[10].Noun = "city", "city"
	es[11].Noun = "" // no noun: no vote
	axes := map[string]int{"city": 0, "lake": 1, "mountain": 2, "": 3}
	for i := range es {
		es[i].Subject = features(axes[es[i].Noun], (i+3)%8)
	}
	ix, err := New(es)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ix.GuessNouns(features(1, 5), -1); err == nil {
		t.Error("guessed without a named network")
	}
	ix.Subject = "net"
	g, err := ix.GuessNouns(features(1, 5), -1)
	if err != nil {
		t.Fatal(err)
	}
	if len(g) != 3 || g[0].Name != "lake" || g[0].Score <= g[1].Score || g[0].Score > 1 || g[2].Score < 0 {
		t.Errorf("guess %+v", g)
	}
	// The only mountain skipped: the noun has no vote left.
	only := -1
	for i, e := range es {
		if e.Noun == "mountain" {
			only = i
		}
	}
	g, _ = ix.GuessNouns(features(2, 4), only)
	for _, n := range g {
		if n.Name == "mountain" {
			t.Errorf("the skipped reference voted: %+v", g)
		}
	}
	if _, err := ix.GuessNouns(make([]uint8, 5), -1); err == nil {
		t.Error("features of another length compared")
	}
}

// TestSubjectFeatures runs SqueezeNet's subject features on photos: a
// photo darkened and mirrored stays nearer to itself than to another
// scene.
func TestSubjectFeatures(t *testing.T) {
	s := Subject{Net: backbonetest.SqueezeNet(t)}
	lake := assettest.Photo(t, "inputs/kodim16.jpg")
	other := assettest.Photo(t, "inputs/kodim08.jpg")
	edit := lake.Clone()
	for y := 0; y < edit.H; y++ {
		for x := 0; x < edit.W; x++ {
			r, g, b := lake.At(edit.W-1-x, y)
			edit.Set(x, y, 0.6*r, 0.6*g, 0.6*b)
		}
	}
	var fs [3][]uint8
	for i, m := range []*imaging.RGB{lake, edit, other} {
		f, err := s.Features(m)
		if err != nil {
			t.Fatal(err)
		}
		top := uint8(0)
		for _, v := range f {
			top = max(top, v)
		}
		if len(f) != 512 || top != subjectLevels {
			t.Fatalf("%d features, largest %d", len(f), top)
		}
		fs[i] = f
	}
	same, diff := dot(unit(fs[0]), unit(fs[1])), dot(unit(fs[0]), unit(fs[2]))
	t.Logf("cosine with its edit %.3f, with another scene %.3f", same, diff)
	if same <= diff {
		t.Errorf("the edit (%.3f) is no nearer than another scene (%.3f)", same, diff)
	}
	if _, err := (Subject{}).Features(lake); err == nil {
		t.Error("features without a network")
	}
}

func TestNewEntry(t *testing.T) {
	big := assettest.Photo(t, "inputs/large/bud-zion-full.jpg")
	tags := Entry{ID: 4, File: "zion.jpg", Adjective: "warm", Noun: "landscape", Polarity: Positive, Author: "A", Picture: "zion.jpg",
		Edges: []uint8{1}, Subject: []uint8{2}, Own: true} // derived fields: replaced
	e, w, err := NewEntry(tags, big, nil)
	if err != nil {
		t.Fatal(err)
	}
	if max(w.W, w.H) != imaging.WorkingSize {
		t.Errorf("working picture %d×%d", w.W, w.H)
	}
	edges, _ := EdgeMap(w)
	light, _ := look.Describe(w)
	want := tags
	want.Edges, want.Subject, want.Own, want.Light = edges, nil, false, light
	if !reflect.DeepEqual(e, want) {
		t.Errorf("entry %+v", e)
	}
}

func TestReadFolder(t *testing.T) {
	dir := t.TempDir()
	pic := func(rel string) {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, rel)), 0o755)
		os.WriteFile(filepath.Join(dir, rel), []byte("x"), 0o644)
	}
	pic("misty/a.jpg")
	pic("misty/.hidden.jpg")
	pic("misty/notes.txt")
	pic("Warm  Lake/b.PNG")
	es, err := ReadFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := [][3]string{}
	for _, e := range es {
		got = append(got, [3]string{e.File, e.Adjective, e.Noun})
	}
	want := [][3]string{{"Warm  Lake/b.PNG", "warm", "lake"}, {"misty/a.jpg", "misty", ""}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entries %v", got)
	}
	// Every problem named at once.
	pic("c.jpg")
	os.Mkdir(filepath.Join(dir, "dark"), 0o755)
	pic("misty/inner/d.jpg")
	_, err = ReadFolder(dir)
	for _, s := range []string{"c.jpg: a picture outside a mood folder", "dark: the mood \"dark\" has no pictures", "misty/inner: a folder inside"} {
		if err == nil || !strings.Contains(err.Error(), s) {
			t.Errorf("want %q in %v", s, err)
		}
	}
	if _, err := ReadFolder(t.TempDir()); err == nil || !strings.Contains(err.Error(), CatalogFile) {
		t.Errorf("empty folder: %v", err)
	}
}

// TestBuildRefuses builds mood folders with a duplicate and a damaged
// picture: nothing is built and both are named.
func TestBuildRefuses(t *testing.T) {
	dir := t.TempDir()
	p, err := assets.Path("", "inputs/kodim16.jpg")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for rel, b := range map[string][]byte{"calm/a.jpg": data, "warm/b.jpg": data, "warm/c.jpg": []byte("not a picture")} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755)
		os.WriteFile(filepath.Join(dir, rel), b, 0o644)
	}
	ix, err := Build(dir, nil, nil)
	if ix != nil || err == nil || !strings.Contains(err.Error(), "warm/b.jpg is the same picture as calm/a.jpg") || !strings.Contains(err.Error(), "c.jpg") {
		t.Errorf("index %v, error %v", ix != nil, err)
	}
	os.Remove(filepath.Join(dir, "warm", "c.jpg"))
	os.Remove(filepath.Join(dir, "warm", "b.jpg"))
	os.WriteFile(filepath.Join(dir, "warm", "d.jpg"), data[:len(data)/2], 0o644) // cut short
	if _, err := Build(dir, nil, nil); err == nil || !strings.Contains(err.Error(), "d.jpg") {
		t.Errorf("a cut picture: %v", err)
	}
}

// BenchmarkSubjectAgreement measures the subject guess on the assets: each
// reference guessed from the others (its catalog noun is the answer) and
// each input photo from all references, as top-1 and top-3 agreement.
func BenchmarkSubjectAgreement(b *testing.B) {
	s := &Subject{Net: backbonetest.SqueezeNet(b)}
	root, err := assets.Root("")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		ix, err := Build(filepath.Join(root, "refs"), s, nil)
		if err != nil {
			b.Fatal(err)
		}
		var refs, inputs [2]int
		for i, e := range ix.Entries {
			g, err := ix.GuessNouns(e.Subject, i)
			if err != nil {
				b.Fatal(err)
			}
			count(&refs, g, e.Noun)
		}
		f, err := os.Open(filepath.Join(root, "inputs", CatalogFile))
		if err != nil {
			b.Fatal(err)
		}
		in, err := ReadCatalog(f)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range in {
			m, _, err := imaging.DecodeFile(filepath.Join(root, "inputs", e.File))
			if err != nil {
				b.Fatal(err)
			}
			fe, err := s.Features(Working(m))
			if err != nil {
				b.Fatal(err)
			}
			g, err := ix.GuessNouns(fe, -1)
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("%s (%s): %v", e.File, e.Noun, g[:min(3, len(g))])
			count(&inputs, g, e.Noun)
		}
		n, k := float64(len(ix.Entries)), float64(len(in))
		b.ReportMetric(100*float64(refs[0])/n, "refs-top1-%")
		b.ReportMetric(100*float64(refs[1])/n, "refs-top3-%")
		b.ReportMetric(100*float64(inputs[0])/k, "inputs-top1-%")
		b.ReportMetric(100*float64(inputs[1])/k, "inputs-top3-%")
	}
}

// count adds to hits[0] if the answer is the first guess, to hits[1] if
// it is among the first three.
func count(hits *[2]int, g []NounGuess, answer string) {
	for k, n := range g[:min(3, len(g))] {
		if n.Name == answer {
			hits[1]++
			if k == 0 {
				hits[0]++
			}
		}
	}
}
