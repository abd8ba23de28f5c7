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
	f := &presetFlags{name: fs.String("preset", "default", "default, look, pixels or paper")}
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

// backboneFlag declares -backbone, the network a command runs (usage says
// what for), from the engine's table of networks; its first is the
// default.
func backboneFlag(fs *flag.FlagSet, usage string) *string {
	return fs.String("backbone", engine.Networks()[0].Name, usage+": "+engine.NetworkNames())
}

// judgeOf returns the network that judges a run on the network called
// name when -judge does not say: the first other than it.
func judgeOf(name string) string {
	for _, n := range engine.Networks() {
		if n.Name != name && n.Backbone != name {
			return n.Name
		}
	}
	return "none"
}
