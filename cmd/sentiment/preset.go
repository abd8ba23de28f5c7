package main

import (
	"flag"

	"sentiment/backbone"
	"sentiment/engine"
	"sentiment/transfer"
)

// presetFlags are the flags with which transfer and eval choose a preset
// and adjust it; a negative number leaves the preset's own value.
type presetFlags struct {
	name *string
	o    engine.Overrides
}

func addPresetFlags(fs *flag.FlagSet) *presetFlags {
	f := &presetFlags{name: fs.String("preset", "default", "default or paper")}
	fs.IntVar(&f.o.Size, "size", -1, "working size of the optimization, long side in pixels (default: the preset's)")
	fs.IntVar(&f.o.Iterations, "iters", -1, "iterations (default: the preset's)")
	fs.Float64Var(&f.o.Start, "start", -1, "fraction of the global colour match the optimization starts from (default: the preset's)")
	fs.Float64Var(&f.o.Beta, "beta", -1, "style weight β (default: the preset's)")
	fs.Float64Var(&f.o.Rate, "rate", -1, "Adam's step size (default: the preset's)")
	return f
}

// preset returns the named preset for net with the flags' adjustments.
func (f *presetFlags) preset(net backbone.Network) (transfer.Preset, error) {
	return engine.Preset(*f.name, net, f.o)
}
