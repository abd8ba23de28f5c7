package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"sentiment/assets"
	"sentiment/engine"
	"sentiment/imaging"
	"sentiment/internal/outfile"
	"sentiment/look"
	"sentiment/retrieval"
	"sentiment/score"
	"sentiment/transfer"
)

func init() {
	commands["transfer"] = command{
		summary: "give a photo the mood of a reference photo",
		run: func(args []string) int {
			// Ctrl-C (or a SIGTERM) stops the run, up to the moment the
			// outputs are put in place, and leaves no temporary file; a
			// second one ends the process at once.
			ctx, stop := interrupted()
			defer stop()
			return transferCmd(ctx, args, os.Stdout, os.Stderr)
		},
	}
}

// transferReport is what -json prints.
type transferReport struct {
	Input      string            `json:"input"`
	Reference  string            `json:"reference"`
	Output     string            `json:"output"`
	Width      int               `json:"width"`
	Height     int               `json:"height"`
	Backbone   string            `json:"backbone"`
	Preset     string            `json:"preset"`
	Iterations int               `json:"iterations"`
	SSIM       float64           `json:"ssim"`
	Movement   *float64          `json:"colour_movement,omitempty"`
	Seconds    float64           `json:"seconds"`
	LossStart  transfer.Losses   `json:"loss_start"`
	LossEnd    transfer.Losses   `json:"loss_end"`
	Retrieved  []retrieval.Match `json:"retrieved,omitempty"`
}

