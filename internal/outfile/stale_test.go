//go:build unix

package outfile

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary be the writer that TestStaleRemoved kills.
func TestMain(m *testing.M) {
	if path := os.Getenv("OUTFILE_HANG_WRITING"); path != "" {
		Create(path, func(w io.Writer) error {
			io.WriteString(w, "half a photo")
			time.Sleep(time.Hour) // killed here
			return nil
		})
	}
	os.Exit(m.Run())
}

// temps lists the temporary files of out.png in dir.
func temps(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, ".out.png.*.tmp"))
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// TestStaleRemoved: a writer killed with SIGKILL while writing leaves its
// temporary file; the next output to the same path removes it, and leaves
// alone the temporary file of a writer still at work.
func TestStaleRemoved(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.png")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "OUTFILE_HANG_WRITING="+path)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Its temporary file is locked before a byte is written in it.
	written := func() bool {
		for _, name := range temps(t, dir) {
			if fi, err := os.Stat(name); err == nil && fi.Size() > 0 {
				return true
			}
		}
		return false
	}
	for i := 0; !written(); i++ {
		if i > 1000 {
			cmd.Process.Kill()
			t.Fatal("the writer made no temporary file in 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// A writer of this process at work on the same path meanwhile.
	busy, err := Create(path, func(w io.Writer) error { _, err := io.WriteString(w, "busy"); return err })
	if err != nil {
		t.Fatal(err)
	}
	if n := len(temps(t, dir)); n != 2 {
		t.Fatalf("%d temporary files while the first writer lives, want 2: %v", n, temps(t, dir))
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	stale := temps(t, dir)
	if len(stale) != 2 {
		t.Fatalf("after the kill: %v", stale)
	}
	if err := Write(path, func(w io.Writer) error { _, err := io.WriteString(w, "whole"); return err }); err != nil {
		t.Fatal(err)
	}
	left := temps(t, dir)
	if len(left) != 1 || left[0] != busy.tmp {
		t.Errorf("after the next write: %v, want only the living writer's %s", left, busy.tmp)
	}
	if b, _ := os.ReadFile(path); string(b) != "whole" {
		t.Errorf("output %q", b)
	}
	if err := busy.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "busy" || len(temps(t, dir)) != 0 {
		t.Errorf("after the second commit: %q, %v", b, temps(t, dir))
	}
	// Other files of the folder are never touched.
	for _, name := range []string{".out.png.tmp", ".other.png.1.tmp", "out.png.2.tmp"} {
		os.WriteFile(filepath.Join(dir, name), nil, 0o644)
	}
	if err := Write(path, func(w io.Writer) error { return nil }); err != nil {
		t.Fatal(err)
	}
	es, _ := os.ReadDir(dir)
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != ".other.png.1.tmp .out.png.tmp out.png out.png.2.tmp" {
		t.Errorf("folder after: %s", got)
	}
}
