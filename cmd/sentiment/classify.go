package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"sentiment/assets"
	"sentiment/backbone"
	"sentiment/engine"
	"sentiment/imaging"
)

func init() {
	commands["classify"] = command{
		summary: "print a photo's top ImageNet classes (checks a backbone)",
		run:     func(args []string) int { return classify(args, os.Stdout, os.Stderr) },
	}
}

// classification is what classify -json prints.
type classification struct {
	Backbone string         `json:"backbone"`
	Top      []engine.Class `json:"top5"`
}

// classify is `sentiment classify -in PHOTO [-backbone NAME] [-weights
// FILE] [-k N] [-json] [-assets DIR]`.
func classify(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("classify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "photo to classify (JPEG, PNG, GIF, BMP, WebP, TIFF)")
	name := backboneFlag(fs, "network")
	wfile := fs.String("weights", "", "weights: a .weights file (checked against FILE.json when present), a Keras.js .bin, a torch .pth or a TF.js folder; default: converted from the assets")
	k := integer(fs, "k", 5, 1, engine.Classes, "number of classes to print")
	asJSON := fs.Bool("json", false, `print {"backbone": …, "top5": [{"index", "label", "p"}, …]}`)
	dir := fs.String("assets", "", "assets folder (default $"+assets.EnvVar+", then ../shared/assets)")
	r := reporter{"classify", stderr}
	if err := r.parse(fs, args); err != nil {
		return exitUsage
	}
	if *in == "" || fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	if _, err := engine.Lookup(*name); err != nil {
		return r.fail(exitUsage, err)
	}
	img, _, err := imaging.DecodeFile(*in)
	if err != nil {
		return r.fail(exitUsage, err)
	}
	net, err := engine.Open(*name, *wfile, *dir, r.warn)
	if err != nil {
		return r.fail(exitFailed, err)
	}
	labels, err := engine.Labels(*dir, engine.Classes)
	if err != nil {
		return r.fail(exitFailed, err)
	}
	top, err := engine.Classify(net, img, labels, *k)
	if err != nil {
		return r.fail(exitFailed, err)
	}
	if *asJSON {
		return writeJSON(r, stdout, classification{net.Name(), top})
	}
	for i, c := range top {
		fmt.Fprintf(stdout, "%2d. %-40s %.4f\n", i+1, c.Label, c.P)
	}
	return 0
}

// openNetwork opens the network a -backbone and -weights pair name, with
// the exit code that fits an error (for eval.go).
func openNetwork(name, wfile, dir string, stderr io.Writer) (backbone.Network, int, error) {
	net, err := engine.Open(name, wfile, dir, reporter{"eval", stderr}.warn)
	if err != nil {
		if engine.IsBadInput(err) {
			return nil, exitUsage, err
		}
		return nil, exitFailed, err
	}
	return net, 0, nil
}

// writeJSON prints v indented, returning the exit code.
func writeJSON(r reporter, w io.Writer, v any) int {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return r.fail(exitFailed, err)
	}
	return 0
}
