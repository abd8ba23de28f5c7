package optime_test

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/nlpodyssey/spago/mat"
	"github.com/nlpodyssey/spago/nn"
	"github.com/nlpodyssey/spago/optimizers/adam"

	"sentiment/backbone"
	"sentiment/backbone/backbonetest"
	"sentiment/engine"
	"sentiment/internal/assettest"
	"sentiment/internal/cputime"
	"sentiment/internal/optime"
	"sentiment/transfer"
	"sentiment/weights"
)

// BenchmarkStep times iterations of the default transfer preset, in CPU
// time: SqueezeNet at 256 px and DenseNet121 (random weights of the real
// architecture: the time does not depend on them) at 192 px. Built with
// -tags optime it reports where each iteration's time goes, in ms per
// iteration: the marked kinds of work, Adam's step on an image of the same
// size (timed apart), the rest (spago's graph and gradient bookkeeping,
// the clamp), and the garbage collector's CPU time, which overlaps the
// others. Natively the CPU time sums the threads of the parallel GEMM.
//
//	go test -tags optime -run XXX -bench Step -benchtime 5x ./internal/optime
func BenchmarkStep(b *testing.B) {
	in, ref := assettest.Photo(b, "inputs/kodim16.jpg"), assettest.Photo(b, "refs/lxqt-fog.jpg")
	for _, c := range []struct {
		name string
		net  func(testing.TB) backbone.Network
		size int
	}{
		{"squeezenet/256px", func(t testing.TB) backbone.Network { return backbonetest.SqueezeNet(t) }, 256},
		{"densenet121/192px", denseNet, 192},
	} {
		b.Run(c.name, func(b *testing.B) {
			net := c.net(b)
			p, err := engine.Preset("default", net, engine.Keep)
			if err != nil {
				b.Fatal(err)
			}
			p.Size = c.size
			// Iteration 1 warms the scratch buffers and the last one fits
			// the grid: time the b.N in between.
			p.Iterations = b.N + 2
			var t0, t1 time.Duration
			var k0, k1 optime.Times
			var gc0, gc1 float64
			progress := func(pr transfer.Progress) {
				switch pr.Iteration {
				case 1:
					t0, k0, gc0 = cputime.Now(), optime.Read(), gcSeconds()
				case b.N + 1:
					t1, k1, gc1 = cputime.Now(), optime.Read(), gcSeconds()
				}
			}
			b.ResetTimer()
			res, err := transfer.Run(context.Background(), net, in, ref, transfer.Options{Preset: p}, progress)
			b.StopTimer()
			if err != nil {
				b.Fatal(err)
			}
			n := float64(b.N)
			ms := func(d time.Duration) float64 { return d.Seconds() * 1e3 / n }
			step := t1 - t0
			b.ReportMetric(ms(step), "step-ms")
			if !optime.Enabled {
				return
			}
			var kinds time.Duration
			for k := optime.Kind(0); k < optime.NumKinds; k++ {
				d := k1[k] - k0[k]
				kinds += d
				b.ReportMetric(ms(d), k.String()+"-ms")
			}
			a := adamStep(res.Input.W * res.Input.H)
			b.ReportMetric(a.Seconds()*1e3, "adam-ms")
			b.ReportMetric(ms(step-kinds)-a.Seconds()*1e3, "other-ms")
			b.ReportMetric((gc1-gc0)*1e3/n, "gc-ms")
		})
	}
}

// adamStep returns the time of one of spago's Adam steps on a 3×pixels
// parameter, as the transfer takes: the median of 9.
func adamStep(pixels int) time.Duration {
	x := nn.NewParam(mat.NewDense[float32](mat.WithShape(3, pixels), mat.WithBacking(make([]float32, 3*pixels))))
	opt := adam.New(adam.Config{StepSize: 0.01, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8})
	g := make([]float32, 3*pixels)
	for i := range g {
		g[i] = float32(math.Sin(float64(i)))
	}
	var ts []time.Duration
	for range 9 {
		x.AccGrad(mat.NewDense[float32](mat.WithShape(3, pixels), mat.WithBacking(g)))
		t := cputime.Now()
		if err := opt.OptimizeParams(x); err != nil {
			panic(err)
		}
		opt.IncExample()
		ts = append(ts, cputime.Now()-t)
	}
	for i := range ts { // insertion sort: nine values
		for j := i; j > 0 && ts[j] < ts[j-1]; j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
	return ts[len(ts)/2]
}

// gcSeconds returns the CPU time the garbage collector has used.
func gcSeconds() float64 {
	s := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64 {
		return 0
	}
	return s[0].Value.Float64()
}

// denseNet returns DenseNet121 with random weights of the right shapes.
func denseNet(t testing.TB) backbone.Network {
	r := rand.New(rand.NewPCG(1, 1))
	var tensors []*weights.Tensor
	for _, s := range backbone.DenseNet121.Spec() {
		n, fanIn := 1, 1
		for i, d := range s.Shape {
			n *= d
			if i > 0 {
				fanIn *= d
			}
		}
		v := make([]float32, n)
		for i := range v {
			if len(s.Shape) > 1 {
				v[i] = float32(r.NormFloat64() * math.Sqrt(2/float64(fanIn)))
			} else {
				v[i] = float32(0.5 + r.Float64()) // scales and variances positive
			}
		}
		tensors = append(tensors, weights.NewFloat16(s.Name, s.Shape, v))
	}
	f, err := weights.NewFile(backbone.DenseNet121.Name, tensors)
	if err != nil {
		t.Fatal(err)
	}
	n, err := backbone.NewDenseNet(backbone.DenseNet121, f)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
