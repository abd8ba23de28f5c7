package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"sentiment/assets"
	"sentiment/backbone"
	"sentiment/internal/assetweights"
	"sentiment/weights"
	"sentiment/weights/convert"
	"sentiment/weights/convert/torch"
)

// The networks' weights, converted to the compact format, each with its
// manifest, and the class labels.
func init() { register(step{20, "weights", buildWeights}) }

func buildWeights(s *site) error {
	dir := filepath.Join(s.out, "models")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	labels, err := assets.Fetch(s.flag, assets.Labels)
	if err != nil {
		return err
	}
	if err := copyFile(labels, filepath.Join(dir, "labels.txt")); err != nil {
		return err
	}

	f, err := assetweights.SqueezeNet(s.flag)
	if err != nil {
		return err
	}
	if err := writeWeights(dir, "squeezenet.weights", f); err != nil {
		return err
	}

	d, err := denseNet(s)
	if err != nil {
		return err
	}
	if d == nil { // nor one a previous build left, which site.json would list
		for _, ext := range []string{"", ".gz", ".json", ".json.gz"} {
			if err := os.Remove(filepath.Join(dir, "densenet121.weights"+ext)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
		return nil
	}
	// Build the network once, so that a file of the wrong architecture
	// fails here and not in a user's browser.
	if _, err := backbone.Open(d); err != nil {
		return fmt.Errorf("DenseNet121: %w", err)
	}
	return writeWeights(dir, "densenet121.weights", d)
}

// denseNet returns DenseNet121's weights in float16 for the page, which
// offers the network to those who choose it: torchvision's .pth when
// -densenet names one, else Keras's from the assets' TF.js folder, each
// checked against its published sha256. Without either it returns nil:
// the site then ships SqueezeNet alone.
func denseNet(s *site) (*weights.File, error) {
	if s.densenet != "" {
		if err := assets.CheckHash(s.densenet, assets.DenseNet121.SHA256); err != nil {
			return nil, fmt.Errorf("DenseNet121: %w (want torchvision's %s)", err, filepath.Base(assets.DenseNet121.Rel))
		}
		return torch.Convert(s.densenet, backbone.DenseNet121.Name) // float16 already
	}
	f, err := convert.DenseNet121(s.flag)
	if errors.Is(err, assets.ErrNotFound) {
		fmt.Printf("build: weights: SqueezeNet only: the assets have no %s (Keras's DenseNet121); -densenet FILE converts torchvision's %s instead\n",
			convert.DenseNet121TFJS, filepath.Base(assets.DenseNet121.Rel))
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return convert.Float16(f)
}

// writeWeights writes f as dir/name and its manifest as dir/name.json.
func writeWeights(dir, name string, f *weights.File) error {
	data, err := f.Encode()
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		return err
	}
	m := weights.NewManifest(name, f.Backbone, data)
	if err := os.WriteFile(filepath.Join(dir, name+".json"), m.Marshal(), 0o644); err != nil {
		return err
	}
	fmt.Printf("build: weights: %s: %s, %d tensors, %d values, %.2f MB\n", name, f.Backbone, len(f.Tensors), f.Params(), float64(len(data))/1e6)
	return nil
}
