package engine

import (
	"fmt"

	"sentiment/backbone"
	"sentiment/transfer"
	"sentiment/weights"
)

// OpenBytes builds the network of a compact weights file checked against
// its manifest (what the page downloads). name, if not empty, is the
// backbone the caller expects.
func OpenBytes(name string, data, manifest []byte) (backbone.Network, error) {
	m, err := weights.ParseManifest(manifest)
	if err != nil {
		return nil, err
	}
	if name != "" {
		want, err := Lookup(name)
		if err != nil {
			return nil, err
		}
		if m.Backbone != want.Backbone {
			return nil, badInput(fmt.Errorf("the manifest is for %q, not %q", m.Backbone, want.Backbone))
		}
	}
	f, err := weights.Load(data, m)
	if err != nil {
		return nil, err
	}
	return Build(f)
}

// Overrides adjust a preset; a negative field keeps the preset's value.
type Overrides struct {
	Size, Iterations  int
	Start, Beta, Rate float64
}

// Keep is the Overrides that change nothing.
var Keep = Overrides{-1, -1, -1, -1, -1}

// Preset returns net's preset called name (see PresetNames) with the
// overrides applied. The settings are checked when a transfer starts.
func Preset(name string, net backbone.Network, o Overrides) (transfer.Preset, error) {
	n, err := Lookup(net.Name())
	if err != nil {
		return transfer.Preset{}, err
	}
	p, err := n.preset(name, net)
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
