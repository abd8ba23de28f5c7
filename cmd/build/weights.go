package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sentiment/assets"
	"sentiment/engine"
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
	for _, n := range engine.Networks() {
		if err := buildNetwork(s, dir, n); err != nil {
			return fmt.Errorf("%s: %w", n.Label, err)
		}
	}
	return nil
}

// buildNetwork writes n's weights as dir/NAME.weights with its manifest:
// the file that -NAME names (one of n's published files) or else the
// assets'. An optional network the assets lack is left out, and so is
// what an earlier build left of it, which site.json would list.
func buildNetwork(s *site, dir string, n engine.Network) error {
	name := weightsFile(n)
	f, err := networkWeights(s, n)
	if errors.Is(err, assets.ErrNotFound) && n.Optional {
		var rels []string
		for _, src := range n.Sources {
			rels = append(rels, src.Rel)
		}
		fmt.Printf("build: weights: without %s: the assets have no %s; -%s FILE ships one of its published files instead\n", n.Label, strings.Join(rels, " or "), n.Name)
		for _, ext := range []string{"", ".gz", ".json", ".json.gz"} {
			if err := os.Remove(filepath.Join(dir, name+ext)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
		return nil
	}
	if err != nil {
		return err
	}
	if n.Half {
		if f, err = convert.Float16(f); err != nil {
			return err
		}
	}
	// Build the network once, so that a file of the wrong architecture
	// fails here and not in a user's browser.
	if _, err := n.Build(f); err != nil {
		return err
	}
	return writeWeights(dir, name, f)
}

// weightsFile is the name of n's weights file in the site's models/.
func weightsFile(n engine.Network) string { return n.Name + ".weights" }

// networkWeights reads n's weights from the file -NAME names, refused
// unless it is one of n's published files, or else from the assets.
func networkWeights(s *site, n engine.Network) (*weights.File, error) {
	warn := func(msg string) { fmt.Println("build: weights:", msg) }
	path := s.weights[n.Name]
	if path == "" {
		return engine.Weights(n.Name, "", s.flag, warn)
	}
	if err := n.Published(path); err != nil {
		return nil, err
	}
	return engine.Weights(n.Name, path, s.flag, warn)
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
