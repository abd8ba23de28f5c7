package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sentiment/assets"
	"sentiment/imaging"
	"sentiment/retrieval"
)

func runRetrieve(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := retrieveCmd(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestRetrieveCommand(t *testing.T) {
	ashim, err := assets.Path("", "refs/ele-ashim.jpg")
	if err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runRetrieve("-in", ashim, "-adjective", "dark", "-k", "3", "-json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var ms []map[string]any
	if err := json.Unmarshal([]byte(out), &ms); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if len(ms) != 3 || ms[0]["file"] != "ele-ashimnight.jpg" || ms[0]["adjective"] != "dark" || ms[0]["noun"] != "landscape" {
		t.Fatalf("%s", out)
	}
	if s, ok := ms[0]["ssim"].(float64); !ok || s <= ms[1]["ssim"].(float64) {
		t.Errorf("ssim %v", ms[0]["ssim"])
	}
	if p, _ := ms[0]["path"].(string); filepath.Base(p) != "ele-ashimnight.jpg" {
		t.Errorf("path %q", p)
	}

	// The same from an index file, whose pictures lie beside it.
	refs := filepath.Dir(ashim)
	ix, err := retrieval.Build(refs, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := ix.MarshalBinary()
	idx := filepath.Join(t.TempDir(), "index.bin")
	os.WriteFile(idx, data, 0o644)
	code, text, stderr := runRetrieve("-in", ashim, "-adjective", "dark", "-index", idx)
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if code != 0 || len(lines) != 5 || !strings.Contains(lines[0], "ele-ashimnight.jpg") {
		t.Fatalf("exit %d: %s%s", code, text, stderr)
	}
	r, err := openRefs(idx, "", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	matches, err := r.Retrieve(mustDecode(t, ashim), retrieval.Query{Adjective: "dark", K: 1})
	if err != nil || len(matches) != 1 || matches[0].Path != filepath.Join(filepath.Dir(idx), "ele-ashimnight.jpg") {
		t.Errorf("retrieve: %+v %v", matches, err)
	}

	// A noun puts its references first; a polarity lets every adjective
	// of that side compete.
	code, out, _ = runRetrieve("-in", ashim, "-adjective", "dark", "-noun", "city", "-k", "9", "-json", "-index", idx)
	ms = nil
	json.Unmarshal([]byte(out), &ms)
	if code != 0 || len(ms) < 4 || ms[0]["noun"] != "city" || ms[3]["noun"] == "city" {
		t.Errorf("noun first: %s", out)
	}
	code, out, _ = runRetrieve("-in", ashim, "-polarity", "negative", "-k", "40", "-json", "-index", idx)
	ms = nil
	json.Unmarshal([]byte(out), &ms)
	if code != 0 || len(ms) < 20 || ms[0]["file"] != "ele-ashimnight.jpg" {
		t.Errorf("negative: %d matches", len(ms))
	}
	for _, m := range ms {
		if m["polarity"] != "negative" {
			t.Errorf("%v in a negative query", m)
		}
	}
}

func mustDecode(t *testing.T, p string) *imaging.RGB {
	m, _, err := imaging.DecodeFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestRetrieveCommandErrors(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.jpg")
	os.WriteFile(text, []byte("not a photo at all"), 0o644)
	bad := filepath.Join(dir, "index.bin")
	os.WriteFile(bad, []byte("SENTREF\x00 nonsense"), 0o644)
	photo := filepath.Join(dir, "photo.png")
	f, _ := os.Create(photo)
	imaging.EncodePNG(f, imaging.NewRGB(40, 30))
	f.Close()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-adjective", "dark"}, "Usage"},
		{[]string{"-in", text, "-adjective", "dark"}, "not an image"},
		{[]string{"-in", filepath.Join(dir, "missing.jpg"), "-adjective", "dark"}, "no such file"},
		{[]string{"-in", photo}, "exactly one of -adjective and -polarity"},
		{[]string{"-in", photo, "-adjective", "dark", "-polarity", "negative"}, "exactly one"},
		{[]string{"-in", photo, "-polarity", "sad"}, "polarity"},
		{[]string{"-in", photo, "-adjective", "dark", "-k", "0"}, "-k: want a whole number from 1"},
		{[]string{"-in", photo, "-adjective", "dark", "-index", bad}, "corrupt"},
		{[]string{"-in", photo, "-adjective", "dark", "-index", filepath.Join(dir, "none.bin")}, "no such file"},
	}
	if _, err := assets.Root(""); err == nil {
		cases = append(cases, struct {
			args []string
			want string
		}{[]string{"-in", photo, "-adjective", "joyful"}, "no adjective \"joyful\""})
	}
	for _, c := range cases {
		code, out, stderr := runRetrieve(c.args...)
		if code != exitUsage || out != "" || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", c.args, code, out, stderr)
		}
	}
}

// TestRetrievePerceptualCommand ranks by backbone features instead of edge
// maps: the night edit is still first, now with a distance.
func TestRetrievePerceptualCommand(t *testing.T) {
	ashim, err := assets.Path("", "refs/ele-ashim.jpg")
	if err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runRetrieve("-in", ashim, "-adjective", "dark", "-k", "2", "-by", "perceptual", "-json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var ms []map[string]any
	if err := json.Unmarshal([]byte(out), &ms); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	d0, _ := ms[0]["distance"].(float64)
	d1, _ := ms[1]["distance"].(float64)
	if len(ms) != 2 || ms[0]["file"] != "ele-ashimnight.jpg" || !(d0 > 0 && d0 < d1) {
		t.Fatalf("%s", out)
	}
	if code, _, _ := runRetrieve("-in", ashim, "-adjective", "dark", "-by", "colour"); code != exitUsage {
		t.Errorf("-by colour: exit %d", code)
	}
}
