//go:build unix

package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/metrics"
	"strings"
	"syscall"
	"testing"
	"time"

	"sentiment/assets"
)

// bounded runs f, failing the test if it runs past 30 s (a FIFO opened
// for reading waits for a writer for ever) and ending the test binary if
// the heap passes limit (a device like /dev/zero read whole never ends,
// and would take the machine's memory with it).
func bounded(t *testing.T, limit uint64, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	deadline := time.After(30 * time.Second)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-deadline:
			t.Fatal("still running after 30 s")
		case <-tick.C:
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > limit {
				panic(fmt.Sprintf("%s: the heap passed %d MiB", t.Name(), v>>20))
			}
		}
	}
}

// TestSpecialFilesRefused: a device, a FIFO, a link to a device or a
// sparse 3 GB file named as the photo, reference, weights, index or a
// TF.js model.json is refused at once, by name, with exit 2: no hang, no
// gigabytes read.
func TestSpecialFilesRefused(t *testing.T) {
	photo, err := assets.Path("", "inputs/kodim16.jpg")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	zeroJSON := filepath.Join(dir, "tfjs", "model.json")
	os.Mkdir(filepath.Dir(zeroJSON), 0o755)
	if err := os.Symlink("/dev/zero", zeroJSON); err != nil {
		t.Fatal(err)
	}
	fifoJSON := filepath.Join(dir, "tfjs-fifo", "model.json")
	os.Mkdir(filepath.Dir(fifoJSON), 0o755)
	if err := syscall.Mkfifo(fifoJSON, 0o600); err != nil {
		t.Fatal(err)
	}
	sparse := filepath.Join(dir, "sparse.weights")
	f, err := os.Create(sparse)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(3 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out := filepath.Join(dir, "out.jpg")
	quick := []string{"-out", out, "-size", "48", "-iters", "1"}
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"-weights /dev/zero":          {[]string{"-in", photo, "-ref", photo, "-weights", "/dev/zero"}, "/dev/zero: not a regular file: it is a character device"},
		"-index /dev/zero":            {[]string{"-in", photo, "-adjective", "misty", "-index", "/dev/zero"}, "/dev/zero: not a regular file"},
		"model.json → /dev/zero":      {[]string{"-in", photo, "-ref", photo, "-backbone", "densenet121", "-weights", filepath.Dir(zeroJSON)}, zeroJSON + ": not a regular file"},
		"model.json a FIFO":           {[]string{"-in", photo, "-ref", photo, "-backbone", "densenet121", "-weights", filepath.Dir(fifoJSON)}, fifoJSON + ": not a regular file: it is a named pipe"},
		"-weights a FIFO":             {[]string{"-in", photo, "-ref", photo, "-weights", fifo}, fifo + ": not a regular file: it is a named pipe"},
		"-in a FIFO":                  {[]string{"-in", fifo, "-ref", photo}, fifo + ": not a regular file"},
		"-ref a FIFO":                 {[]string{"-in", photo, "-ref", fifo}, fifo + ": not a regular file"},
		"-weights a sparse 3 GB file": {[]string{"-in", photo, "-ref", photo, "-weights", sparse}, sparse + ": too large: 3221225472 bytes"},
	} {
		t.Run(name, func(t *testing.T) {
			var code int
			var stderr string
			bounded(t, 1<<30, func() { code, _, stderr = runTransfer(append(c.args, quick...)...) })
			if code != exitUsage || !strings.Contains(stderr, c.want) || strings.Contains(stderr, "iteration") {
				t.Errorf("exit %d, stderr %q; want exit 2 naming the file: %q", code, stderr, c.want)
			}
		})
	}
	// classify and retrieve read through the same doors.
	var code int
	var stderr bytes.Buffer
	bounded(t, 1<<30, func() { code = classify([]string{"-in", photo, "-weights", "/dev/zero"}, &bytes.Buffer{}, &stderr) })
	if code != exitUsage || !strings.Contains(stderr.String(), "/dev/zero: not a regular file") {
		t.Errorf("classify -weights /dev/zero: exit %d, %q", code, stderr.String())
	}
	stderr.Reset()
	bounded(t, 1<<30, func() { code = retrieveCmd([]string{"-in", fifo, "-adjective", "misty"}, &bytes.Buffer{}, &stderr) })
	if code != exitUsage || !strings.Contains(stderr.String(), fifo+": not a regular file") {
		t.Errorf("retrieve -in FIFO: exit %d, %q", code, stderr.String())
	}
}

