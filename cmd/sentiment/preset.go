package main

import (
	"flag"

	"sentiment/backbone"
	"sentiment/transfer"
)

// presetFlags are the flags with which transfer and eval choose a preset
// and adjust it; a negative number leaves the preset's own value.
type presetFlags struct {
	name        *string
	size, iters *int
	start, beta *float64
	rate        *float64
}

func addPresetFlags(fs *flag.FlagSet) *presetFlags {
	return &presetFlags{
		name:  fs.String("preset", "default", "default, look, pixels or paper"),
		size:  fs.Int("size", -1, "working size, long side in pixels (default: the preset's)"),
		iters: fs.Int("iters", -1, "iterations (default: the preset's)"),
		start: fs.Float64("start", -1, "fraction of the global colour match the optimization starts from (default: the preset's)"),
		beta:  fs.Float64("beta", -1, "style weight β (default: the preset's)"),
		rate:  fs.Float64("rate", -1, "Adam's step size (default: the preset's)"),
	}
}

// preset returns the named preset for net with the flags' adjustments.
func (f *presetFlags) preset(net backbone.Network) (transfer.Preset, error) {
	p, err := transfer.PresetFor(*f.name, net)
	if err != nil {
		return p, err
	}
	if *f.size >= 0 {
		p.Size = *f.size
	}
	if *f.iters >= 0 {
		p.Iterations = *f.iters
	}
	if *f.start >= 0 {
		p.Start = *f.start
	}
	if *f.beta >= 0 {
		p.Beta = *f.beta
	}
	if *f.rate >= 0 {
		p.Rate = *f.rate
	}
	return p, nil
}
