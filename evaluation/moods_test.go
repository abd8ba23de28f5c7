package evaluation

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"sentiment/assets"
	"sentiment/backbone/backbonetest"
	"sentiment/engine"
	"sentiment/retrieval"
)

var (
	collectionOnce sync.Once
	collectionIx   *retrieval.Index
	collectionErr  error
)

// collection returns the index of the assets' references, built once for
// the package's tests.
func collection(t *testing.T) *retrieval.Index {
	t.Helper()
	refs, err := assets.Path("", "refs")
	if err != nil {
		t.Fatal(err)
	}
	collectionOnce.Do(func() { collectionIx, collectionErr = retrieval.Build(refs, nil, nil) })
	if collectionErr != nil {
		t.Fatal(collectionErr)
	}
	return collectionIx
}

// TestMoodStudy runs the mood study on a sample of the inputs with the
// default preset and Reinhard's match: every case gets both results and
// their diagnostics; the default keeps neutral surfaces and hues where
// the global colour match moves them; the kit hides its key and shows
// every result.
func TestMoodStudy(t *testing.T) {
	refs, err := assets.Path("", "refs")
	if err != nil {
		t.Fatal(err)
	}
	inputs, err := assets.Path("", "inputs")
	if err != nil {
		t.Fatal(err)
	}
	net := backbonetest.SqueezeNet(t)
	p, err := engine.Preset("default", net, engine.Keep)
	if err != nil {
		t.Fatal(err)
	}
	p.Size = 128
	rep, err := RunMoods(context.Background(), MoodConfig{
		Index: collection(t), RefDir: refs, NoReferences: true, Everyday: []string{inputs}, PerPhoto: 2, Every: 3,
		Methods: []MoodMethod{PresetMethod("ours", net, p), ReinhardMethod},
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(rep.Rows); n < 6 || n > 10 {
		t.Fatalf("%d cases from 13 photos, 2 moods each, one in 3 kept", n)
	}
	moods := map[string]bool{}
	for _, row := range rep.Rows {
		moods[row.Mood] = true
		for _, m := range rep.Methods {
			if row.Images[m] == nil || row.Images[m].W != row.Images["input"].W {
				t.Errorf("%s toward %s: no result of %s at the photo's size", row.File, row.Mood, m)
			}
		}
		if row.Light.References == 0 {
			t.Errorf("%s toward %s: a light of no references", row.File, row.Mood)
		}
	}
	if len(moods) < 4 {
		t.Errorf("the cases cover only the moods %v", moods)
	}
	all := rep.Means(nil)
	ours, rh := all["ours"], all["reinhard"]
	t.Logf("ours %+v", ours)
	t.Logf("reinhard %+v", rh)
	if !(ours.HueTurns < rh.HueTurns) || !(ours.NeutralCast <= rh.NeutralCast) {
		t.Errorf("hue turns %.3f against Reinhard's %.3f, neutral cast %.3f against %.3f: want the default to keep colours better",
			ours.HueTurns, rh.HueTurns, ours.NeutralCast, rh.NeutralCast)
	}
	if !(ours.Direction > 0.2) {
		t.Errorf("the default's mean direction toward the mood %.2f, want clearly into it", ours.Direction)
	}
	if md := rep.Markdown(); !strings.Contains(md, "| ours |") || !strings.Contains(md, "## Every transfer") {
		t.Errorf("markdown without its tables:\n%s", md[:min(400, len(md))])
	}
	if sheets := rep.Sheets(96, 4); len(sheets) != (len(rep.Rows)+3)/4 {
		t.Errorf("%d sheets for %d rows at 4 a sheet", len(sheets), len(rep.Rows))
	}

	dir := t.TempDir()
	kit, key := filepath.Join(dir, "kit"), filepath.Join(dir, "key.tsv")
	if err := rep.WriteKit(kit, filepath.Join(kit, "key.tsv"), nil, 1, 1); err == nil {
		t.Error("a key inside the judges' folder was written")
	}
	if err := rep.WriteKit(kit, key, nil, 2, 1); err != nil {
		t.Fatal(err)
	}
	imgs, _ := filepath.Glob(filepath.Join(kit, "img", "*.jpg"))
	if len(imgs) != 2*len(rep.Rows) {
		t.Errorf("%d pictures for %d results", len(imgs), 2*len(rep.Rows))
	}
	k, _ := os.ReadFile(key)
	if n := strings.Count(string(k), "\n"); n != 1+2*len(rep.Rows) {
		t.Errorf("the key has %d lines for %d results", n, 2*len(rep.Rows))
	}
	listed := 0
	for _, j := range []string{"judge-0a.md", "judge-0b.md", "judge-1a.md", "judge-1b.md"} {
		b, err := os.ReadFile(filepath.Join(kit, j))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if strings.Contains(line, ".jpg") && (strings.Contains(line, "ours") || strings.Contains(line, "reinhard")) {
				t.Errorf("%s names a method: %s", j, line)
			}
		}
		listed += strings.Count(string(b), ".jpg — moods:")
	}
	if listed != 2*2*len(rep.Rows) {
		t.Errorf("the sheets list %d pictures, want every result twice (%d)", listed, 4*len(rep.Rows))
	}
}