// transferCmd is `sentiment transfer -in PHOTO (-ref REF | -adjective A
// [-noun N]) -out OUT.(png|jpg) [flags]`. Cancelling ctx stops it; its
// outputs are then left as they were.
func transferCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("transfer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "photo to transfer")
	refPath := fs.String("ref", "", "reference photo whose look to take (or use -adjective)")
	adjective := fs.String("adjective", "", "mood to retrieve a reference for, such as misty (instead of -ref)")
	noun := fs.String("noun", "", "what the photo shows, such as lake (optional, with -adjective)")
	index := fs.String("index", "", "reference index built by cmd/build (default: built from the assets' refs)")
	out := fs.String("out", "", "output image, .png or .jpg, at the input's full size (never the input itself)")
	name := fs.String("backbone", "squeezenet", "network: squeezenet or densenet121")
	wfile := fs.String("weights", "", "weights file (default: converted from the assets)")
	pf := addPresetFlags(fs)
	strength := float(fs, "strength", -1, 0, 1, "strength of the look (default: the preset's)")
	lut := fs.String("lut", "", "also write the global look as a 33³ .cube LUT")
	asJSON := fs.Bool("json", false, "print a JSON report")
	dir := fs.String("assets", "", "assets folder (default $"+assets.EnvVar+", then ../shared/assets)")
	r := reporter{"transfer", stderr}
	if err := r.parse(fs, args); err != nil {
		return exitUsage
	}
	switch {
	case *in == "" || *out == "" || fs.NArg() > 0:
		fs.Usage()
		return exitUsage
	case (*refPath == "") == (*adjective == ""):
		return r.fail(exitUsage, errors.New("give exactly one of -ref and -adjective"))
	}
	ext := strings.ToLower(filepath.Ext(*out))
	if ext != ".png" && ext != ".jpg" && ext != ".jpeg" {
		return r.fail(exitUsage, fmt.Errorf("-out %s: write .png or .jpg", *out))
	}
	inputs := []file{{*in, "-in", "the input photo"}, {*refPath, "-ref", "the reference photo"},
		{*index, "-index", "the reference index"}, {*wfile, "-weights", "the weights"}}
	outputs := []file{{*out, "-out", "the result"}, {*lut, "-lut", "the LUT"}}
	if err := checkOutputs(inputs, outputs); err != nil {
		return r.fail(exitUsage, err)
	}
	if _, err := engine.BackboneName(*name); err != nil {
		return r.fail(exitUsage, err)
	}
	// The photo is held at full size in 8 bits, as the page's canvas holds
	// it, and optimized through small copies composited on white, as a
	// viewer shows a transparent photo: a photo of imaging.MaxPixels costs
	// 400 MB, twice that with its result, where floats took 1.2 GB each.
	// The look applies to the straight colour and the alpha passes through
	// to a PNG (a JPEG is composited on white).
	photo, _, err := imaging.DecodeFileNRGBA(ctx, *in)
	if err != nil {
		return r.fail(inputCode(err), err)
	}
	// The decoder's own pixels (up to 300 MB) are garbage now: given back
	// before the result takes as much again, not after the next cycle.
	debug.FreeOSMemory()
	W, H := photo.Rect.Dx(), photo.Rect.Dy()
	if err := engine.CheckPhotoSize("photo", W, H); err != nil {
		return r.fail(exitUsage, fmt.Errorf("%s: %w", *in, err))
	}
	rep := transferReport{Input: *in, Output: *out, Width: W, Height: H}
	var ref *imaging.RGB
	if *refPath != "" {
		if ref, err = reference(ctx, *refPath); err != nil {
			return r.fail(inputCode(err), fmt.Errorf("reference: %w", err))
		}
		rep.Reference = *refPath
	} else {
		small, err := shrink(ctx, photo, imaging.WorkingSize, imaging.Fit)
		if err != nil {
			return r.fail(exitFailed, err)
		}
		matches, err := retrieve(small, retrieval.Query{Adjective: *adjective, Noun: *noun, K: 5}, *index, *dir)
		if err != nil {
			return r.fail(exitFailed, err)
		}
		rep.Retrieved = matches
		rep.Reference = matches[0].Path
		// The retrieved picture is an input too.
		if err := checkOutputs([]file{{matches[0].Path, "", "the retrieved reference photo"}}, outputs); err != nil {
			return r.fail(exitUsage, err)
		}
		if ref, err = reference(ctx, matches[0].Path); err != nil {
			return r.fail(exitFailed, fmt.Errorf("reference: %w", err))
		}
	}
	net, err := engine.Open(*name, *wfile, *dir, r.warn)
	if err != nil {
		return r.fail(exitFailed, err)
	}
	p, err := pf.preset(net)
	if err != nil {
		return r.fail(exitUsage, err)
	}
	rep.Backbone, rep.Preset = net.Name(), p.Name
	if *strength == -1 {
		*strength = p.Strength
	}

	start := time.Now()
	img, err := shrink(ctx, photo, p.Size, transfer.WorkingSize)
	if err != nil {
		return r.fail(exitFailed, err)
	}
	res, err := engine.Transfer(ctx, net, img, ref, p, 0, func(pr engine.Progress) {
		if !*asJSON && (pr.Iteration%10 == 0 || pr.Iteration == pr.Total) {
			fmt.Fprintf(stderr, "\riteration %d/%d  content %.4g  style %.4g ", pr.Iteration, pr.Total, pr.Content, pr.Style)
		}
	})
	if !*asJSON {
		fmt.Fprintln(stderr)
	}
	if err != nil {
		return r.fail(exitFailed, err)
	}
	s := float32(*strength)
	// And the optimization's garbage (half a gigabyte, whatever the
	// photo's size) before the result takes the photo's size again.
	debug.FreeOSMemory()
	result := image.NewNRGBA(photo.Rect)
	copy(result.Pix, photo.Pix)
	stage("apply")
	if err := engine.ApplyNRGBA(ctx, res.Grid, result, s); err != nil {
		return r.fail(exitFailed, err)
	}
	rep.Seconds = time.Since(start).Seconds()
	rep.Iterations, rep.LossStart, rep.LossEnd = res.Iterations, res.Start, res.End
	stage("score")
	sc, err := score.ScoreNRGBA(ctx, photo, result, ref)
	if err != nil {
		return r.fail(exitFailed, err)
	}
	rep.SSIM = sc.SSIM
	if sc.MovementOK {
		rep.Movement = &sc.Movement
	}
	// Every output is written in full before any is put in place, so a
	// failure or a Ctrl-C up to here leaves the folder as it was.
	stage("encode")
	files, err := writeOutputs(ctx, *out, result, *lut, res.Grid, s)
	if err != nil {
		return r.fail(exitFailed, err)
	}
	if err := ctx.Err(); err != nil {
		for _, f := range files {
			f.Discard()
		}
		return r.fail(exitFailed, err)
	}
	for _, f := range files {
		if err := f.Commit(); err != nil {
			return r.fail(exitFailed, err)
		}
	}
	stage("done")
	if *asJSON {
		return writeJSON(r, stdout, rep)
	}
	fmt.Fprintf(stdout, "%s: %d×%d, reference %s, SSIM %.4f, %d iterations in %.1fs\n",
		*out, W, H, rep.Reference, rep.SSIM, rep.Iterations, rep.Seconds)
	return 0
}

