package transfer

import (
	"context"
	"testing"
)

// BenchmarkIteration is one iteration of the default SqueezeNet preset at
// its working size: forward to the deepest tap, the loss, the input
// gradient and the Adam step.
func BenchmarkIteration(b *testing.B) {
	net := squeeze(b)
	in := asset(b, "inputs/kodim16.jpg")
	ref := asset(b, "refs/lxqt-fog.jpg")
	p, err := PresetFor("default", net)
	if err != nil {
		b.Fatal(err)
	}
	p.Iterations = 1
	// Warm the scratch buffers, then time iterations of one long run.
	if _, err := Run(context.Background(), net, in, ref, Options{Preset: p}, nil); err != nil {
		b.Fatal(err)
	}
	p.Iterations = b.N
	b.ReportAllocs()
	b.ResetTimer()
	if _, err := Run(context.Background(), net, in, ref, Options{Preset: p}, nil); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkTransfer is a whole default transfer of a 512-px photo: targets,
// every iteration and the refit (its application at full size is
// BenchmarkApply's).
func BenchmarkTransfer(b *testing.B) {
	net := squeeze(b)
	in := asset(b, "inputs/kodim16.jpg")
	ref := asset(b, "refs/lxqt-fog.jpg")
	p, err := PresetFor("default", net)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Run(context.Background(), net, in, ref, Options{Preset: p}, nil); err != nil {
			b.Fatal(err)
		}
	}
}
