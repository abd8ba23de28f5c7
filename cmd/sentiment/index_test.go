package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sentiment/assets"
	"sentiment/retrieval"
)

func runIndex(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := indexCmd(args, &out, &errb)
	return code, out.String(), errb.String()
}

// moodFolders writes a folder of mood folders with the assets' pictures
// named in files (folder/name → asset path).
func moodFolders(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "mine")
	for rel, asset := range files {
		src, err := assets.Path("", asset)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestIndexCommand builds indexes of a user's mood folders, as an index
// beside them and as a collection file, and retrieves and guesses with
// them.
func TestIndexCommand(t *testing.T) {
	dir := moodFolders(t, map[string]string{
		"Dreamy Lake/a.jpg": "refs/ubu-mirrorlake.jpg",
		"Dreamy Lake/b.jpg": "refs/kyl-winterlake.jpg",
		"dreamy city/c.jpg": "refs/kyl-nightcity.jpg",
		"dreamy city/d.jpg": "refs/ubu-greycity.jpg",
		"gritty/e.jpg":      "refs/ubu-blacksand.jpg",
		"gritty/readme.txt": "inputs/catalog.tsv",
	})
	photo, err := assets.Path("", "inputs/kodim16.jpg") // a lake
	if err != nil {
		t.Fatal(err)
	}
	// An index in the folder above the photos, pointing at them.
	idx := filepath.Join(filepath.Dir(dir), "mine.bin")
	code, out, stderr := runIndex("-dir", dir, "-out", idx, "-json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep indexReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.References != 5 || len(rep.Adjectives) != 2 || rep.Adjectives[0].Name != "dreamy" || rep.Adjectives[0].Count != 4 || len(rep.Nouns) != 2 || rep.Subject == "" {
		t.Errorf("report %s", out)
	}
	code, out, stderr = runRetrieve("-in", photo, "-adjective", "dreamy", "-noun", "auto", "-index", idx, "-k", "4")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 5 || !strings.HasPrefix(lines[0], "subject: lake") || !strings.Contains(lines[1], "Dreamy Lake/") {
		t.Fatalf("exit %d: %s%s", code, out, stderr)
	}
	// A collection file: the same references, their pictures inside.
	zpath := filepath.Join(t.TempDir(), "mine.zip")
	if code, _, stderr := runIndex("-dir", dir, "-out", zpath); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	code, out, stderr = runRetrieve("-in", photo, "-adjective", "gritty", "-index", zpath, "-json")
	var ms []retrieval.Match
	json.Unmarshal([]byte(out), &ms)
	if code != 0 || len(ms) != 1 || ms[0].Path != zpath+":gritty-e.jpg" {
		t.Fatalf("exit %d: %s%s", code, out, stderr)
	}
	// Without subject features, -noun auto says what is missing.
	plain := filepath.Join(dir, "plain.bin")
	if code, _, stderr := runIndex("-dir", dir, "-out", plain, "-subject=false"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if code, _, stderr := runRetrieve("-in", photo, "-adjective", "dreamy", "-noun", "auto", "-index", plain); code == 0 || !strings.Contains(stderr, "no subject features") {
		t.Errorf("-noun auto without features: exit %d: %s", code, stderr)
	}
}

// TestIndexCommandRefuses: a folder with problems gets every one named,
// exit 2, and no index.
func TestIndexCommandRefuses(t *testing.T) {
	dir := moodFolders(t, map[string]string{
		"calm/a.jpg": "refs/ubu-mirrorlake.jpg",
		"calm/b.jpg": "refs/ubu-mirrorlake.jpg",
		"calm/c.jpg": "inputs/catalog.tsv",
		"stray.jpg":  "refs/kyl-nightcity.jpg",
	})
	os.Mkdir(filepath.Join(dir, "empty mood"), 0o755)
	out := filepath.Join(dir, "index.bin")
	code, _, stderr := runIndex("-dir", dir, "-out", out, "-subject=false")
	if code != exitUsage || !strings.Contains(stderr, "stray.jpg: a picture outside a mood folder") || !strings.Contains(stderr, `the mood "empty" has no pictures`) {
		t.Errorf("exit %d: %s", code, stderr)
	}
	os.Remove(filepath.Join(dir, "stray.jpg"))
	os.Remove(filepath.Join(dir, "empty mood"))
	code, _, stderr = runIndex("-dir", dir, "-out", out, "-subject=false")
	if code != exitUsage || !strings.Contains(stderr, "calm/b.jpg is the same picture as calm/a.jpg") || !strings.Contains(stderr, "calm/c.jpg") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("an index was written")
	}
	os.Remove(filepath.Join(dir, "calm", "b.jpg"))
	os.Remove(filepath.Join(dir, "calm", "c.jpg"))
	// An index elsewhere could not point at the photos.
	code, _, stderr = runIndex("-dir", dir, "-out", filepath.Join(t.TempDir(), "x.bin"), "-subject=false")
	if code != exitUsage || !strings.Contains(stderr, "or as a .zip") {
		t.Errorf("index away from the photos: exit %d: %s", code, stderr)
	}
	if code, _, _ := runIndex("-dir", filepath.Join(dir, "nothing"), "-out", out); code != exitUsage {
		t.Errorf("no folder: exit %d", code)
	}
}