// stage, if set, is told when transferCmd starts each stage of the work
// at full size after the optimization: "apply", "score", "encode" (for
// the test of a Ctrl-C during each).
var stage = func(string) {}

// inputCode is the exit code of an error reading an input: exitFailed
// for a Ctrl-C, else exitUsage.
func inputCode(err error) int {
	if errors.Is(err, context.Canceled) {
		return exitFailed
	}
	return exitUsage
}

// shrink returns the copy of photo, composited on white, at the size
// that size gives it (imaging.Fit for retrieval, transfer.WorkingSize for
// the optimization), or at its own size if that is larger.
func shrink(ctx context.Context, photo *image.NRGBA, size int, fit func(w, h, size int) (int, int)) (*imaging.RGB, error) {
	w, h := photo.Rect.Dx(), photo.Rect.Dy()
	if max(w, h) > size {
		w, h = fit(w, h, size)
	}
	return imaging.ShrinkOnWhite(ctx, photo, w, h)
}

// reference decodes a reference photo composited on white, as the page
// takes it, at no more than the largest working size: the optimization
// and the scores read nothing finer, and a reference of imaging.MaxPixels
// would otherwise cost as much as the photo.
func reference(ctx context.Context, path string) (*imaging.RGB, error) {
	m, _, err := imaging.DecodeFileNRGBA(ctx, path)
	if err != nil {
		return nil, err
	}
	return shrink(ctx, m, transfer.MaxSize, imaging.Fit)
}

// file is a file named on the command line: its path, the flag that
// named it ("" for one the command found) and what it is.
type file struct{ path, flag, what string }

// name is how messages name f: its flag and path.
func (f file) name() string {
	if f.flag == "" {
		return f.path
	}
	return f.flag + " " + f.path
}

// checkOutputs refuses, before any work, outputs that cannot be written,
// an output that is one of the inputs (refused, not made safe: an input
// may be the one thing a user cannot get back; through links too) and two
// outputs that are one file. Files with an empty path are not given.
func checkOutputs(inputs, outputs []file) error {
	for i, o := range outputs {
		if o.path == "" {
			continue
		}
		for _, in := range inputs {
			if in.path != "" && sameFile(o.path, in.path) {
				return fmt.Errorf("%s is %s (%s): write %s to another file", o.name(), in.what, in.name(), o.what)
			}
		}
		for _, o2 := range outputs[:i] {
			if o2.path != "" && sameFile(o.path, o2.path) {
				return fmt.Errorf("%s and %s are both %s: give each output a file of its own", o2.flag, o.flag, o.path)
			}
		}
		if err := outfile.Check(o.path); err != nil {
			return err
		}
	}
	return nil
}

// sameFile reports whether two paths name one file, through links too.
func sameFile(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(fa, fb)
	}
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	return errA == nil && errB == nil && absA == absB
}

// writeOutputs writes the image (encoded by the extension of out; a JPEG
// is composited on white in m itself) and, if lut is not "", the LUT,
// each to a temporary file not yet in place. Cancelling ctx stops the
// encoder at its next write.
func writeOutputs(ctx context.Context, out string, m *image.NRGBA, lut string, g *look.Grid, s float32) ([]*outfile.File, error) {
	format := "jpeg"
	if strings.ToLower(filepath.Ext(out)) == ".png" {
		format = "png"
	}
	img, err := outfile.Create(out, func(w io.Writer) error { return imaging.EncodeNRGBA(ctx, w, m, format, 92) })
	if err != nil {
		return nil, err
	}
	files := []*outfile.File{img}
	if lut != "" {
		cube, err := outfile.Create(lut, func(w io.Writer) error { return engine.WriteLUT(w, g, s) })
		if err != nil {
			img.Discard()
			return nil, err
		}
		files = append(files, cube)
	}
	return files, nil
}
