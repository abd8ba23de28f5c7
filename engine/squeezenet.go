package engine

import (
	"sentiment/assets"
	"sentiment/backbone"
	"sentiment/transfer"
	"sentiment/weights"
)

// SqueezeNet 1.1, the fast default: the Keras.js port of DeepScale's
// ImageNet weights, downloaded and checked when the assets lack it.
func init() {
	Register(Network{
		Name:     "squeezenet",
		Backbone: backbone.SqueezeNetName,
		Label:    "SqueezeNet 1.1",
		Note:     "fast",
		Credits:  "SqueezeNet 1.1’s ImageNet weights are DeepScale’s (BSD-2-Clause), as ported to Keras.js (MIT).",
		Order:    10,
		Build:    func(f *weights.File) (backbone.Network, error) { return backbone.NewSqueezeNet(f) },
		Sources:  []Source{{Remote: assets.SqueezeNet, Fetch: true}},
		Presets: map[string]func(backbone.Network) transfer.Preset{
			// fire5: stride 8, the last map fine enough at the working size
			// to tell a sky from the hills under it.
			"default": func(backbone.Network) transfer.Preset { return moodPreset(squeezePixels, "fire5", 256) },
			"classic": func(backbone.Network) transfer.Preset { return squeezeClassic },
			"look":    func(backbone.Network) transfer.Preset { return squeezeLook },
			"pixels":  func(backbone.Network) transfer.Preset { return squeezePixels },
		},
	})
}

// SqueezeNet's presets; PRESETS.md has the measurements behind each value.

// squeezePixels optimizes the working-size pixels from a quarter of the
// colour match and refits the look: CS231n's taps and per-layer weights
// (content fire2; style conv1, fire3, fire4, fire5 at 20000, 500, 12, 1,
// which balance their Gram magnitudes), a small step against Adam's
// per-pixel noise, a start that lets the Gram loss carry the look while
// the content loss holds the structure. The first default, kept to
// compare against.
var squeezePixels = transfer.Preset{
	Name:       "pixels",
	Unknown:    transfer.Pixels,
	Content:    "fire2",
	Style:      []string{"conv1", "fire3", "fire4", "fire5"},
	Weights:    []float64{20000, 500, 12, 1},
	Alpha:      1,
	Beta:       1e-5,
	Iterations: 60,
	Rate:       0.003,
	Size:       256,
	Start:      0.25,
	Light:      1,
	Strength:   1,
}

// squeezeClassic was the default until the mood's light replaced the
// reference's colour statistics: squeezePixels from the whole colour match
// for 15 iterations (the first carry the network's style, later ones
// trade structure for little more), its look keeping 0.9 of the lightness
// change and opening at strength 0.9 (look.MixAt: colour whole, lightness
// 0.81), above Reinhard's curve.
var squeezeClassic = func() transfer.Preset {
	p := squeezePixels
	p.Name, p.Start, p.Iterations, p.Light, p.Strength = "classic", 1, 15, 0.9, 0.9
	return p
}()

// squeezeLook optimizes the look itself, a grid of local affine colour
// transforms, under smoothness and contrast priors: a photograph at every
// iterate, but measured below the pixels on SqueezeNet, whose Gram losses
// carry a reference's regional colours onto the photo.
var squeezeLook = func() transfer.Preset {
	p := squeezePixels
	p.Name, p.Unknown, p.Iterations, p.Rate = "look", transfer.Look, 40, 0.01
	p.Smooth, p.LumSmooth, p.Contrast = 1e4, 100, 1e5
	return p
}()
