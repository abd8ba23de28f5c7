package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sentiment/assets"
	"sentiment/backbone"
	"sentiment/engine"
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
	data, _ := loadBuilt(t, dir, "squeezenet.weights")
	// DenseNet121 ships too, from the assets' TF.js folder: float16 but
	// for its config tensors, loadable through its manifest.
	ddata, d := loadBuilt(t, dir, "densenet121.weights")
	dm := weights.NewManifest("densenet121.weights", d.Backbone, ddata)
	for _, tt := range d.Tensors {
		want := weights.Float16
		if strings.HasPrefix(tt.Name, "config.") {
			want = weights.Float32
		}
		if tt.Storage != want {
			t.Errorf("densenet121.weights: %s stored as %v", tt.Name, tt.Storage)
		}
	}
	// About 16 MB: two bytes a parameter.
	if n := len(ddata); n < 2*8062504 || n > 2*8062504+200000 {
		t.Errorf("densenet121.weights has %d bytes", n)
	}

	// The page lists both, SqueezeNet first (the default), with sizes.
	write(t, s.out, "engine.wasm", []byte("\x00asm"))
	info, err := describe(s.out)
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Backbones) != 2 || info.Backbones[0].Name != backbone.SqueezeNetName || info.Backbones[0].Weights.Size != int64(len(data)) ||
		info.Backbones[1].Name != backbone.DenseNet121.Name || info.Backbones[1].Weights.Size != int64(len(ddata)) || info.Backbones[1].Weights.SHA256 != dm.SHA256 {
		t.Errorf("site.json backbones: %+v", info.Backbones)
	}
	labels, err := os.ReadFile(filepath.Join(dir, "labels.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := backbone.ParseLabels(labels, 1000); err != nil {
		t.Error(err)
	}

	// A -densenet121 file that is not torchvision's is refused by its hash.
	bogus := filepath.Join(t.TempDir(), "densenet121-a639ec97.pth")
	if err := os.WriteFile(bogus, []byte("not the weights"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.weights = map[string]string{"densenet121": bogus}
	if err := buildWeights(s); err == nil || !strings.Contains(err.Error(), "sha256") {
		t.Errorf("bogus DenseNet file: %v", err)
	}
}

// loadBuilt loads dir/name through its manifest, as the page does, and
// builds its network.
func loadBuilt(t *testing.T, dir, name string) ([]byte, *weights.File) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	mj, err := os.ReadFile(filepath.Join(dir, name+".json"))
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
	if _, err := engine.Build(f); err != nil {
		t.Fatal(err)
	}
	return data, f
}

// TestBuildWeightsWithoutDenseNet builds from assets that have SqueezeNet
// only, and from a TF.js folder whose weights are not the published ones.
func TestBuildWeightsWithoutDenseNet(t *testing.T) {
	root, own := squeezeNetAssets(t)
	s := &site{assets: own, flag: own, out: t.TempDir()}
	write(t, s.out, "models/densenet121.weights", []byte("from an earlier build"))
	if err := buildWeights(s); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(s.out, "models", "densenet121.weights")); err == nil {
		t.Error("DenseNet121 written without its source files, or an earlier build's left")
	}
	if _, err := os.Stat(filepath.Join(s.out, "models", "squeezenet.weights")); err != nil {
		t.Error(err)
	}

	// The model.json with one weight file altered: refused by the digest.
	src := filepath.Join(root, filepath.FromSlash(assets.DenseNet121TFJS))
	dst := filepath.Join(own, filepath.FromSlash(assets.DenseNet121TFJS))
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := os.MkdirAll(dst, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	g := filepath.Join(dst, "group1-shard1of1")
	b, err := os.ReadFile(g)
	if err != nil {
		t.Fatal(err)
	}
	b[0] ^= 1
	os.Remove(g)
	if err := os.WriteFile(g, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := buildWeights(s); err == nil || !strings.Contains(err.Error(), "not the published") {
		t.Errorf("altered weights: %v", err)
	}
}

// TestEngineLinksNoConverter keeps the build-time converters (gopickle,
// 0.9 MB; protobuf; the TF.js reader) out of the WebAssembly engine: only
// native tools convert.
func TestEngineLinksNoConverter(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "list", "-deps", "./wasm")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "sentiment/weights/convert") || strings.HasPrefix(pkg, "github.com/nlpodyssey/gopickle") ||
			strings.HasPrefix(pkg, "google.golang.org/protobuf") || pkg == "sentiment/internal/assetweights" {
			t.Errorf("the engine links %s", pkg)
		}
	}
}

// squeezeNetAssets returns the assets folder and a folder of its own with
// SqueezeNet and the labels only.
func squeezeNetAssets(t *testing.T) (root, own string) {
	t.Helper()
	root, err := assets.Root("")
	if err != nil {
		t.Fatal(err)
	}
	own = t.TempDir()
	for _, rel := range []string{assets.SqueezeNet.Rel, assets.Labels.Rel} {
		if err := copyFile(filepath.Join(root, rel), filepath.Join(own, rel)); err != nil {
			t.Fatal(err)
		}
	}
	return root, own
}
