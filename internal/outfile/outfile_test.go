package outfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "photo.jpg")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, ok := range []string{filepath.Join(dir, "out.png"), file} {
		if err := Check(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for path, want := range map[string]string{
		filepath.Join(dir, "missing", "out.png"): "no folder",
		dir:                                      "is a folder",
		filepath.Join(file, "out.png"):           "not a folder",
	} {
		if err := Check(path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", path, err, want)
		}
	}
	if os.Geteuid() != 0 { // root writes anywhere
		ro := filepath.Join(dir, "ro")
		os.Mkdir(ro, 0o555)
		if err := Check(filepath.Join(ro, "out.png")); err == nil || !strings.Contains(err.Error(), "cannot write") {
			t.Errorf("read-only folder: %v", err)
		}
	}
	if n := entries(t, dir); n != 1 {
		t.Errorf("Check left %d files", n)
	}
}

func entries(t *testing.T, dir string) int {
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range es {
		if !e.IsDir() {
			n++
		}
	}
	return n
}

// TestWriteKeepsOldOnFailure: a write that fails halfway, or an output
// never committed, leaves the old file whole and no temporary behind.
func TestWriteKeepsOldOnFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.png")
	if err := os.WriteFile(path, []byte("the old photo"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk full")
	err := Write(path, func(w io.Writer) error {
		io.WriteString(w, "half a")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("failed write: %v", err)
	}
	f, err := Create(path, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err })
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "the old photo" {
		t.Errorf("before commit the file holds %q", b)
	}
	f.Discard()
	if b, _ := os.ReadFile(path); string(b) != "the old photo" || entries(t, dir) != 1 {
		t.Errorf("after a failure and a discard: %q, %d files", b, entries(t, dir))
	}
	if err := Write(path, func(w io.Writer) error { _, err := io.WriteString(w, "the new photo"); return err }); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	fi, _ := os.Stat(path)
	if string(b) != "the new photo" || fi.Mode().Perm() != 0o644 || entries(t, dir) != 1 {
		t.Errorf("written: %q, mode %v, %d files", b, fi.Mode(), entries(t, dir))
	}
}

// TestKeepsMode: an output replacing a file keeps that file's mode (a
// private 0600 result stays private); a new one gets 0666 less the umask,
// as any program's new file.
func TestKeepsMode(t *testing.T) {
	dir := t.TempDir()
	for _, mode := range []os.FileMode{0o600, 0o640, 0o604} {
		path := filepath.Join(dir, "out.png")
		if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		if err := Write(path, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != mode {
			t.Errorf("replacing a %v file: %v, %v", mode, fi.Mode(), err)
		}
		os.Remove(path)
	}
	// What os.Create makes here is what a new output gets.
	probe := filepath.Join(dir, "probe")
	f, err := os.Create(probe)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	want, _ := os.Stat(probe)
	path := filepath.Join(dir, "new.png")
	if err := Write(path, func(w io.Writer) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want.Mode().Perm() {
		t.Errorf("new output: %v, want %v as os.Create makes", fi.Mode(), want.Mode())
	}
}
