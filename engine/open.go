//go:build !js

package engine

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sentiment/assets"
	"sentiment/backbone"
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

// Open builds the named network (see Lookup) from path: a compact
// weights file (checked against path.json when that exists), a Keras.js
// .bin, a torch .pth or a TF.js layers folder; or, if path is "", from
// the first of its sources that the assets folder dir has (see
// assets.Root). warn, if not nil, is told when a file is read unchecked.
func Open(name, path, dir string, warn func(string)) (backbone.Network, error) {
	f, err := Weights(name, path, dir, warn)
	if err != nil {
		return nil, err
	}
	return Build(f)
}

// Weights reads the named network's weights as Open finds them, for a
// caller that encodes them (the build) rather than runs them.
func Weights(name, path, dir string, warn func(string)) (*weights.File, error) {
	n, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	var f *weights.File
	if path == "" {
		f, err = n.fromAssets(dir, warn)
	} else {
		f, err = readWeights(path, n.Backbone, warn)
	}
	if err != nil {
		return nil, err
	}
	if f.Backbone != n.Backbone {
		return nil, badInput(fmt.Errorf("%s holds %s weights, not %s (set -backbone)", path, f.Backbone, n.Backbone))
	}
	return f, nil
}

// fromAssets reads n's weights from the first of its sources that the
// assets folder dir has, checked against its published sha256s. An error
// wrapping assets.ErrNotFound means the assets have none.
func (n Network) fromAssets(dir string, warn func(string)) (*weights.File, error) {
	var tried []string
	hint := ""
	for _, s := range n.Sources {
		var path string
		var err error
		if s.Fetch {
			path, err = assets.Fetch(dir, s.Remote)
		} else {
			path, err = assets.Path(dir, s.Rel)
		}
		if errors.Is(err, assets.ErrNotFound) && !s.Fetch {
			tried = append(tried, s.Rel)
			if hint == "" && s.URL != "" {
				hint = fmt.Sprintf(": download %s and pass -weights FILE", s.URL)
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := s.check(path); err != nil {
			return nil, fmt.Errorf("%s: %w", n.Label, err)
		}
		return readWeights(path, n.Backbone, warn)
	}
	return nil, fmt.Errorf("%w: no %s weights in the assets (%s)%s", assets.ErrNotFound, n.Label, strings.Join(tried, " or "), hint)
}

// check checks the file or TF.js folder at path against s's published
// sha256s.
func (s Source) check(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		if s.SHA256 == "" || s.WeightsSHA256 == "" {
			return nil
		}
		return convert.CheckTFJS(path, s.SHA256, s.WeightsSHA256)
	}
	if s.SHA256 == "" {
		return nil
	}
	return assets.CheckHash(path, s.SHA256)
}

// Published checks that path is one of n's published weight files (or
// TF.js folders), by the sha256s of its sources: the build ships those
// only.
func (n Network) Published(path string) error {
	dir := false
	if fi, err := os.Stat(path); err == nil {
		dir = fi.IsDir()
	}
	err := fmt.Errorf("%s has no published weights to check %s against", n.Label, path)
	for _, s := range n.Sources {
		if s.SHA256 == "" || dir != (s.WeightsSHA256 != "") {
			continue
		}
		if err = s.check(path); err == nil {
			return nil
		}
		err = fmt.Errorf("%w (want %s)", err, filepath.Base(s.Rel))
	}
	return badInput(err)
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
