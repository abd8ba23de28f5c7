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
)

func runTransfer(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := transferCmd(args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestTransferCommand runs a short transfer with a retrieved reference and
// checks the files and the report a user gets.
func TestTransferCommand(t *testing.T) {
	in, err := assets.Path("", "inputs/kodim16.jpg")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out, lut := filepath.Join(dir, "out.png"), filepath.Join(dir, "look.cube")
	code, stdout, stderr := runTransfer("-in", in, "-adjective", "misty", "-noun", "lake", "-out", out,
		"-size", "96", "-iters", "4", "-lut", lut, "-json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v in %s", err, stdout)
	}
	for _, k := range []string{"reference", "ssim", "seconds", "iterations", "loss_start", "loss_end"} {
		if _, ok := rep[k]; !ok {
			t.Errorf("report lacks %q: %s", k, stdout)
		}
	}
	if rep["iterations"].(float64) != 4 || !strings.HasSuffix(rep["reference"].(string), ".jpg") {
		t.Errorf("report %s", stdout)
	}
	if s := rep["ssim"].(float64); !(s > 0.5 && s < 1) {
		t.Errorf("SSIM %g: either nothing changed or the photo was lost", s)
	}
	src, _, err := imaging.DecodeFile(in)
	if err != nil {
		t.Fatal(err)
	}
	got, format, err := imaging.DecodeFile(out)
	if err != nil || format != "png" || got.W != src.W || got.H != src.H {
		t.Fatalf("output %s %v: %v", format, got, err)
	}
	cube, err := os.ReadFile(lut)
	if err != nil || !bytes.Contains(cube, []byte("LUT_3D_SIZE 33")) {
		t.Fatalf("LUT: %v", err)
	}
}

func TestTransferBadInput(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.jpg")
	if err := os.WriteFile(text, []byte("not a photo"), 0o644); err != nil {
		t.Fatal(err)
	}
	ref, err := assets.Path("", "refs/lxqt-fog.jpg")
	if err != nil {
		t.Fatal(err)
	}
	tiny := filepath.Join(dir, "tiny.png")
	tf, err := os.Create(tiny)
	if err != nil {
		t.Fatal(err)
	}
	if err := imaging.EncodePNG(tf, imaging.NewRGB(8, 300)); err != nil {
		t.Fatal(err)
	}
	tf.Close()
	out := filepath.Join(dir, "out.png")
	for name, args := range map[string][]string{
		"8-pixel-wide photo": {"-in", tiny, "-ref", ref, "-out", out},
		"text as photo":      {"-in", text, "-ref", ref, "-out", out},
		"text as reference":  {"-in", ref, "-ref", text, "-out", out},
		"missing photo":      {"-in", filepath.Join(dir, "nope.jpg"), "-ref", ref, "-out", out},
		"no -out":            {"-in", ref, "-ref", ref},
		"both references":    {"-in", ref, "-ref", ref, "-adjective", "misty", "-out", out},
		"bad extension":      {"-in", ref, "-ref", ref, "-out", filepath.Join(dir, "out.gif")},
		"bad strength":       {"-in", ref, "-ref", ref, "-out", out, "-strength", "2"},
		"unknown mood":       {"-in", ref, "-adjective", "purple", "-out", out},
		"unknown backbone":   {"-in", ref, "-ref", ref, "-out", out, "-backbone", "vgg"},
	} {
		code, _, stderr := runTransfer(args...)
		if code != exitUsage || (name != "no -out" && !strings.Contains(stderr, "sentiment transfer:")) {
			t.Errorf("%s: exit %d, stderr %q", name, code, stderr)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed run left an output file")
	}
}
