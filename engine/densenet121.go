package engine

import (
	"sentiment/assets"
	"sentiment/backbone"
	"sentiment/transfer"
	"sentiment/weights"
)

// DenseNet121, the paper's network: Keras's ImageNet weights from the
// assets' TF.js folder, else torchvision's .pth; shipped in float16 and
// downloaded by the page only when chosen.
func init() {
	Register(Network{
		Name:     "densenet121",
		Backbone: backbone.DenseNet121.Name,
		Label:    "DenseNet121",
		Note:     "the paper’s network, slower",
		About:    "DenseNet121 is the network the paper used: a richer description of the photo, and a slower run.",
		Credits: "DenseNet121’s are the ImageNet weights Keras Applications publishes (keras-team; the DenseNet architecture and original models by Huang, Liu, van der Maaten and Weinberger, BSD-3-Clause), " +
			"as exported to TensorFlow.js by the [tfjs-gradcam](https://github.com/carlthome/tfjs-gradcam) repository (GPL-3.0 for its own code).",
		Order: 20,
		Build: func(f *weights.File) (backbone.Network, error) { return backbone.NewDenseNet(backbone.DenseNet121, f) },
		Sources: []Source{
			{Remote: assets.Remote{Rel: assets.DenseNet121TFJS, SHA256: assets.DenseNet121TFJSModelSHA256}, WeightsSHA256: assets.DenseNet121TFJSWeightsSHA256},
			{Remote: assets.DenseNet121},
		},
		Half:     true,
		Optional: true,
		Presets: map[string]func(backbone.Network) transfer.Preset{
			// f3: stride 16, DenseNet's block outputs get semantic early; at
			// 224 px, the size it was trained at.
			"default": func(net backbone.Network) transfer.Preset { return moodPreset(transfer.Paper(net), "f3", 224) },
			"classic": denseClassic,
			"look":    denseLook,
			"pixels":  densePixels,
		},
	})
}

// DenseNet121's presets; PRESETS.md has the measurements behind each value.

// denseClassic, the default until the mood's light, is the paper's loss run short and small enough to finish in
// about a minute in the page: 80 iterations at 128 px from three quarters
// of the colour match, at full strength (DenseNet's content loss pulls the
// colours back toward the input, so strength 1 is a clear mood, not a
// full one), on Reinhard's curve and ahead of it on dark or hazy photos.
func denseClassic(net backbone.Network) transfer.Preset {
	p := transfer.Paper(net)
	p.Name, p.Iterations, p.Size, p.Start, p.Rate, p.Strength = "classic", 80, 128, 0.75, 0.01, 1
	return p
}

// denseLook is SqueezeNet's look run on the paper's loss; the priors'
// weights are SqueezeNet's, not yet measured against DenseNet's loss
// scale.
func denseLook(net backbone.Network) transfer.Preset {
	p, q := squeezeLook, transfer.Paper(net)
	p.Content, p.Style, p.Weights, p.Alpha, p.Beta, p.StyleMean = q.Content, q.Style, q.Weights, q.Alpha, q.Beta, q.StyleMean
	return p
}

// densePixels is the paper's loss with what SqueezeNet's measurements
// taught about the run: a quarter of the colour match at the start, a
// smaller step, fewer iterations.
func densePixels(net backbone.Network) transfer.Preset {
	p := transfer.Paper(net)
	p.Name, p.Iterations, p.Rate, p.Start = "pixels", 100, squeezePixels.Rate, squeezePixels.Start
	return p
}
