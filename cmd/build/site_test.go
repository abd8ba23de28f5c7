package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sentiment/weights"
)

func write(t *testing.T, dir, rel string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func hexSum(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func TestDescribe(t *testing.T) {
	out := t.TempDir()
	engine := []byte("\x00asm engine")
	index := []byte("index bytes")
	sq := bytes.Repeat([]byte{1, 2}, 100)
	dn := bytes.Repeat([]byte{3}, 50)
	scalar := []byte("\x00asm scalar engine")
	write(t, out, "engine.wasm", engine)
	write(t, out, "engine-scalar.wasm", scalar)
	write(t, out, "refs/index.bin", index)
	write(t, out, "models/squeezenet.weights", sq)
	write(t, out, "models/densenet121.weights", dn)
	man := func(backbone, file string, data []byte) []byte {
		return weights.NewManifest(file, backbone, data).Marshal()
	}
	// densenet sorts first by name; squeezenet must still come first.
	write(t, out, "models/densenet121.json", man("densenet121", "densenet121.weights", dn))
	write(t, out, "models/squeezenet.json", man("squeezenet_v1.1", "squeezenet.weights", sq))
	write(t, out, "models/other.json", []byte(`{"format":"something else"}`))

	info, err := describe(out)
	if err != nil {
		t.Fatal(err)
	}
	if info.Engine != (siteFile{"engine.wasm", int64(len(engine)), hexSum(engine)}) {
		t.Errorf("engine: %+v", info.Engine)
	}
	if info.ScalarEngine == nil || *info.ScalarEngine != (siteFile{"engine-scalar.wasm", int64(len(scalar)), hexSum(scalar)}) {
		t.Errorf("scalar engine: %+v", info.ScalarEngine)
	}
	if info.Index == nil || *info.Index != (siteFile{"refs/index.bin", int64(len(index)), hexSum(index)}) {
		t.Errorf("index: %+v", info.Index)
	}
	if len(info.Backbones) != 2 || info.Backbones[0].Name != "squeezenet_v1.1" || info.Backbones[1].Name != "densenet121" {
		t.Fatalf("backbones: %+v", info.Backbones)
	}
	if b := info.Backbones[0]; b.Manifest != "models/squeezenet.json" || b.Weights != (siteFile{"models/squeezenet.weights", int64(len(sq)), hexSum(sq)}) {
		t.Errorf("squeezenet: %+v", b)
	}

	// A weights file that no longer matches its manifest stops the build.
	write(t, out, "models/squeezenet.weights", append(sq, 0))
	if _, err := describe(out); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Errorf("stale weights: %v", err)
	}
	// Without index and weights the page still builds (and says so).
	out2 := t.TempDir()
	write(t, out2, "engine.wasm", engine)
	// (a build without the SIMD toolchain has no scalar engine beside it).
	if info, err := describe(out2); err != nil || info.Index != nil || info.ScalarEngine != nil || len(info.Backbones) != 0 {
		t.Errorf("engine only: %+v, %v", info, err)
	}
}

func TestPrecompress(t *testing.T) {
	out := t.TempDir()
	text := bytes.Repeat([]byte("function f() { return 1; }\n"), 100)
	noise := make([]byte, 4096)
	for i := range noise {
		noise[i] = byte(i*2654435761>>13) ^ byte(i>>3*7)
	}
	write(t, out, "web/app.js", text)
	write(t, out, "refs/photo.jpg", text) // photos are never recompressed
	write(t, out, "models/x.weights", noise)
	write(t, out, "models/x.weights.gz", []byte("stale")) // from an earlier build
	if err := precompress(out); err != nil {
		t.Fatal(err)
	}
	z, err := os.Open(filepath.Join(out, "web", "app.js.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	zr, err := gzip.NewReader(z)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(zr)
	if !bytes.Equal(got, text) {
		t.Error("app.js.gz does not decompress to app.js")
	}
	if _, err := os.Stat(filepath.Join(out, "refs", "photo.jpg.gz")); err == nil {
		t.Error("a photo was gzipped")
	}
	gz, err := os.ReadFile(filepath.Join(out, "models", "x.weights.gz"))
	if err == nil && string(gz) == "stale" {
		t.Error("a stale .gz was left beside a rebuilt file")
	}
}
