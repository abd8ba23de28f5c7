package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"sentiment/assets"
	"sentiment/imaging"
	"sentiment/look"
	"sentiment/score"
	"sentiment/transfer"
)

func init() {
	commands["transfer"] = command{
		summary: "give a photo the mood of a reference photo",
		run:     func(args []string) int { return transferCmd(args, os.Stdout, os.Stderr) },
	}
}

// transferReport is what -json prints.
type transferReport struct {
	Input      string           `json:"input"`
	Reference  string           `json:"reference"`
	Output     string           `json:"output"`
	Width      int              `json:"width"`
	Height     int              `json:"height"`
	Backbone   string           `json:"backbone"`
	Preset     string           `json:"preset"`
	Iterations int              `json:"iterations"`
	SSIM       float64          `json:"ssim"`
	Movement   *float64         `json:"colour_movement,omitempty"`
	Seconds    float64          `json:"seconds"`
	LossStart  transfer.Losses  `json:"loss_start"`
	LossEnd    transfer.Losses  `json:"loss_end"`
	Retrieved  []retrievedMatch `json:"retrieved,omitempty"`
}

// transferCmd is `sentiment transfer -in PHOTO (-ref REF | -adjective A
// [-noun N]) -out OUT.(png|jpg) [flags]`.
func transferCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("transfer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "photo to transfer")
	refPath := fs.String("ref", "", "reference photo whose look to take (or use -adjective)")
	adjective := fs.String("adjective", "", "mood to retrieve a reference for, such as misty (instead of -ref)")
	noun := fs.String("noun", "", "what the photo shows, such as lake (optional, with -adjective)")
	index := fs.String("index", "", "reference index built by cmd/build (default: built from the assets' refs)")
	out := fs.String("out", "", "output image, .png or .jpg, at the input's full size")
	name := fs.String("backbone", "squeezenet", "network: squeezenet or densenet121")
	wfile := fs.String("weights", "", "weights file (default: converted from the assets)")
	pf := addPresetFlags(fs)
	strength := fs.Float64("strength", -1, "strength of the look, 0 to 1 (default: the preset's)")
	lut := fs.String("lut", "", "also write the global look as a 33³ .cube LUT")
	asJSON := fs.Bool("json", false, "print a JSON report")
	dir := fs.String("assets", "", "assets folder (default $"+assets.EnvVar+", then ../shared/assets)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	fail := func(code int, err error) int {
		fmt.Fprintln(stderr, "sentiment transfer:", err)
		return code
	}
	switch {
	case *in == "" || *out == "" || fs.NArg() > 0:
		fs.Usage()
		return exitUsage
	case (*refPath == "") == (*adjective == ""):
		return fail(exitUsage, errors.New("give exactly one of -ref and -adjective"))
	case !(*strength >= 0 && *strength <= 1) && *strength != -1:
		return fail(exitUsage, fmt.Errorf("-strength %g is not in [0, 1]", *strength))
	}
	ext := strings.ToLower(filepath.Ext(*out))
	if ext != ".png" && ext != ".jpg" && ext != ".jpeg" {
		return fail(exitUsage, fmt.Errorf("-out %s: write .png or .jpg", *out))
	}
	if _, err := backboneName(*name); err != nil {
		return fail(exitUsage, err)
	}
	img, _, err := imaging.DecodeFile(*in)
	if err != nil {
		return fail(exitUsage, err)
	}
	if min(img.W, img.H) < transfer.MinSide {
		return fail(exitUsage, fmt.Errorf("%s is %d×%d pixels: a photo needs at least %d on each side", *in, img.W, img.H, transfer.MinSide))
	}
	rep := transferReport{Input: *in, Output: *out, Width: img.W, Height: img.H}
	var ref *imaging.RGB
	if *refPath != "" {
		if ref, _, err = imaging.DecodeFile(*refPath); err != nil {
			return fail(exitUsage, fmt.Errorf("reference: %w", err))
		}
		rep.Reference = *refPath
	} else {
		matches, code, err := retrieveFor(img, *adjective, *noun, *index, *dir, 5)
		if err != nil {
			return fail(code, err)
		}
		rep.Retrieved = matches
		rep.Reference = matches[0].Path
		if ref, _, err = imaging.DecodeFile(matches[0].Path); err != nil {
			return fail(exitFailed, fmt.Errorf("reference: %w", err))
		}
	}
	net, code, err := openNetwork(*name, *wfile, *dir, stderr)
	if err != nil {
		return fail(code, err)
	}
	p, err := pf.preset(net)
	if err != nil {
		return fail(exitUsage, err)
	}
	rep.Backbone, rep.Preset = net.Name(), p.Name
	if *strength == -1 {
		*strength = p.Strength
	}

	// Ctrl-C stops the optimization between iterations.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	start := time.Now()
	res, err := transfer.Run(ctx, net, img, ref, transfer.Options{Preset: p}, func(pr transfer.Progress) {
		if !*asJSON && (pr.Iteration%10 == 0 || pr.Iteration == pr.Total) {
			fmt.Fprintf(stderr, "\riteration %d/%d  content %.4g  style %.4g ", pr.Iteration, pr.Total, pr.Content, pr.Style)
		}
	})
	if !*asJSON {
		fmt.Fprintln(stderr)
	}
	if err != nil {
		return fail(exitFailed, err)
	}
	result, err := res.Grid.Apply(img, float32(*strength))
	if err != nil {
		return fail(exitFailed, err)
	}
	rep.Seconds = time.Since(start).Seconds()
	rep.Iterations, rep.LossStart, rep.LossEnd = res.Iterations, res.Start, res.End
	if err := writeImage(*out, result); err != nil {
		return fail(exitFailed, err)
	}
	if *lut != "" {
		if err := writeLUT(*lut, res.Grid, float32(*strength)); err != nil {
			return fail(exitFailed, err)
		}
	}
	sc, err := score.Score(img, result, ref)
	if err != nil {
		return fail(exitFailed, err)
	}
	rep.SSIM = sc.SSIM
	if sc.MovementOK {
		rep.Movement = &sc.Movement
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
		return 0
	}
	fmt.Fprintf(stdout, "%s: %d×%d, reference %s, SSIM %.4f, %d iterations in %.1fs\n",
		*out, img.W, img.H, rep.Reference, rep.SSIM, rep.Iterations, rep.Seconds)
	return 0
}

// writeImage encodes m by the extension of path.
func writeImage(path string, m *imaging.RGB) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png":
		err = imaging.EncodePNG(f, m)
	default:
		err = imaging.EncodeJPEG(f, m, 92)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeLUT writes the global part of the look as a .cube file.
func writeLUT(path string, g *look.Grid, strength float32) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = look.WriteCube(f, "sentiment transfer", g.Global().WithStrength(strength).Map, look.CubeSize)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
