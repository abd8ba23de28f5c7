package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sentiment/assets"
	"sentiment/imaging"
)

func runTransfer(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := transferCmd(context.Background(), args, &out, &errb)
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

// cancelAt is a stderr that cancels a run when the progress line of an
// iteration appears: a Ctrl-C at that moment.
type cancelAt struct {
	bytes.Buffer
	line   string
	cancel func()
}

func (c *cancelAt) Write(p []byte) (int, error) {
	n, err := c.Buffer.Write(p)
	if strings.Contains(c.String(), c.line) {
		c.cancel()
	}
	return n, err
}

// TestTransferOutputsSafe: outputs that cannot be written are refused
// before the optimization starts, the input photo is never an output, and
// a failure or a Ctrl-C after the last iteration leaves an existing output
// as it was.
func TestTransferOutputsSafe(t *testing.T) {
	in, err := assets.Path("", "inputs/kodim16.jpg")
	if err != nil {
		t.Fatal(err)
	}
	ref, err := assets.Path("", "refs/lxqt-fog.jpg")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	photo := filepath.Join(dir, "photo.jpg")
	orig, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(photo, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.png")
	old := []byte("an earlier result")
	if err := os.WriteFile(out, old, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(photo, filepath.Join(dir, "link.jpg")); err != nil {
		t.Fatal(err)
	}
	quick := []string{"-ref", ref, "-size", "64", "-iters", "4"}
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"-out in a missing folder": {[]string{"-in", photo, "-out", filepath.Join(dir, "no", "out.png")}, "no folder"},
		"-out a folder":            {[]string{"-in", photo, "-out", filepath.Join(dir, "d.png")}, "is a folder"},
		"-out the input":           {[]string{"-in", photo, "-out", photo}, "is the input photo"},
		"-out a link to the input": {[]string{"-in", photo, "-out", filepath.Join(dir, "link.jpg")}, "is the input photo"},
		"-lut in a missing folder": {[]string{"-in", photo, "-out", out, "-lut", filepath.Join(dir, "no", "l.cube")}, "no folder"},
		"-lut the input":           {[]string{"-in", photo, "-out", out, "-lut", photo}, "is the input photo"},
		"-lut the output":          {[]string{"-in", photo, "-out", out, "-lut", out}, "both"},
	} {
		if name == "-out a folder" {
			os.Mkdir(filepath.Join(dir, "d.png"), 0o755)
		}
		code, _, stderr := runTransfer(append(c.args, quick...)...)
		if code != exitUsage || !strings.Contains(stderr, "sentiment transfer: ") || !strings.Contains(stderr, c.want) || strings.Contains(stderr, "iteration") {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 with %q before any iteration", name, code, stderr, c.want)
		}
	}
	// A Ctrl-C with the last iteration: nothing written, the old output
	// kept, no temporary file left.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &cancelAt{line: "iteration 4/4", cancel: cancel}
	lut := filepath.Join(dir, "look.cube")
	code := transferCmd(ctx, append([]string{"-in", photo, "-out", out, "-lut", lut}, quick...), io.Discard, stderr)
	if code != exitFailed || !strings.Contains(stderr.String(), "sentiment transfer: cancelled\n") {
		t.Errorf("Ctrl-C after the last iteration: exit %d, %q", code, stderr.String())
	}
	if b, _ := os.ReadFile(out); !bytes.Equal(b, old) {
		t.Error("a cancelled run replaced the output")
	}
	if b, _ := os.ReadFile(photo); !bytes.Equal(b, orig) {
		t.Error("the input photo changed")
	}
	if _, err := os.Stat(lut); err == nil {
		t.Error("a cancelled run wrote the LUT")
	}
	es, _ := os.ReadDir(dir)
	for _, e := range es {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("left %s", e.Name())
		}
	}
	// Uncancelled, the same run replaces the output.
	if code, _, stderr := runTransfer(append([]string{"-in", photo, "-out", out}, quick...)...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	src, _, err := imaging.DecodeFile(photo)
	if err != nil {
		t.Fatal(err)
	}
	if got, format, err := imaging.DecodeFile(out); err != nil || format != "png" || got.W != src.W || got.H != src.H {
		t.Errorf("output: %s %v", format, err)
	}
}

// TestTransferWarningPrefix: a weights file without its manifest is read
// with a warning that names the command that reads it.
func TestTransferWarningPrefix(t *testing.T) {
	in, err := assets.Path("", "inputs/kodim16.jpg")
	if err != nil {
		t.Fatal(err)
	}
	wpath := filepath.Join(t.TempDir(), "squeezenet.weights")
	enc, _ := squeezeNetFile(t)
	if err := os.WriteFile(wpath, enc, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out.jpg")
	code, _, stderr := runTransfer("-in", in, "-ref", in, "-out", out, "-weights", wpath, "-size", "48", "-iters", "1")
	if code != 0 || !strings.Contains(stderr, "sentiment transfer: no manifest "+wpath+".json") || strings.Contains(stderr, "classify") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// TestTransferKeepsAlpha transfers a PNG with transparent, graded and
// opaque areas: a PNG result keeps its alpha as it was, a JPEG result is
// the picture on white.
func TestTransferKeepsAlpha(t *testing.T) {
	in, err := assets.Path("", "inputs/kodim16.jpg")
	if err != nil {
		t.Fatal(err)
	}
	ref, err := assets.Path("", "refs/lxqt-fog.jpg")
	if err != nil {
		t.Fatal(err)
	}
	photo, _, err := imaging.DecodeFile(in)
	if err != nil {
		t.Fatal(err)
	}
	photo = imaging.Resize(photo, 96, 64)
	nrgba := image.NewNRGBA(image.Rect(0, 0, photo.W, photo.H))
	for y := 0; y < photo.H; y++ {
		for x := 0; x < photo.W; x++ {
			r, g, b := photo.At(x, y)
			a := uint8(255) // right third opaque, middle graded, left clear
			if x < photo.W/3 {
				a = 0
			} else if x < 2*photo.W/3 {
				a = uint8(y * 255 / (photo.H - 1))
			}
			nrgba.SetNRGBA(x, y, color.NRGBA{uint8(r*255 + 0.5), uint8(g*255 + 0.5), uint8(b*255 + 0.5), a})
		}
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "cut-out.png")
	var buf bytes.Buffer
	if err := png.Encode(&buf, nrgba); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	outPNG, outJPG := filepath.Join(dir, "out.png"), filepath.Join(dir, "out.jpg")
	for _, out := range []string{outPNG, outJPG} {
		if code, _, stderr := runTransfer("-in", src, "-ref", ref, "-out", out, "-size", "64", "-iters", "2"); code != 0 {
			t.Fatalf("%s: exit %d: %s", out, code, stderr)
		}
	}
	f, err := os.Open(outPNG)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	for y := 0; y < photo.H; y++ {
		for x := 0; x < photo.W; x++ {
			_, _, _, a := got.At(x, y).RGBA()
			if want := uint32(nrgba.NRGBAAt(x, y).A); a>>8 != want {
				t.Fatalf("PNG alpha at %d,%d: %d, want %d", x, y, a>>8, want)
			}
		}
	}
	jpg, _, err := imaging.DecodeFile(outJPG)
	if err != nil {
		t.Fatal(err)
	}
	// The clear third is white in the JPEG whatever its hidden colour.
	for y := 0; y < jpg.H; y += 7 {
		for x := 2; x < jpg.W/3-2; x += 5 {
			if r, g, b := jpg.At(x, y); r < 0.9 || g < 0.9 || b < 0.9 {
				t.Fatalf("JPEG at %d,%d: %.2f %.2f %.2f, want white", x, y, r, g, b)
			}
		}
	}
}
