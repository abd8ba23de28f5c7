package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
	name := backboneFlag(fs, "network")
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
	if _, err := engine.Lookup(*name); err != nil {
		return r.fail(exitUsage, err)
	}
	// A transparent photo is transferred as a viewer shows it, on white;
	// its alpha plane passes through to a PNG (a JPEG stays on white).
	// The look applies to the straight colour, so that the output's own
	// compositing gives the same picture.
	straight, alpha, _, err := imaging.DecodeFileAlpha(*in)
	if err != nil {
		return r.fail(exitUsage, err)
	}
	img, err := imaging.OnWhite(straight, alpha)
	if err != nil {
		return r.fail(exitUsage, err)
	}
	if err := engine.CheckPhoto("photo", img); err != nil {
		return r.fail(exitUsage, fmt.Errorf("%s: %w", *in, err))
	}
	rep := transferReport{Input: *in, Output: *out, Width: img.W, Height: img.H}
	var ref *imaging.RGB
	if *refPath != "" {
		if ref, _, err = imaging.DecodeFile(*refPath); err != nil {
			return r.fail(exitUsage, fmt.Errorf("reference: %w", err))
		}
		rep.Reference = *refPath
	} else {
		matches, err := retrieve(img, retrieval.Query{Adjective: *adjective, Noun: *noun, K: 5}, *index, *dir)
		if err != nil {
			return r.fail(exitFailed, err)
		}
		rep.Retrieved = matches
		rep.Reference = matches[0].Path
		// The retrieved picture is an input too.
		if err := checkOutputs([]file{{matches[0].Path, "", "the retrieved reference photo"}}, outputs); err != nil {
			return r.fail(exitUsage, err)
		}
		if ref, _, err = imaging.DecodeFile(matches[0].Path); err != nil {
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
	result, err := engine.Apply(ctx, res.Grid, straight, s)
	if err != nil {
		return r.fail(exitFailed, err)
	}
	shown, err := imaging.OnWhite(result, alpha)
	if err != nil {
		return r.fail(exitFailed, err)
	}
	rep.Seconds = time.Since(start).Seconds()
	rep.Iterations, rep.LossStart, rep.LossEnd = res.Iterations, res.Start, res.End
	sc, err := score.Score(img, shown, ref)
	if err != nil {
		return r.fail(exitFailed, err)
	}
	rep.SSIM = sc.SSIM
	if sc.MovementOK {
		rep.Movement = &sc.Movement
	}
	// Every output is written in full before any is put in place, so a
	// failure or a Ctrl-C up to here leaves the folder as it was.
	files, err := writeOutputs(*out, result, alpha, *lut, res.Grid, s)
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
	if *asJSON {
		return writeJSON(r, stdout, rep)
	}
	fmt.Fprintf(stdout, "%s: %d×%d, reference %s, SSIM %.4f, %d iterations in %.1fs\n",
		*out, img.W, img.H, rep.Reference, rep.SSIM, rep.Iterations, rep.Seconds)
	return 0
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

// writeOutputs writes the image (encoded by the extension of out) and,
// if lut is not "", the LUT, each to a temporary file not yet in place.
func writeOutputs(out string, m *imaging.RGB, alpha *imaging.Alpha, lut string, g *look.Grid, s float32) ([]*outfile.File, error) {
	img, err := outfile.Create(out, func(w io.Writer) error {
		if strings.ToLower(filepath.Ext(out)) == ".png" {
			return imaging.EncodePNGAlpha(w, m, alpha)
		}
		return imaging.EncodeJPEGOnWhite(w, m, alpha, 92)
	})
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
