package assets

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestRootOrder(t *testing.T) {
	flagDir, envDir := t.TempDir(), t.TempDir()
	t.Setenv(EnvVar, envDir)
	if got, err := Root(flagDir); err != nil || got != flagDir {
		t.Errorf("flag: %q, %v; want %q", got, err, flagDir)
	}
	if got, err := Root(""); err != nil || got != envDir {
		t.Errorf("env: %q, %v; want %q", got, err, envDir)
	}
	t.Setenv(EnvVar, filepath.Join(envDir, "missing"))
	if _, err := Root(""); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing env folder: %v", err)
	}
	// Without flag or variable: the shared folder beside the module.
	t.Setenv(EnvVar, "")
	root, err := Root("")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "models")); err != nil {
		t.Errorf("%s has no models folder: %v", root, err)
	}
}

func TestPathAndFetchLocal(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "models"), 0o755); err != nil {
		t.Fatal(err)
	}
	data := []byte("weights")
	p := filepath.Join(dir, "models", "x.bin")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := Path(dir, "models/x.bin"); err != nil || got != p {
		t.Errorf("Path: %q, %v", got, err)
	}
	if _, err := Path(dir, "models/y.bin"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Path of a missing file: %v", err)
	}
	sum := sha256.Sum256(data)
	hexSum := hex.EncodeToString(sum[:])
	if got, err := Fetch(dir, Remote{Rel: "models/x.bin", URL: "http://127.0.0.1:1/never", SHA256: hexSum}); err != nil || got != p {
		t.Errorf("Fetch of a local file: %q, %v", got, err)
	}
	if err := CheckHash(p, hexSum); err != nil {
		t.Error(err)
	}
	if err := CheckHash(p, hexSum[:8]); err != nil {
		t.Errorf("prefix: %v", err)
	}
	if err := CheckHash(p, "00"+hexSum[2:]); err == nil {
		t.Error("a wrong hash passed")
	}
	if err := CheckHash(p, ""); err == nil {
		t.Error("an empty hash passed")
	}
}
