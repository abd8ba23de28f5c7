package transfer_test

import (
	"context"
	"testing"

	"sentiment/backbone/backbonetest"
	"sentiment/engine"
	"sentiment/imaging"
	"sentiment/internal/assettest"
	"sentiment/internal/cputime"
	"sentiment/look"
	"sentiment/transfer"
)

// The benchmarks time the product's presets, the engine's (an external
// test: engine imports transfer).

// BenchmarkIteration is one iteration of the default SqueezeNet preset at
// its working size: forward to the deepest tap, the loss, the input
// gradient and the Adam step.
func BenchmarkIteration(b *testing.B) {
	net := backbonetest.SqueezeNet(b)
	in := assettest.Photo(b, "inputs/kodim16.jpg")
	ref := assettest.Photo(b, "refs/lxqt-fog.jpg")
	p, err := engine.Preset("default", net, engine.Keep)
	if err != nil {
		b.Fatal(err)
	}
	p.Iterations = 1
	// Warm the scratch buffers, then time iterations of one long run.
	if _, err := transfer.Run(context.Background(), net, in, ref, transfer.Options{Preset: p}, nil); err != nil {
		b.Fatal(err)
	}
	p.Iterations = b.N
	b.ReportAllocs()
	b.ResetTimer()
	if _, err := transfer.Run(context.Background(), net, in, ref, transfer.Options{Preset: p}, nil); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkTransfer is a whole transfer of a 512-px photo with each
// preset: targets, every iteration and the look (its application at full
// size is look's BenchmarkApply). On a shared machine compare the CPU
// seconds of the presets within one run.
func BenchmarkTransfer(b *testing.B) {
	net := backbonetest.SqueezeNet(b)
	in := assettest.Photo(b, "inputs/kodim16.jpg")
	ref := assettest.Photo(b, "refs/lxqt-fog.jpg")
	for _, name := range []string{"default", "look", "pixels"} {
		b.Run(name, func(b *testing.B) {
			p, err := engine.Preset(name, net, engine.Keep)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			cpu := cputime.Now()
			for b.Loop() {
				if _, err := transfer.Run(context.Background(), net, in, ref, transfer.Options{Preset: p}, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cputime.Now()-cpu).Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}

// BenchmarkPlace places a reference's regional light on a graded photo at
// SqueezeNet's working size, as the default preset does once a transfer:
// both feature maps, their similarities, the regions' colours.
func BenchmarkPlace(b *testing.B) {
	net := backbonetest.SqueezeNet(b)
	in := assettest.Photo(b, "inputs/kodim16.jpg")
	ref := assettest.Photo(b, "refs/lxqt-fog.jpg")
	in = imaging.FromImage(imaging.Resize(in, 256, 256*in.H/in.W).NRGBA())
	ref = imaging.Resize(ref, 256, 256*ref.H/ref.W)
	graded, err := look.Reinhard(in, ref)
	if err != nil {
		b.Fatal(err)
	}
	p := transfer.DefaultPlacement
	p.Tap = "fire5"
	cpu := cputime.Now()
	for b.Loop() {
		if _, err := transfer.Place(net, in, graded, ref, p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cputime.Now()-cpu).Seconds()*1e3/float64(b.N), "cpu-ms/op")
}
