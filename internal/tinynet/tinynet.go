// Package tinynet is a third network for tests: a tiny DenseNet with
// weights of its own, registered in the engine's table of networks from
// this one file, as a real third network would be (engine.Register).
// Tests import it for that side effect and see it reach the command
// line's help, the build's output and the engine's list, no other file
// changed.
package tinynet

import (
	"os"
	"path/filepath"

	"sentiment/assets"
	"sentiment/backbone"
	"sentiment/engine"
	"sentiment/transfer"
	"sentiment/weights"
)

// Name is the network's short name, Label its name for people.
const (
	Name  = "tiny"
	Label = "Tiny DenseNet"
)

// Rel is where its weights lie in an assets folder (WriteAssets puts them
// there).
const Rel = "models/tiny.weights"

// config is the architecture: three taps, a few hundred weights.
var config = backbone.DenseNetConfig{Name: "tiny-densenet", Growth: 2, Blocks: []int{2, 1}, BNSize: 2, InitFeatures: 4, Classes: 3}

func init() {
	engine.Register(engine.Network{
		Name:     Name,
		Backbone: config.Name,
		Label:    Label,
		Note:     "a test's",
		Credits:  "Tiny DenseNet's weights are a test's own.",
		Order:    30,
		Build:    func(f *weights.File) (backbone.Network, error) { return backbone.NewDenseNet(config, f) },
		Sources:  []engine.Source{{Remote: assets.Remote{Rel: Rel}}},
		Optional: true,
		Presets: map[string]func(backbone.Network) transfer.Preset{
			"default": func(net backbone.Network) transfer.Preset {
				p := transfer.Paper(net)
				p.Name, p.Size, p.Iterations = "default", 64, 3
				return p
			},
		},
	})
}

// Weights returns the network's weights: fixed values, positive where
// batch norm needs them.
func Weights() *weights.File {
	var ts []*weights.Tensor
	for i, s := range config.Spec() {
		n := 1
		for _, d := range s.Shape {
			n *= d
		}
		v := make([]float32, n)
		for j := range v {
			v[j] = 0.5 + float32((i*7+j)%5)/8
		}
		ts = append(ts, weights.NewFloat32(s.Name, s.Shape, v))
	}
	f, err := weights.NewFile(config.Name, ts)
	if err != nil {
		panic(err) // the spec is ours: a bug
	}
	return f
}

// WriteAssets writes the weights, with their manifest, at Rel in the
// assets folder dir.
func WriteAssets(dir string) error {
	data, err := Weights().Encode()
	if err != nil {
		return err
	}
	path := filepath.Join(dir, filepath.FromSlash(Rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return err
	}
	m := weights.NewManifest(filepath.Base(path), config.Name, data)
	return os.WriteFile(path+".json", m.Marshal(), 0o644)
}
