// Package assetweights converts the assets' SqueezeNet (see package
// assets), natively, for the commands (through engine.Open) and for the
// tests of the packages below the engine, which cannot import it. The
// WebAssembly engine never imports it: the page downloads weights the
// build converted.
package assetweights

import (
	"fmt"

	"sentiment/assets"
	"sentiment/internal/infile"
	"sentiment/weights"
	"sentiment/weights/convert"
)

// SqueezeNet returns SqueezeNet 1.1's weights, converted from the Keras.js
// model that assets.Fetch(dir, assets.SqueezeNet) finds (the folder, or a
// checked download).
func SqueezeNet(dir string) (*weights.File, error) {
	src, err := assets.Fetch(dir, assets.SqueezeNet)
	if err != nil {
		return nil, err
	}
	data, err := infile.Read(src, "weights file", weights.MaxFileBytes)
	if err != nil {
		return nil, err
	}
	f, err := convert.KerasJS(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	return f, nil
}
