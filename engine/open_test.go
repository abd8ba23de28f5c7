//go:build !js

package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sentiment/assets"
	"sentiment/backbone"
)

// TestOpen opens a network from every kind of source Open knows, and
// refuses the caller's mistakes as such.
func TestOpen(t *testing.T) {
	data, man := squeezeNet(t)
	dir := t.TempDir()
	checked := filepath.Join(dir, "checked.weights")
	bare := filepath.Join(dir, "bare.weights")
	for path, b := range map[string][]byte{checked: data, checked + ".json": man, bare: data} {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	keras, err := assets.Fetch("", assets.SqueezeNet)
	if err != nil {
		t.Fatal(err)
	}
	tfjs, err := assets.Path("", assets.DenseNet121TFJS)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, path string
		want       string
		warned     bool
	}{
		{"squeezenet", "", backbone.SqueezeNetName, false},
		{"squeezenet", checked, backbone.SqueezeNetName, false},
		{"squeezenet", bare, backbone.SqueezeNetName, true},
		{"squeezenet_v1.1", keras, backbone.SqueezeNetName, false},
		{"densenet121", tfjs, backbone.DenseNet121.Name, false},
	} {
		var warnings []string
		net, err := Open(c.name, c.path, "", func(s string) { warnings = append(warnings, s) })
		if err != nil {
			t.Errorf("%s from %q: %v", c.name, c.path, err)
			continue
		}
		if net.Name() != c.want || (len(warnings) > 0) != c.warned {
			t.Errorf("%s from %q: %s, warnings %q", c.name, c.path, net.Name(), warnings)
		}
		if c.warned && !strings.Contains(warnings[0], "no manifest "+bare+".json") {
			t.Errorf("warning %q", warnings[0])
		}
	}
	for _, c := range []struct{ name, path, want string }{
		{"densenet121", checked, "holds squeezenet_v1.1 weights, not densenet121"},
		{"squeezenet", filepath.Join(dir, "missing.weights"), "no such file"},
		{"vgg", "", "unknown backbone"},
	} {
		if _, err := Open(c.name, c.path, "", nil); err == nil || !IsBadInput(err) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s from %q: %v, want the caller's error %q", c.name, c.path, err, c.want)
		}
	}
	// A damaged file is the machine's error, not the caller's.
	data[len(data)/2] ^= 1
	if err := os.WriteFile(checked, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open("squeezenet", checked, "", nil); err == nil || IsBadInput(err) {
		t.Errorf("tampered weights: %v", err)
	}
}

// TestOpenIndex loads an index file with its folder, and builds one from
// the assets.
func TestOpenIndex(t *testing.T) {
	ix, base, err := OpenIndex("", "")
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(base) != "refs" || len(ix.Entries) == 0 {
		t.Fatalf("from the assets: %d entries in %s", len(ix.Entries), base)
	}
	b, err := ix.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "index.bin")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	back, base, err := OpenIndex(path, "")
	if err != nil || base != dir || len(back.Entries) != len(ix.Entries) {
		t.Errorf("from a file: %v, %s, %v", back, base, err)
	}
	if err := os.WriteFile(path, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := OpenIndex(path, ""); err == nil || !IsBadInput(err) {
		t.Errorf("a truncated index: %v", err)
	}
}

// TestOpenChecksDenseNet121Assets: the assets' DenseNet121 is checked
// against its published sha256s when opened, as the build checks it: a
// copy of the assets whose model.json differs by one byte is refused.
func TestOpenChecksDenseNet121Assets(t *testing.T) {
	src, err := assets.Path("", assets.DenseNet121TFJS)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	dst := filepath.Join(dir, filepath.FromSlash(assets.DenseNet121TFJS))
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	files, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Name() != "model.json" { // the shards as they are, linked
			if err := os.Symlink(filepath.Join(src, f.Name()), filepath.Join(dst, f.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	model, err := os.ReadFile(filepath.Join(src, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	// A space more after the JSON: the same model, another file.
	if err := os.WriteFile(filepath.Join(dst, "model.json"), append(model, ' '), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open("densenet121", "", dir, nil); err == nil || !strings.Contains(err.Error(), "sha256") {
		t.Errorf("a tampered DenseNet121 in the assets: %v, want a sha256 mismatch", err)
	}
	// The same files as they were are accepted.
	if err := os.WriteFile(filepath.Join(dst, "model.json"), model, 0o644); err != nil {
		t.Fatal(err)
	}
	if net, err := Open("densenet121", "", dir, nil); err != nil || net.Name() != backbone.DenseNet121.Name {
		t.Errorf("the assets' DenseNet121, copied: %v", err)
	}
}
