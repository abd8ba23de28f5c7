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
	"sentiment/weights"
	"sentiment/weights/convert"
	"sentiment/weights/convert/torch"
)

// This file opens what lies on disk: weights of any supported format
// (sniffed), the assets' model, labels and references. It is native only,
// so the converters never reach the WebAssembly engine.

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
		return convert.TFJS(path) // a TF.js layers export: model.json and its shards
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, badInput(err)
	}
	switch {
	case bytes.HasPrefix(data, []byte(weights.Magic)):
		mdata, err := os.ReadFile(path + ".json")
		if errors.Is(err, os.ErrNotExist) {
			if warn != nil {
				warn(fmt.Sprintf("no manifest %s.json: %s is parsed without its sha256 check", path, path))
			}
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
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return backbone.ParseLabels(data, n)
}
