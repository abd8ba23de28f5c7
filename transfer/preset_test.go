package transfer

// testPreset is the setting these tests run the optimization with on
// SqueezeNet (assettest.SqueezeNet), "pixels", "default" or "look", as the
// engine's SqueezeNet presets (engine/squeezenet.go, which transfer cannot
// import) stood when the tests were written: they check how the
// optimization works, and a retuned product preset leaves them be.
func testPreset(name string) Preset {
	p := Preset{
		Name: name, Unknown: Pixels, Content: "fire2", Style: []string{"conv1", "fire3", "fire4", "fire5"}, Weights: []float64{20000, 500, 12, 1},
		Alpha: 1, Beta: 1e-5, Iterations: 60, Rate: 0.003, Size: 256, Start: 0.25, Light: 1, Strength: 1,
	}
	switch name {
	case "default":
		p.Start, p.Iterations, p.Light, p.Strength = 1, 15, 0.9, 0.9
	case "look":
		p.Unknown, p.Iterations, p.Rate = Look, 40, 0.01
		p.Smooth, p.LumSmooth, p.Contrast = 1e4, 100, 1e5
	}
	return p
}