// TestOutputNeverAnInput: an output that is the reference photo, the
// weights or the index (by name or through a link), or two outputs that
// are one file, are refused before any work, and every file is left as
// it was.
func TestOutputNeverAnInput(t *testing.T) {
	photo, err := assets.Path("", "inputs/kodim16.jpg")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	keep := map[string][]byte{}
	file := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		keep[p] = b
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Real files, which a run would read and then overwrite.
	jpeg, err := os.ReadFile(photo)
	if err != nil {
		t.Fatal(err)
	}
	ref := file("b.jpg", jpeg)
	enc, _ := squeezeNetFile(t)
	wfile := file("net.weights", enc)
	index := file("index.bin", []byte("an index"))
	link := filepath.Join(dir, "link.jpg")
	if err := os.Symlink(ref, link); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.png")
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"-out the reference":      {[]string{"-ref", ref, "-out", ref}, "-out " + ref + " is the reference photo (-ref " + ref + ")"},
		"-out a link to it":       {[]string{"-ref", ref, "-out", link}, "is the reference photo"},
		"-lut the reference":      {[]string{"-ref", ref, "-out", out, "-lut", ref}, "-lut " + ref + " is the reference photo"},
		"-out the weights":        {[]string{"-ref", ref, "-out", wfile + ".png", "-lut", wfile, "-weights", wfile}, "-lut " + wfile + " is the weights (-weights"},
		"-lut the index":          {[]string{"-adjective", "misty", "-index", index, "-out", out, "-lut", index}, "is the reference index (-index"},
		"-out and -lut one file":  {[]string{"-ref", ref, "-out", out, "-lut", out}, "-out and -lut are both " + out},
		"-lut a link to the -out": {[]string{"-ref", ref, "-out", link + ".png", "-lut", link + ".png"}, "are both"},
	} {
		code, _, stderr := runTransfer(append([]string{"-in", photo, "-size", "48", "-iters", "1"}, c.args...)...)
		if code != exitUsage || !strings.Contains(stderr, c.want) || strings.Contains(stderr, "iteration") {
			t.Errorf("%s: exit %d, %q; want exit 2 before any work with %q", name, code, stderr, c.want)
		}
	}
	for p, b := range keep {
		if got, _ := os.ReadFile(p); !bytes.Equal(got, b) {
			t.Errorf("%s changed", p)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("an output was written")
	}
}

// TestFlagRanges: a number outside a flag's range, or none at all, stops
// the command before it reads a file (the photo named here does not
// exist), with exit 2 and a message naming the flag and its range.
func TestFlagRanges(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.jpg")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-rate", "Inf"}, "-rate: want a number above 0 and at most 1"},
		{[]string{"-rate", "1e30"}, "-rate: want a number above 0 and at most 1"},
		{[]string{"-rate", "0"}, "-rate: want a number above 0"},
		{[]string{"-beta", "NaN"}, "-beta: want a number from 0 to 1e+12"},
		{[]string{"-beta", "-1e308"}, "-beta: want a number from 0 to"},
		{[]string{"-start", "NaN"}, "-start: want a number from 0 to 1"},
		{[]string{"-start", "5"}, "-start: want a number from 0 to 1"},
		{[]string{"-size", "-5"}, "-size: want a whole number from 32 to 2048"},
		{[]string{"-size", "0"}, "-size: want a whole number from 32 to 2048"},
		{[]string{"-iters", "1e9"}, "-iters: want a whole number from 0 to 10000"},
		{[]string{"-iters", "1000000000"}, "-iters: want a whole number from 0 to 10000"},
		{[]string{"-strength", "-1"}, "-strength: want a number from 0 to 1"},
		{[]string{"-preset", "fast"}, "-preset: want one of default, classic, look, pixels, paper"},
	} {
		var code int
		var stderr string
		bounded(t, 1<<30, func() {
			code, _, stderr = runTransfer(append([]string{"-in", missing, "-ref", missing, "-out", missing + ".png"}, c.args...)...)
		})
		if code != exitUsage || !strings.Contains(stderr, c.want) || strings.Contains(stderr, "missing.jpg") {
			t.Errorf("transfer %v: exit %d, %q; want exit 2 with %q", c.args, code, stderr, c.want)
		}
	}
	for _, c := range []struct {
		run  func([]string, io.Writer, io.Writer) int
		args []string
		want string
	}{
		{classify, []string{"-in", missing, "-k", "-3"}, "-k: want a whole number from 1 to 1000"},
		{retrieveCmd, []string{"-in", missing, "-adjective", "misty", "-k", "0"}, "-k: want a whole number from 1 to 1000"},
		{evalCmd, []string{"-out", missing, "-light", "0"}, "-light: want a number above 0 and at most 1"},
		{evalCmd, []string{"-out", missing, "-topk", "-1"}, "-topk: want a whole number from 1 to 1000"},
		{evalCmd, []string{"-out", missing, "-judge", "vgg"}, "-judge: want one of " + strings.Join(networkNames(), ", ") + ", none"},
		{evalCmd, []string{"-out", missing, "-styleweights", "1,NaN,1,1"}, "-styleweights: \"NaN\": want comma-separated numbers, each from 0 to"},
	} {
		var stderr bytes.Buffer
		if code := c.run(c.args, &bytes.Buffer{}, &stderr); code != exitUsage || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%v: exit %d, %q; want exit 2 with %q", c.args, code, stderr.String(), c.want)
		}
	}
}
