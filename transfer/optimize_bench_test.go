package transfer_test

import (
	"context"
	"testing"

	"sentiment/backbone/backbonetest"
	"sentiment/engine"
	"sentiment/internal/assettest"
	"sentiment/internal/cputime"
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
