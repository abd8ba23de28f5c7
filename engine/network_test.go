//go:build !js

package engine_test

import (
	"testing"

	"sentiment/engine"
	"sentiment/internal/assettest"
	"sentiment/internal/tinynet"
	"sentiment/weights"
)

// TestThirdNetwork: a network registered from a file of its own
// (internal/tinynet) is in the engine's list after the others, opens from
// the assets as its entry says, gives its presets, and runs in the page's
// session from its compact weights and manifest.
func TestThirdNetwork(t *testing.T) {
	nets := engine.Networks()
	if last := nets[len(nets)-1]; len(nets) != 3 || last.Name != tinynet.Name || last.Label != tinynet.Label {
		t.Fatalf("networks %v, want the tiny one third", nets)
	}
	if got := engine.NetworkNames(); got != "squeezenet, densenet121 or tiny" {
		t.Errorf("names %q", got)
	}
	dir := t.TempDir()
	if err := tinynet.WriteAssets(dir); err != nil {
		t.Fatal(err)
	}
	net, err := engine.Open(tinynet.Name, "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := engine.Preset("paper", net, engine.Keep); err != nil {
		t.Errorf("paper: %v", err)
	}
	if _, err := engine.Preset("look", net, engine.Keep); err == nil || !engine.IsBadInput(err) {
		t.Errorf("a preset the entry has not: %v", err)
	}

	// The page's path: the build's compact file and manifest, the default
	// settings, a run.
	data, err := tinynet.Weights().Encode()
	if err != nil {
		t.Fatal(err)
	}
	man := weights.NewManifest("tiny.weights", net.Name(), data).Marshal()
	var s engine.Session
	d, err := s.LoadBackbone(tinynet.Name, data, man)
	if err != nil || d.Size != 64 || d.Iterations != 3 || d.Strength != 1 {
		t.Fatalf("defaults %+v, %v", d, err)
	}
	photo := assettest.Photo(t, "inputs/kodim16.jpg")
	for _, set := range []func([]byte, int, int) error{s.SetPhoto, s.SetReference} {
		if err := set(engine.ToRGBA(photo), photo.W, photo.H); err != nil {
			t.Fatal(err)
		}
	}
	ctx, end, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer end()
	sum, err := s.Transfer(ctx, tinynet.Name, engine.Keep, "", 0, nil)
	if err != nil || sum.Iterations != 3 {
		t.Errorf("a run on the tiny network: %+v, %v", sum, err)
	}
}
