// Package backbonetest opens the assets' networks for the tests of the
// packages below package engine (transfer, retrieval, evaluation), which
// cannot import it. Commands open networks through engine.Open; the
// WebAssembly engine links neither, so the converters stay out of it.
package backbonetest

import (
	"fmt"
	"os"

	"sentiment/assets"
	"sentiment/backbone"
	"sentiment/weights/convert"
)

// OpenSqueezeNet builds SqueezeNet 1.1 from the Keras.js model in the
// assets folder dir (assets.Fetch(dir, assets.SqueezeNet): the folder, or a
// checked download), converting it in memory.
func OpenSqueezeNet(dir string) (*backbone.SqueezeNet, error) {
	path, err := assets.Fetch(dir, assets.SqueezeNet)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := convert.KerasJS(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return backbone.NewSqueezeNet(f)
}
