package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sentiment/assets"
	"sentiment/backbone"
	"sentiment/weights"
)

func TestBuildWeights(t *testing.T) {
	root, err := assets.Root("")
	if err != nil {
		t.Fatal(err)
	}
	s := &site{assets: root, out: t.TempDir()}
	if err := buildWeights(s); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(s.out, "models")
	data, err := os.ReadFile(filepath.Join(dir, "squeezenet.weights"))
	if err != nil {
		t.Fatal(err)
	}
	mj, err := os.ReadFile(filepath.Join(dir, "squeezenet.weights.json"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := weights.ParseManifest(mj)
	if err != nil {
		t.Fatal(err)
	}
	f, err := weights.Load(data, m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := backbone.Open(f); err != nil {
		t.Fatal(err)
	}
	// The page lists it.
	write(t, s.out, "engine.wasm", []byte("\x00asm"))
	info, err := describe(s.out)
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Backbones) != 1 || info.Backbones[0].Name != backbone.SqueezeNetName || info.Backbones[0].Weights.Size != int64(len(data)) {
		t.Errorf("site.json backbones: %+v", info.Backbones)
	}
	labels, err := os.ReadFile(filepath.Join(dir, "labels.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := backbone.ParseLabels(labels, 1000); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "densenet121.weights")); err == nil {
		t.Error("DenseNet121 written without its source file")
	}

	// A -densenet file that is not torchvision's is refused by its hash.
	bogus := filepath.Join(t.TempDir(), "densenet121-a639ec97.pth")
	if err := os.WriteFile(bogus, []byte("not the weights"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.densenet = bogus
	if err := buildWeights(s); err == nil || !strings.Contains(err.Error(), "sha256") {
		t.Errorf("bogus DenseNet file: %v", err)
	}
}
