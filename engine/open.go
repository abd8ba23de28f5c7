//go:build !js

package engine

import (
	"bytes"
	"errors"
	"fmt"
	"os"

	"sentiment/assets"
	"sentiment/backbone"
	"sentiment/internal/assetweights"
	"sentiment/internal/infile"
	"sentiment/weights"
	"sentiment/weights/convert"
	"sentiment/weights/convert/torch"
)

// This file opens what lies on disk: weights of any supported format
// (sniffed), the assets' model, labels and references. It is native only,
// so the converters never reach the WebAssembly engine.

// Limits on the files Open, Labels and OpenRefs read, each far above
// what its kind holds and far below what would strain a machine: only
// regular files are read (internal/infile), and a longer one is refused
// by its size before a byte is read.
const (
	// maxManifestBytes bounds a weights file's manifest (FILE.json): its
	// name, size and sha256, a few hundred bytes.
	maxManifestBytes = 1 << 20
	// maxIndexBytes bounds a reference index: a few kilobytes a
	// reference, so tens of thousands of references.
	maxIndexBytes = 256 << 20
	// maxLabelsBytes bounds the class names: ImageNet's are 21 KB.
	maxLabelsBytes = 1 << 20
)

// Open builds the named backbone (see BackboneName) from path: a compact
// weights file (checked against path.json when that exists), a Keras.js
// .bin, a torch .pth or a TF.js layers folder; or, if path is "", from
// the assets folder dir (see assets.Root). warn, if not nil, is told when
// a file is read unchecked.
func Open(name, path, dir string, warn func(string)) (backbone.Network, error) {
	f, err := Weights(name, path, dir, warn)
	if err != nil {
		return nil, err
	}
	return backbone.Open(f)
}

// Weights reads the named backbone's weights as Open finds them, for a
// caller that encodes them (the build) rather than runs them.
func Weights(name, path, dir string, warn func(string)) (*weights.File, error) {
	want, err := BackboneName(name)
	if err != nil {
		return nil, err
	}
	var f *weights.File
	switch {
	case path == "" && want == backbone.SqueezeNetName:
		f, err = assetweights.SqueezeNet(dir)
	case path == "":
		f, err = denseNetAssets(dir)
	default:
		f, err = readWeights(path, want, warn)
	}
	if err != nil {
		return nil, err
	}
	if f.Backbone != want {
		return nil, badInput(fmt.Errorf("%s holds %s weights, not %s (set -backbone)", path, f.Backbone, want))
	}
	return f, nil
}

// denseNetAssets converts the assets' DenseNet121: Keras's TF.js export,
// checked against its published sha256s as the build checks it, else
// torchvision's .pth.
func denseNetAssets(dir string) (*weights.File, error) {
	if _, err := assets.Path(dir, convert.DenseNet121TFJS); err == nil {
		return convert.DenseNet121(dir)
	}
	src, err := assets.Path(dir, assets.DenseNet121.Rel)
	if err != nil {
		return nil, fmt.Errorf("no DenseNet121 weights in the assets (%s or %s): download %s and pass -weights FILE (%w)",
			convert.DenseNet121TFJS, assets.DenseNet121.Rel, assets.DenseNet121.URL, err)
	}
	return torch.Convert(src, backbone.DenseNet121.Name)
}

// readWeights reads weights of any supported kind: a folder is a TF.js
// export, a file is known by its first bytes.
func readWeights(path, name string, warn func(string)) (*weights.File, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		f, err := convert.TFJS(path) // a TF.js layers export: model.json and its shards
		if err != nil && (errors.Is(err, infile.ErrNotRegular) || errors.Is(err, infile.ErrTooLarge)) {
			err = badInput(err)
		}
		return f, err
	}
	data, err := infile.Read(path, "weights file", weights.MaxFileBytes)
	if err != nil {
		return nil, badInput(err)
	}
	switch {
	case bytes.HasPrefix(data, []byte(weights.Magic)):
		mdata, err := infile.Read(path+".json", "weights manifest", maxManifestBytes)
		if errors.Is(err, os.ErrNotExist) {
			if warn != nil {
				warn(fmt.Sprintf("no manifest %s.json: %s is parsed without its sha256 check", path, path))
			}
			return weights.Parse(data)
		}
		if err != nil {
			return nil, badInput(err)
		}
		m, err := weights.ParseManifest(mdata)
		if err != nil {
			return nil, err
		}
		return weights.Load(data, m)
	case bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte{0x80}):
		// A zip (torch ≥ 1.6) or a pickle (the legacy torch.save format).
		return torch.Convert(path, name)
	}
	return convert.KerasJS(data)
}

// Labels returns the assets' ImageNet class names for a classifier of n
// classes.
func Labels(dir string, n int) ([]string, error) {
	path, err := assets.Fetch(dir, assets.Labels)
	if err != nil {
		return nil, err
	}
	data, err := infile.Read(path, "labels file", maxLabelsBytes)
	if err != nil {
		return nil, err
	}
	return backbone.ParseLabels(data, n)
}
