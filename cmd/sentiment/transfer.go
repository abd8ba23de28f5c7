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
	"runtime"
	"strings"

	"sentiment/assets"
	"sentiment/engine"
	"sentiment/imaging"
	"sentiment/internal/outfile"
	"sentiment/look"
	"sentiment/retrieval"
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
	// Mood is the light the photo was moved toward: how many references
	// it was made from, and whether it is their consensus alone.
	Mood *engine.Mood `json:"mood,omitempty"`
	// Subject is the network's guess of what the photo shows (-noun auto).
	Subject []retrieval.NounGuess `json:"subject,omitempty"`
}

// transferCmd is `sentiment transfer -in PHOTO (-ref REF | -adjective A
// [-noun N]) -out OUT.(png|jpg) [flags]`, or a batch (batch.go) with -in a
// folder, a pattern or several files and -out a folder. Cancelling ctx
// stops it; its outputs are then left as they were.
func transferCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("transfer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "photo to transfer; or a folder of them, or a pattern such as 'photos/*.jpg' (or files after the flags), with -out a folder")
	refPath := fs.String("ref", "", "reference photo whose look to take (or use -adjective)")
	adjective := fs.String("adjective", "", "mood to retrieve a reference for, such as misty (instead of -ref)")
	noun := fs.String("noun", "", "what the photo shows, such as lake (optional, with -adjective); auto: the network's guess")
	index := fs.String("index", "", "reference index or collection file, from cmd/build or sentiment index (default: built from the assets' refs)")
	out := fs.String("out", "", "output image, .png or .jpg, at the input's full size (never the input itself); for many photos, a folder")
	name := backboneFlag(fs, "network")
	wfile := fs.String("weights", "", "weights file (default: converted from the assets)")
	pf := addPresetFlags(fs)
	strength := float(fs, "strength", -1, 0, 1, "strength of the look (default: the preset's)")
	lut := fs.String("lut", "", "also write the global look as a 33³ .cube LUT")
	asJSON := fs.Bool("json", false, "print a JSON report")
	dir := fs.String("assets", "", "assets folder (default $"+assets.EnvVar+", then ../shared/assets)")
	var bo batchOptions
	intVar(fs, &bo.jobs, "jobs", runtime.GOMAXPROCS(0), 1, maxJobs, "for many photos: how many are transferred at once, each by its own engine (default: one per core)")
	intVar(fs, &bo.memoryMiB, "memory", defaultMemoryMiB, 256, maxMemoryMiB, "for many photos: MiB that the photos at work may take together")
	fs.BoolVar(&bo.force, "force", false, "for many photos: transfer again those whose output exists (else they are skipped, so that a stopped batch resumes)")
	r := reporter{"transfer", stderr}
	if err := r.parse(fs, args); err != nil {
		return exitUsage
	}
	batch := isBatch(*in, *out, fs.Args())
	switch {
	case *in == "" || *out == "" || fs.NArg() > 0 && !batch:
		fs.Usage()
		return exitUsage
	case (*refPath == "") == (*adjective == ""):
		return r.fail(exitUsage, errors.New("give exactly one of -ref and -adjective"))
	case batch && *lut != "":
		return r.fail(exitUsage, errBatchLUT)
	}
	inputs := []file{{*in, "-in", "the input photo"}, {*refPath, "-ref", "the reference photo"},
		{*index, "-index", "the reference index"}, {*wfile, "-weights", "the weights"}}
	outputs := []file{{*out, "-out", "the result"}, {*lut, "-lut", "the LUT"}}
	var photos []string
	var p *photo
	var err error
	if batch {
		if photos, err = batchPhotos(*in, fs.Args()); err != nil {
			return r.fail(exitUsage, err)
		}
		if err := checkBatchOutputs(photos, *out, inputs[1:]); err != nil {
			return r.fail(exitUsage, err)
		}
	} else {
		ext := strings.ToLower(filepath.Ext(*out))
		if ext != ".png" && ext != ".jpg" && ext != ".jpeg" {
			return r.fail(exitUsage, fmt.Errorf("-out %s: write .png or .jpg", *out))
		}
		if err := checkOutputs(inputs, outputs); err != nil {
			return r.fail(exitUsage, err)
		}
	}
	if _, err := engine.Lookup(*name); err != nil {
		return r.fail(exitUsage, err)
	}
	if !batch {
		if p, err = readPhoto(ctx, *in); err != nil {
			return r.fail(inputCode(err), err)
		}
	}
	job := &photoJob{strength: *strength, adjective: *adjective, noun: *noun, asset: *dir, warn: r.warn, refPath: *refPath}
	if *refPath != "" {
		if job.ref, err = reference(ctx, *refPath); err != nil {
			return r.fail(inputCode(err), fmt.Errorf("reference: %w", err))
		}
	} else {
		if job.refs, err = openRefs(*index, *dir, *noun == autoNoun, r.warn); err != nil {
			return r.fail(exitFailed, err)
		}
		if err := checkAdjective(job.refs, *adjective); err != nil {
			return r.fail(exitUsage, err)
		}
	}
	if job.net, err = engine.Open(*name, *wfile, *dir, r.warn); err != nil {
		return r.fail(exitFailed, err)
	}
	if job.preset, err = pf.preset(job.net); err != nil {
		return r.fail(exitUsage, err)
	}
	if batch {
		return runBatch(ctx, r, job, photos, *out, bo, *asJSON, stdout)
	}
	checkRef := func(path string) error {
		return checkOutputs([]file{{path, "", "the retrieved reference photo"}}, outputs)
	}
	rep, err := job.run(ctx, p, *out, *lut, checkRef, func(pr engine.Progress) {
		if !*asJSON && (pr.Iteration%10 == 0 || pr.Iteration == pr.Total) {
			fmt.Fprintf(stderr, "\riteration %d/%d  content %.4g  style %.4g ", pr.Iteration, pr.Total, pr.Content, pr.Style)
		}
	})
	if !*asJSON {
		fmt.Fprintln(stderr)
	}
	if err != nil {
		if isUsage(err) {
			return r.fail(exitUsage, err)
		}
		return r.fail(exitFailed, err)
	}
	stage("done")
	if *asJSON {
		return writeJSON(r, stdout, rep)
	}
	fmt.Fprintf(stdout, "%s: %d×%d, reference %s, SSIM %.4f, %d iterations in %.1fs\n",
		*out, rep.Width, rep.Height, rep.Reference, rep.SSIM, rep.Iterations, rep.Seconds)
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
