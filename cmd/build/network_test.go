package main

import (
	"bytes"
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"sentiment/internal/tinynet"
)

// TestBuildThirdNetwork: a network registered from a file of its own
// (internal/tinynet) has its flag in the build's help, ships with the
// site from the assets its entry names, and site.json lists it after the
// default with what the page says of it.
func TestBuildThirdNetwork(t *testing.T) {
	var s site
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	s.flags(fs)
	var help bytes.Buffer
	fs.SetOutput(&help)
	fs.PrintDefaults()
	if !strings.Contains(help.String(), "-tiny FILE") || !strings.Contains(help.String(), tinynet.Label) {
		t.Errorf("the build's help lacks the tiny network:\n%s", help.String())
	}
	if err := fs.Parse([]string{"-tiny", "own.weights"}); err != nil || s.weights[tinynet.Name] != "own.weights" {
		t.Errorf("-tiny: %v, %v", s.weights, err)
	}

	// Assets with SqueezeNet and the tiny network, not DenseNet121.
	_, own := squeezeNetAssets(t)
	if err := tinynet.WriteAssets(own); err != nil {
		t.Fatal(err)
	}
	s = site{assets: own, flag: own, out: t.TempDir()}
	if err := buildWeights(&s); err != nil {
		t.Fatal(err)
	}
	data, f := loadBuilt(t, filepath.Join(s.out, "models"), "tiny.weights")
	write(t, s.out, "engine.wasm", []byte("\x00asm"))
	info, err := describe(s.out)
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Backbones) != 2 {
		t.Fatalf("site.json backbones: %+v", info.Backbones)
	}
	b := info.Backbones[1]
	if info.Backbones[0].Name != "squeezenet_v1.1" || b.Name != f.Backbone || b.Label != tinynet.Label || b.Note == "" || b.Credits == "" ||
		b.Manifest != "models/tiny.weights.json" || b.Weights.Size != int64(len(data)) {
		t.Errorf("site.json backbones: %+v", info.Backbones)
	}
}
