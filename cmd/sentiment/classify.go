package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"sentiment/assets"
	"sentiment/backbone"
	"sentiment/imaging"
	"sentiment/weights"
	"sentiment/weights/convert"
	"sentiment/weights/convert/torch"
)

func init() {
	commands["classify"] = command{
		summary: "print a photo's top ImageNet classes (checks a backbone)",
		run:     func(args []string) int { return classify(args, os.Stdout, os.Stderr) },
	}
}

// Exit codes of classify.
const (
	exitFailed = 1 // the network could not be set up or run
	exitUsage  = 2 // bad flags or an unreadable photo
)

// classify is `sentiment classify -in PHOTO [-backbone NAME] [-weights
// FILE] [-k N] [-assets DIR]`.
func classify(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("classify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "photo to classify (JPEG, PNG, GIF, BMP, WebP, TIFF)")
	name := fs.String("backbone", "squeezenet", "network: squeezenet or densenet121")
	wfile := fs.String("weights", "", "weights: a .weights file (checked against FILE.json when present), a Keras.js .bin or a torch .pth; default: converted from the assets")
	k := fs.Int("k", 5, "number of classes to print")
	dir := fs.String("assets", "", "assets folder (default $"+assets.EnvVar+", then ../shared/assets)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	fail := func(code int, err error) int {
		fmt.Fprintln(stderr, "sentiment classify:", err)
		return code
	}
	if *in == "" || fs.NArg() > 0 || *k < 1 {
		fs.Usage()
		return exitUsage
	}
	if _, err := backboneName(*name); err != nil {
		return fail(exitUsage, err)
	}
	img, _, err := imaging.DecodeFile(*in)
	if err != nil {
		return fail(exitUsage, err)
	}
	net, code, err := openNetwork(*name, *wfile, *dir, stderr)
	if err != nil {
		return fail(code, err)
	}
	lpath, err := assets.Fetch(*dir, assets.Labels)
	if err != nil {
		return fail(exitFailed, err)
	}
	ldata, err := os.ReadFile(lpath)
	if err != nil {
		return fail(exitFailed, err)
	}
	probs, err := net.Classify(img)
	if err != nil {
		return fail(exitFailed, err)
	}
	labels, err := backbone.ParseLabels(ldata, len(probs))
	if err != nil {
		return fail(exitFailed, err)
	}
	for i, c := range backbone.TopK(probs, *k) {
		fmt.Fprintf(stdout, "%2d. %-40s %.4f\n", i+1, labels[c], probs[c])
	}
	return 0
}

// backboneName maps a -backbone flag value to the backbone name that
// weights files carry.
func backboneName(flagValue string) (string, error) {
	want := map[string]string{"squeezenet": backbone.SqueezeNetName, "densenet121": backbone.DenseNet121.Name}[flagValue]
	if want == "" {
		return "", fmt.Errorf("unknown backbone %q (want squeezenet or densenet121)", flagValue)
	}
	return want, nil
}

// openNetwork builds the network a -backbone and -weights pair name, and
// returns the exit code that fits its error.
func openNetwork(name, wfile, dir string, stderr io.Writer) (backbone.Network, int, error) {
	want, err := backboneName(name)
	if err != nil {
		return nil, exitUsage, err
	}
	f, err := loadWeights(wfile, want, dir, stderr)
	if err != nil {
		return nil, exitFailed, err
	}
	if f.Backbone != want {
		return nil, exitUsage, fmt.Errorf("%s holds %s weights, not %s (set -backbone)", wfile, f.Backbone, want)
	}
	net, err := backbone.Open(f)
	if err != nil {
		return nil, exitFailed, err
	}
	return net, 0, nil
}

// loadWeights reads the weights of the named backbone: from path, whatever
// its kind, or else converted from the assets.
func loadWeights(path, backboneName, dir string, stderr io.Writer) (*weights.File, error) {
	if path == "" {
		switch backboneName {
		case backbone.SqueezeNetName:
			src, err := assets.Fetch(dir, assets.SqueezeNet)
			if err != nil {
				return nil, err
			}
			data, err := os.ReadFile(src)
			if err != nil {
				return nil, err
			}
			return convert.KerasJS(data)
		default:
			src, err := assets.Path(dir, assets.DenseNet121.Rel)
			if err != nil {
				return nil, fmt.Errorf("no DenseNet121 weights: download %s and pass -weights FILE (%w)", assets.DenseNet121.URL, err)
			}
			return torch.Convert(src, backboneName)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	switch {
	case bytes.HasPrefix(data, []byte(weights.Magic)):
		mdata, err := os.ReadFile(path + ".json")
		if errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(stderr, "sentiment classify: no manifest %s.json: %s is parsed without its sha256 check\n", path, path)
			return weights.Parse(data)
		}
		if err != nil {
			return nil, err
		}
		m, err := weights.ParseManifest(mdata)
		if err != nil {
			return nil, err
		}
		return weights.Load(data, m)
	case bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte{0x80}):
		// A zip (torch ≥ 1.6) or a pickle (the legacy torch.save format).
		return torch.Convert(path, backboneName)
	}
	return convert.KerasJS(data)
}
