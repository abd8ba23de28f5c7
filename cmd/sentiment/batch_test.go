package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sentiment/assets"
	"sentiment/imaging"
)

// batchFolder copies input photos of the assets into a folder, with a
// file that is not a photo among them.
func batchFolder(t *testing.T, names ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "photos")
	os.MkdirAll(dir, 0o755)
	for _, n := range names {
		src, err := assets.Path("", "inputs/"+n)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, n), b, 0o644)
	}
	os.WriteFile(filepath.Join(dir, "broken.jpg"), []byte("not a photo"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a photo either"), 0o644)
	return dir
}

// TestTransferBatch transfers a folder: every photo gets the mood, in
// full size, the damaged one is reported and the rest go on; a second run
// skips what is done, -force does it again; a pattern and files after
// the flags name photos too.
func TestTransferBatch(t *testing.T) {
	photos := batchFolder(t, "kodim16.jpg", "kodim13.jpg", "kodim08.jpg")
	out := filepath.Join(t.TempDir(), "results")
	// A small collection with subject features, so that each photo's
	// subject is guessed quickly.
	mine := moodFolders(t, map[string]string{
		"misty lake/a.jpg": "refs/ubu-mirrorlake.jpg", "misty city/b.jpg": "refs/ubu-greycity.jpg", "misty river/c.jpg": "refs/deb-life.jpg",
	})
	index := filepath.Join(t.TempDir(), "mine.zip")
	if code, _, stderr := runIndex("-dir", mine, "-out", index); code != 0 {
		t.Fatalf("index: exit %d: %s", code, stderr)
	}
	small := []string{"-adjective", "misty", "-noun", "auto", "-index", index, "-size", "64", "-iters", "2", "-jobs", "2"}
	code, stdout, stderr := runTransfer(append([]string{"-in", photos, "-out", out, "-json"}, small...)...)
	if code != exitFailed {
		t.Fatalf("exit %d with a broken photo: %s", code, stderr)
	}
	var sum batchSummary
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatalf("%v in %s", err, stdout)
	}
	if sum.Photos != 4 || len(sum.Done) != 3 || len(sum.Failed) != 1 || !strings.HasSuffix(sum.Failed[0].Input, "broken.jpg") || len(sum.Skipped) != 0 {
		t.Fatalf("summary %s", stdout)
	}
	for _, rep := range sum.Done {
		src, _, err := imaging.DecodeFile(rep.Input)
		if err != nil {
			t.Fatal(err)
		}
		got, format, err := imaging.DecodeFile(rep.Output)
		if err != nil || format != "jpeg" || got.W != src.W || got.H != src.H || len(rep.Subject) == 0 {
			t.Errorf("%s → %s: %v %s %d×%d, subject %v", rep.Input, rep.Output, err, format, got.W, got.H, rep.Subject)
		}
	}
	// Resumed: nothing done again but the photo that failed.
	code, stdout, _ = runTransfer(append([]string{"-in", photos, "-out", out}, small...)...)
	if code != exitFailed || !strings.Contains(stdout, "4 photos: 0 transferred, 3 done before (skipped") || !strings.Contains(stdout, "failed: "+filepath.Join(photos, "broken.jpg")) {
		t.Errorf("resumed: exit %d: %s", code, stdout)
	}
	// -force, a pattern and a file after the flags (as a shell expands
	// an unquoted pattern), each photo once.
	os.Remove(filepath.Join(photos, "broken.jpg"))
	var errb bytes.Buffer
	args := append(append([]string{"-out", out, "-force", "-json"}, small...), "-in", filepath.Join(photos, "kodim1*.jpg"), filepath.Join(photos, "kodim08.jpg"), filepath.Join(photos, "kodim13.jpg"))
	code = transferCmd(context.Background(), args, &bytes.Buffer{}, &errb)
	if code != 0 {
		t.Fatalf("forced: exit %d: %s", code, errb.String())
	}
	got, err := batchPhotos(filepath.Join(photos, "kodim1*.jpg"), []string{filepath.Join(photos, "kodim13.jpg")})
	if err != nil || len(got) != 2 {
		t.Errorf("pattern and files: %v %v", got, err)
	}
}

// TestTransferBatchRefuses: what a batch cannot do is refused before any
// work, with exit 2.
func TestTransferBatchRefuses(t *testing.T) {
	photos := batchFolder(t, "kodim16.jpg")
	b, _ := os.ReadFile(filepath.Join(photos, "kodim16.jpg"))
	os.WriteFile(filepath.Join(photos, "kodim16.jpeg"), b, 0o644)
	out := filepath.Join(t.TempDir(), "out")
	for what, c := range map[string]struct {
		args []string
		want string
	}{
		"two photos, one output": {[]string{"-in", photos, "-out", out}, "would both be written to"},
		"results among photos":   {[]string{"-in", filepath.Join(photos, "kodim16.jpg"), "-out", photos + "/"}, "holds the photo"},
		"a LUT":                  {[]string{"-in", photos, "-out", out, "-lut", "x.cube"}, "-lut writes one photo's look"},
		"nothing to do":          {[]string{"-in", filepath.Join(photos, "*.png"), "-out", out}, "no photos there"},
		"an unknown mood":        {[]string{"-in", filepath.Join(photos, "*.jpg"), "-out", out}, "no such mood"},
		"no jobs":                {[]string{"-in", photos, "-out", out, "-jobs", "0"}, "-jobs"},
	} {
		adj := "misty"
		if what == "an unknown mood" {
			adj = "no-such-mood"
		}
		code, _, stderr := runTransfer(append(c.args, "-adjective", adj, "-size", "64", "-iters", "1")...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d: %s", what, code, stderr)
		}
	}
}

// TestTransferBatchCancel: a Ctrl-C during a batch stops it; no photo is
// half written, the summary says it was cancelled, and a rerun finishes.
func TestTransferBatchCancel(t *testing.T) {
	photos := batchFolder(t, "kodim16.jpg", "kodim13.jpg")
	os.Remove(filepath.Join(photos, "broken.jpg"))
	out := filepath.Join(t.TempDir(), "results")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &cancelAt{line: "1/2 photos", cancel: cancel}
	var stdout bytes.Buffer
	code := transferCmd(ctx, []string{"-in", photos, "-out", out, "-adjective", "misty", "-size", "64", "-iters", "3", "-jobs", "1"}, &stdout, stderr)
	if code != exitFailed || !strings.Contains(stdout.String(), "cancelled") {
		t.Fatalf("exit %d: %s%s", code, stdout.String(), stderr.String())
	}
	left, _ := os.ReadDir(out)
	if len(left) != 1 {
		t.Errorf("%d files after a cancel during the second photo", len(left))
	}
	code, text, errs := runTransfer("-in", photos, "-out", out, "-adjective", "misty", "-size", "64", "-iters", "3")
	if code != 0 || !strings.Contains(text, "2 photos: 1 transferred, 1 done before") {
		t.Errorf("rerun: exit %d: %s%s", code, text, errs)
	}
}
