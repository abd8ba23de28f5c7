package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sentiment/assets"
	"sentiment/weights"
	"sentiment/weights/convert"
)

func runClassify(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := classify(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestClassify(t *testing.T) {
	cat, err := assets.Path("", "models/cat.bmp")
	if err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runClassify("-in", cat, "-k", "3")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 3 || !strings.Contains(lines[0], "Egyptian cat") {
		t.Fatalf("exit %d, output:\n%s%s", code, out, stderr)
	}

	// A converted file with its manifest gives the same answer; tampered,
	// it is refused.
	src, err := assets.Fetch("", assets.SqueezeNet)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(src)
	f, err := convert.KerasJS(data)
	if err != nil {
		t.Fatal(err)
	}
	enc, _ := f.Encode()
	dir := t.TempDir()
	wpath := filepath.Join(dir, "squeezenet.weights")
	os.WriteFile(wpath, enc, 0o644)
	os.WriteFile(wpath+".json", weights.NewManifest("squeezenet.weights", f.Backbone, enc).Marshal(), 0o644)
	if code, out2, stderr := runClassify("-in", cat, "-k", "3", "-weights", wpath); code != 0 || out2 != out {
		t.Errorf("with -weights: exit %d, %s%s", code, out2, stderr)
	}
	enc[len(enc)/2] ^= 0x40
	os.WriteFile(wpath, enc, 0o644)
	if code, _, stderr := runClassify("-in", cat, "-weights", wpath); code != exitFailed || !strings.Contains(stderr, "tampered") {
		t.Errorf("tampered weights: exit %d, %s", code, stderr)
	}
	// SqueezeNet weights for DenseNet121.
	if code, _, stderr := runClassify("-in", cat, "-backbone", "densenet121", "-weights", src); code != exitUsage || !strings.Contains(stderr, "not densenet121") {
		t.Errorf("wrong backbone: exit %d, %s", code, stderr)
	}
}

func TestClassifyBadInput(t *testing.T) {
	notImage := filepath.Join(t.TempDir(), "photo.jpg")
	os.WriteFile(notImage, []byte("not a photo"), 0o644)
	for _, args := range [][]string{
		{},                                  // no -in
		{"-in", "/no/such/photo.jpg"},       // missing
		{"-in", notImage},                   // not an image
		{"-in", notImage, "-backbone", "x"}, // unknown backbone
		{"-in", notImage, "-k", "0"},
		{"-bogus"},
	} {
		code, out, stderr := runClassify(args...)
		if code != exitUsage || out != "" || stderr == "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, out, stderr)
		}
	}
}
