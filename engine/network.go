package engine

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"sentiment/assets"
	"sentiment/backbone"
	"sentiment/look"
	"sentiment/transfer"
	"sentiment/weights"
)

// A Network is one entry of the engine's table of networks: everything a
// front end knows of a network, so that none of them names one. Each
// network registers its entry from an init function in a file of its own
// (squeezenet.go, densenet121.go), as image formats do with
// image.RegisterFormat; the command line, the build, the evaluation and
// the page list and choose networks through the table only.
type Network struct {
	// Name is the short name people type (-backbone), "squeezenet".
	Name string
	// Backbone is the name its weights files carry (weights.File.Backbone,
	// backbone.Network.Name), "squeezenet_v1.1".
	Backbone string
	// Label names it for people, "SqueezeNet 1.1".
	Label string
	// Note says in a few words what choosing it means ("fast"), and About
	// in a sentence, for the page's settings; either may be empty.
	Note, About string
	// Credits is the credits line for its weights, as plain text.
	Credits string
	// Order places it in lists and in the page: the lowest comes first
	// and is the default.
	Order int
	// Build makes the network from its weights.
	Build func(*weights.File) (backbone.Network, error)
	// Sources are where the native tools find its weights, first found
	// first (see Source).
	Sources []Source
	// Half ships its weights in float16 (half the download); Optional
	// builds the site without it when no source has it.
	Half, Optional bool
	// Presets are its presets by name (see PresetNames), each made for
	// the network built. "default" is what the page and the command line
	// run; "paper", where it is absent, is transfer.Paper.
	Presets map[string]func(backbone.Network) transfer.Preset
}

// A Source is one place the native tools (the command line, the build)
// find a network's weights: a file or TF.js folder of the assets folder,
// in any format the converters read (sniffed), checked against its
// published sha256 (Remote.SHA256; a prefix will do; for a TF.js folder,
// its model.json's) where one is set.
type Source struct {
	assets.Remote
	// Fetch downloads a file the assets folder lacks from Remote.URL into
	// the user's cache (assets.Fetch); without it the URL only says where
	// to get one.
	Fetch bool
	// WeightsSHA256 is, for a TF.js folder, the published sha256 of its
	// weight files concatenated in manifest order.
	WeightsSHA256 string
}

var (
	tableMu sync.Mutex
	table   []Network
)

// Register adds n to the table of networks. It panics if n lacks a name,
// a builder or a default preset, or if its names are taken: a table entry
// is the program's own, so a bad one is a bug.
func Register(n Network) {
	if n.Name == "" || n.Backbone == "" || n.Label == "" || n.Build == nil || n.Presets["default"] == nil {
		panic(fmt.Sprintf("engine: network %q registered without a name, label, builder or default preset", n.Name))
	}
	tableMu.Lock()
	defer tableMu.Unlock()
	for _, m := range table {
		if m.Name == n.Name || m.Backbone == n.Backbone || m.Name == n.Backbone || m.Backbone == n.Name {
			panic(fmt.Sprintf("engine: network %q registered twice", n.Name))
		}
	}
	table = append(table, n)
	sort.SliceStable(table, func(i, j int) bool { return table[i].Order < table[j].Order })
}

// Networks returns the table of networks in order, the default first.
func Networks() []Network {
	tableMu.Lock()
	defer tableMu.Unlock()
	return append([]Network(nil), table...)
}

// Default returns the default network, the table's first: the page loads
// it up front, the commands run it unless told otherwise, and the
// subject features of an index are its.
func Default() Network { return Networks()[0] }

// NetworkNames returns the networks' short names in order, for messages
// and help: "squeezenet or densenet121".
func NetworkNames() string {
	var names []string
	for _, n := range Networks() {
		names = append(names, n.Name)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// Lookup returns the network called name, by its short name
// ("squeezenet") or the name its weights carry ("squeezenet_v1.1"); an
// unknown name is the caller's error.
func Lookup(name string) (Network, error) {
	for _, n := range Networks() {
		if n.Name == name || n.Backbone == name {
			return n, nil
		}
	}
	return Network{}, badInput(fmt.Errorf("unknown backbone %q (want %s)", name, NetworkNames()))
}

// Build makes the network that weights f are for, by the name they carry.
func Build(f *weights.File) (backbone.Network, error) {
	n, err := Lookup(f.Backbone)
	if err != nil {
		return nil, err
	}
	return n.Build(f)
}

// PresetNames are the names of the presets a network may have: "default"
// (what the page and the command line run: the mood's light, placed by
// the network), "classic" (the default before it: the reference's colour
// statistics, then the paper's loss), "look" (the look itself optimized),
// "pixels" (the pixels optimized, the look refitted) and "paper" (the
// paper's setting, which every network has).
var PresetNames = []string{"default", "classic", "look", "pixels", "paper"}

// preset returns n's preset called name ("" is "default") for net.
func (n Network) preset(name string, net backbone.Network) (transfer.Preset, error) {
	if name == "" {
		name = "default"
	}
	if mk := n.Presets[name]; mk != nil {
		return mk(net), nil
	}
	if name == "paper" {
		return transfer.Paper(net), nil
	}
	return transfer.Preset{}, fmt.Errorf("%s has no preset %q (want one of %v)", n.Label, name, PresetNames)
}

// moodPreset is every network's default: the photo graded toward the
// mood's light as its references show it (look.Target, look.NewGrade),
// the reference's regional light placed on it by the network's features
// at tap (transfer.Place) at a working size of size pixels, held to look.DefaultGuard, the look refitted
// and given whole. It runs no iterations of base's loss: after the grid's
// refit they add nothing the grade has not (PRESETS.md), so base lends
// only its size and loss for those who ask for iterations.
func moodPreset(base transfer.Preset, tap string, size int) transfer.Preset {
	p := base
	m := look.DefaultSettings
	pl := transfer.DefaultPlacement
	pl.Tap = tap
	p.Name, p.Iterations, p.Size, p.Light, p.Strength = "default", 0, size, 1, 1
	p.Mood, p.Place, p.Guard = &m, &pl, true
	return p
}
