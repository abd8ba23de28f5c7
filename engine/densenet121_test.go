//go:build !js

package engine

import (
	"context"
	"testing"

	"sentiment/internal/assettest"
	"sentiment/transfer"
)

// TestDenseNetDefault runs DenseNet121's default preset on the assets'
// Keras weights for a few iterations at a small size: the table gives it,
// its taps exist on the network, and at its loss weights and step the
// style and total losses fall from the start.
func TestDenseNetDefault(t *testing.T) {
	net, err := Open("densenet121", "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := Preset("default", net, Keep); err != nil || p.Mood == nil || p.Place == nil || p.Place.Tap != "f3" {
		t.Fatalf("DenseNet121's default is %+v, %v; want the mood preset placing at f3", p, err)
	}
	p, err := Preset("classic", net, Keep)
	if err != nil {
		t.Fatal(err)
	}
	if d := denseClassic(net); p.Name != "classic" || p.Size != d.Size || p.Iterations != d.Iterations || p.Start != d.Start {
		t.Fatalf("DenseNet121's classic preset is %+v, want denseClassic's %+v", p, d)
	}
	p.Size, p.Iterations = 64, 6
	res, err := transfer.Run(context.Background(), net, assettest.Photo(t, "inputs/kodim16.jpg"), assettest.Photo(t, "refs/lxqt-fog.jpg"), transfer.Options{Preset: p}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("losses %+v → %+v", res.Start, res.End)
	if !(res.End.Style < res.Start.Style) || !(res.End.Total() < res.Start.Total()) {
		t.Errorf("losses %+v → %+v: the style and total losses did not fall", res.Start, res.End)
	}
	for _, name := range PresetNames {
		if _, err := Preset(name, net, Keep); err != nil {
			t.Errorf("DenseNet121's %s preset: %v", name, err)
		}
	}
}
