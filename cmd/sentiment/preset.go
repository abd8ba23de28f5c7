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
	f := &presetFlags{name: choice(fs, "preset", "default", engine.PresetNames, "the preset")}
	intVar(fs, &f.o.Size, "size", -1, transfer.MinSize, transfer.MaxSize, "working size of the optimization, long side in pixels (default: the preset's)")
	intVar(fs, &f.o.Iterations, "iters", -1, 0, transfer.MaxIterations, "iterations (default: the preset's)")
	floatVar(fs, &f.o.Start, "start", -1, 0, 1, "fraction of the global colour match the optimization starts from (default: the preset's)")
	floatVar(fs, &f.o.Beta, "beta", -1, 0, transfer.MaxWeight, "style weight β (default: the preset's)")
	positiveVar(fs, &f.o.Rate, "rate", -1, transfer.MaxRate, "Adam's step size (default: the preset's)")
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
	return fs.String("backbone", engine.Default().Name, usage+": "+engine.NetworkNames())
}

// networkNames returns the short names of the engine's networks, in order.
func networkNames() []string {
	var names []string
	for _, n := range engine.Networks() {
		names = append(names, n.Name)
	}
	return names
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
