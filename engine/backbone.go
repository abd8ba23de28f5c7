package engine

import (
	"fmt"

	"sentiment/backbone"
	"sentiment/transfer"
	"sentiment/weights"
)

// Backbones are the networks the engine runs, by the short names users
// type (the command line's -backbone), mapped to the name their weights
// files carry.
var Backbones = map[string]string{
	"squeezenet":  backbone.SqueezeNetName,
	"densenet121": backbone.DenseNet121.Name,
}

// BackboneName returns the weights name of a backbone given by its short
// name ("squeezenet", "densenet121") or by that weights name itself.
func BackboneName(name string) (string, error) {
	if full, ok := Backbones[name]; ok {
		return full, nil
	}
	for _, full := range Backbones {
		if name == full {
			return full, nil
		}
	}
	return "", badInput(fmt.Errorf("unknown backbone %q (want squeezenet or densenet121)", name))
}

// OpenBytes builds the network of a compact weights file checked against
// its manifest (what the page downloads). name, if not empty, is the
// backbone the caller expects.
func OpenBytes(name string, data, manifest []byte) (backbone.Network, error) {
	m, err := weights.ParseManifest(manifest)
	if err != nil {
		return nil, err
	}
	if name != "" {
		want, err := BackboneName(name)
		if err != nil {
			return nil, err
		}
		if m.Backbone != want {
			return nil, badInput(fmt.Errorf("the manifest is for %q, not %q", m.Backbone, want))
		}
	}
	f, err := weights.Load(data, m)
	if err != nil {
		return nil, err
	}
	return backbone.Open(f)
}

// Overrides adjust a preset; a negative field keeps the preset's value.
type Overrides struct {
	Size, Iterations  int
	Start, Beta, Rate float64
}

// Keep is the Overrides that change nothing.
var Keep = Overrides{-1, -1, -1, -1, -1}

// Preset returns the named preset ("default" or "paper") for net with the
// overrides applied. The settings are checked when a transfer starts.
func Preset(name string, net backbone.Network, o Overrides) (transfer.Preset, error) {
	p, err := transfer.PresetFor(name, net)
	if err != nil {
		return p, badInput(err)
	}
	if o.Size >= 0 {
		p.Size = o.Size
	}
	if o.Iterations >= 0 {
		p.Iterations = o.Iterations
	}
	if o.Start >= 0 {
		p.Start = o.Start
	}
	if o.Beta >= 0 {
		p.Beta = o.Beta
	}
	if o.Rate >= 0 {
		p.Rate = o.Rate
	}
	return p, nil
}
