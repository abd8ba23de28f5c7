package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sentiment/assets"
	"sentiment/engine"
	"sentiment/weights"
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
	enc, f := squeezeNetFile(t)
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
	enc, _ = squeezeNetFile(t)
	sq := filepath.Join(dir, "sq.weights")
	if err := os.WriteFile(sq, enc, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runClassify("-in", cat, "-backbone", "densenet121", "-weights", sq); code != exitUsage || !strings.Contains(stderr, "not densenet121") {
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

// squeezeNetFile returns the assets' SqueezeNet converted and encoded, as
// the build ships it.
func squeezeNetFile(t *testing.T) ([]byte, *weights.File) {
	t.Helper()
	f, err := engine.Weights("squeezenet", "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := f.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return enc, f
}

// TestClassifyJSON: -json gives the backbone and the top classes with
// their ImageNet index, label and probability, for both backbones (here
// from the assets: SqueezeNet's Keras.js model, DenseNet121's TF.js export).
func TestClassifyJSON(t *testing.T) {
	cat, err := assets.Path("", "models/cat.bmp")
	if err != nil {
		t.Fatal(err)
	}
	for flag, name := range map[string]string{"squeezenet": "squeezenet_v1.1", "densenet121": "densenet121"} {
		code, out, stderr := runClassify("-in", cat, "-json", "-backbone", flag)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", flag, code, stderr)
		}
		var got struct {
			Backbone string
			Top5     []struct {
				Index int
				Label string
				P     float64
			}
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%s: %v in %s", flag, err, out)
		}
		// ImageNet class 285 is "Egyptian cat".
		if got.Backbone != name || len(got.Top5) != 5 || got.Top5[0].Index != 285 || got.Top5[0].Label != "Egyptian cat" ||
			!(got.Top5[0].P > 0.3 && got.Top5[0].P < 1 && got.Top5[1].P <= got.Top5[0].P) {
			t.Errorf("%s: %s", flag, out)
		}
		t.Logf("%s: %s %.3f", flag, got.Top5[0].Label, got.Top5[0].P)
	}
}

// TestClassifyNaNWeights: weights that are all NaN are an error with a
// non-zero exit, not NaN probabilities.
func TestClassifyNaNWeights(t *testing.T) {
	cat, err := assets.Path("", "models/cat.bmp")
	if err != nil {
		t.Fatal(err)
	}
	_, f := squeezeNetFile(t)
	for i, tn := range f.Tensors {
		v := make([]float32, tn.Len())
		for j := range v {
			v[j] = float32(math.NaN())
		}
		f.Tensors[i] = weights.NewFloat32(tn.Name, tn.Shape, v)
	}
	enc, err := f.Encode()
	if err != nil {
		t.Fatal(err)
	}
	wpath := filepath.Join(t.TempDir(), "nan.weights")
	if err := os.WriteFile(wpath, enc, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runClassify("-in", cat, "-weights", wpath)
	if code != exitFailed || out != "" || !strings.Contains(stderr, "sentiment classify: ") || !strings.Contains(stderr, "not numbers") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}
