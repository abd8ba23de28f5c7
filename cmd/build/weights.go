package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"sentiment/assets"
	"sentiment/backbone"
	"sentiment/weights"
	"sentiment/weights/convert"
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

	src, err := assets.Fetch(s.flag, assets.SqueezeNet)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	f, err := convert.KerasJS(data)
	if err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	if err := writeWeights(dir, "squeezenet.weights", f); err != nil {
		return err
	}

	// DenseNet121 is optional: its file is not downloaded by the build
	// (about 31 MB) but converted when the user supplies it.
	pth := s.densenet
	if pth == "" {
		if p, err := assets.Path(s.flag, assets.DenseNet121.Rel); err == nil {
			pth = p
		} else if !errors.Is(err, assets.ErrNotFound) {
			return err
		}
	}
	if pth == "" {
		fmt.Printf("build: weights: DenseNet121 skipped: no %s; download %s and pass -densenet FILE or put it in the assets folder's models/\n",
			filepath.Base(assets.DenseNet121.Rel), assets.DenseNet121.URL)
		return nil
	}
	if err := assets.CheckHash(pth, assets.DenseNet121.SHA256); err != nil {
		return fmt.Errorf("DenseNet121: %w (want torchvision's %s)", err, filepath.Base(assets.DenseNet121.Rel))
	}
	d, err := convert.Torch(pth, backbone.DenseNet121.Name)
	if err != nil {
		return err
	}
	// Build the network once, so that a file of the wrong architecture
	// fails here and not in a user's browser.
	if _, err := backbone.NewDenseNet(backbone.DenseNet121, d); err != nil {
		return fmt.Errorf("%s: %w", pth, err)
	}
	return writeWeights(dir, "densenet121.weights", d)
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
