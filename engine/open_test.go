//go:build !js

package engine

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sentiment/assets"
	"sentiment/backbone"
	"sentiment/internal/assettest"
	"sentiment/retrieval"
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

// TestOpenRefs loads an index file with its folder and a collection file
// with its pictures, and builds one from the assets; each match says where
// its picture is, and the picture decodes from there.
func TestOpenRefs(t *testing.T) {
	r, err := OpenRefs("", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	ix := r.Index
	if len(ix.Entries) == 0 || ix.Subject != "" {
		t.Fatalf("from the assets: %d entries, subject %q", len(ix.Entries), ix.Subject)
	}
	photo := assettest.Photo(t, "inputs/kodim16.jpg")
	q := retrieval.Query{Adjective: ix.Adjectives[0].Name, K: 1}
	ms, err := r.Retrieve(photo, q)
	if err != nil || filepath.Base(filepath.Dir(ms[0].Path)) != "refs" {
		t.Fatalf("from the assets: %v %+v", err, ms)
	}
	want, err := r.Picture(ms[0].Entry)
	if err != nil {
		t.Fatal(err)
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
	if back, err := OpenRefs(path, "", nil); err != nil || len(back.Index.Entries) != len(ix.Entries) {
		t.Errorf("from a file: %v", err)
	}
	// A collection file of the first reference alone.
	one, err := retrieval.New([]retrieval.Entry{*ms[0].Entry})
	if err != nil {
		t.Fatal(err)
	}
	var z bytes.Buffer
	err = retrieval.WriteCollection(&z, one, func(e *retrieval.Entry) ([]byte, error) {
		return os.ReadFile(ms[0].Path)
	})
	if err != nil {
		t.Fatal(err)
	}
	zpath := filepath.Join(dir, "mine.zip")
	if err := os.WriteFile(zpath, z.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := OpenRefs(zpath, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	cm, err := c.Retrieve(photo, q)
	if err != nil || len(cm) != 1 || cm[0].Path != zpath+":"+ms[0].Picture {
		t.Fatalf("from a collection: %v %+v", err, cm)
	}
	got, err := c.Picture(cm[0].Entry)
	if err != nil || got.W != want.W || got.H != want.H {
		t.Errorf("the collection's picture: %v", err)
	}
	for name, data := range map[string][]byte{"index.bin": b[:len(b)/2], "mine.zip": z.Bytes()[:z.Len()-30]} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := OpenRefs(p, "", nil); err == nil || !IsBadInput(err) {
			t.Errorf("a truncated %s: %v", name, err)
		}
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
