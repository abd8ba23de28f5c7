package retrieval

import (
	"path/filepath"
	"testing"

	"sentiment/backbone/backbonetest"
	"sentiment/imaging"
)

// TestPerceptualRetrieval ranks the references by SqueezeNet features: the
// night edit of a photo is its nearest neighbour among the dark references
// here too, and the distances are sorted and in [0, 2] (unit vectors).
func TestPerceptualRetrieval(t *testing.T) {
	net := backbonetest.SqueezeNet(t)
	ix, dir := assetIndex(t)
	in, _, err := imaging.DecodeFile(filepath.Join(dir, "ele-ashim.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	per := &Perceptual{Embedder: Features{Net: net}, Picture: Pictures(dir)}
	ms, err := Retrieve(ix, in, Query{Adjective: "dark", Perceptual: per})
	if err != nil {
		t.Fatal(err)
	}
	if ms[0].Entry.File != "ele-ashimnight.jpg" {
		t.Errorf("nearest by features: %s", ms[0].Entry.File)
	}
	for i, m := range ms {
		t.Logf("%d. %s %.4f", i+1, m.Entry.File, m.Distance)
		if m.Distance < 0 || m.Distance > 2 || i > 0 && m.Distance < ms[i-1].Distance {
			t.Errorf("distance %g at rank %d", m.Distance, i+1)
		}
	}
	if _, err := (Features{}).Embed(in); err == nil {
		t.Error("Features without a network embedded")
	}
}
