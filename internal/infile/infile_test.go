//go:build unix

package infile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRefuses: what is not a regular file, or is longer than its kind's
// limit, is refused at once, by name, before a byte is read; a link is
// followed to what it names.
func TestRefuses(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	zeroLink := filepath.Join(dir, "model.json")
	if err := os.Symlink("/dev/zero", zeroLink); err != nil {
		t.Fatal(err)
	}
	// A 3 GB file of no blocks: refused by its size, not read.
	sparse := filepath.Join(dir, "sparse.weights")
	f, err := os.Create(sparse)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(3 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, c := range []struct {
		path string
		want error
		text string
	}{
		{fifo, ErrNotRegular, "a named pipe"},
		{"/dev/zero", ErrNotRegular, "a character device"},
		{zeroLink, ErrNotRegular, "a character device"},
		{dir, ErrNotRegular, "a folder"},
		{sparse, ErrTooLarge, "3221225472 bytes"},
	} {
		done := make(chan error, 1)
		go func() {
			_, err := Read(c.path, "weights file", 256<<20)
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, c.want) || !strings.HasPrefix(err.Error(), c.path+": ") || !strings.Contains(err.Error(), c.text) {
				t.Errorf("%s: %v, want %v naming the file and %q", c.path, err, c.want, c.text)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: still reading after 10 s", c.path)
		}
	}
	if _, err := Read(filepath.Join(dir, "missing"), "weights file", 10); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing file: %v", err)
	}
}

// TestReads: a regular file within its limit is read whole, through a
// link too; one byte over the limit is refused.
func TestReads(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "labels.txt")
	if err := os.WriteFile(path, []byte("tench\ngoldfish\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.txt")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, link} {
		if b, err := Read(p, "labels file", 15); err != nil || string(b) != "tench\ngoldfish\n" {
			t.Errorf("%s: %q, %v", p, b, err)
		}
	}
	if _, err := Read(path, "labels file", 14); !errors.Is(err, ErrTooLarge) {
		t.Errorf("one byte over: %v", err)
	}
	f, err := Open(path, "labels file", 15)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
}
