package gemm

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"

	"sentiment/internal/cputime"
)

// benchShapes are products C (M×N) = A (M×K) · B (K×N) that SqueezeNet 1.1
// and DenseNet121 run at 256×256 input: M output channels, K input
// channels × kernel area, N output pixels. "grad" shapes are the input
// gradient Wᵀ·dy of the same layer. DenseNet's dense layers repeat with K
// growing by 32; a first, middle and last one of each block are listed.
var benchShapes = []struct {
	name    string
	m, k, n int
}{
	{"squeezenet/conv1-3x3s2", 64, 27, 127 * 127},
	{"squeezenet/fire2-squeeze", 16, 64, 63 * 63},
	{"squeezenet/fire2-expand1x1", 64, 16, 63 * 63},
	{"squeezenet/fire2-expand3x3", 64, 144, 63 * 63},
	{"squeezenet/fire4-squeeze", 32, 128, 31 * 31},
	{"squeezenet/fire4-expand3x3", 128, 288, 31 * 31},
	{"squeezenet/fire6-expand3x3", 192, 432, 15 * 15},
	{"squeezenet/fire9-squeeze", 64, 512, 15 * 15},
	{"squeezenet/fire9-expand3x3", 256, 576, 15 * 15},
	{"squeezenet/fire2-expand3x3-grad", 144, 64, 63 * 63},
	{"squeezenet/fire2-expand3x3-grad-flipped", 16, 576, 63 * 63},
	{"squeezenet/fire4-expand3x3-grad-flipped", 32, 1152, 31 * 31},
	{"squeezenet/conv1-grad", 27, 64, 127 * 127},
	{"densenet/conv0-7x7s2", 64, 147, 128 * 128},
	{"densenet/block1-1x1-first", 128, 64, 64 * 64},
	{"densenet/block1-1x1-last", 128, 224, 64 * 64},
	{"densenet/block1-3x3", 32, 1152, 64 * 64},
	{"densenet/block1-3x3-grad", 1152, 32, 64 * 64},
	{"densenet/transition1", 128, 256, 64 * 64},
	{"densenet/block2-1x1-last", 128, 480, 32 * 32},
	{"densenet/block2-3x3", 32, 1152, 32 * 32},
	{"densenet/transition2", 256, 512, 32 * 32},
	{"densenet/block3-1x1-mid", 128, 640, 16 * 16},
	{"densenet/block3-3x3", 32, 1152, 16 * 16},
	{"densenet/transition3", 512, 1024, 16 * 16},
	{"densenet/block4-1x1-last", 128, 992, 8 * 8},
	{"densenet/block4-3x3", 32, 1152, 8 * 8},
}

// flopMeter reports GFLOP/s over wall time and, as GFLOP/cpu-s, over the
// CPU time used, which other processes on a shared machine disturb less.
type flopMeter struct {
	b     *testing.B
	flops float64
	cpu   time.Duration
}

func meter(b *testing.B, flops float64) *flopMeter {
	b.ResetTimer()
	return &flopMeter{b: b, flops: flops, cpu: cputime.Now()}
}

func (m *flopMeter) report() {
	cpu := cputime.Now() - m.cpu
	total := m.flops * float64(m.b.N)
	m.b.ReportMetric(total/m.b.Elapsed().Seconds()/1e9, "GFLOP/s")
	if cpu > 0 {
		m.b.ReportMetric(total/cpu.Seconds()/1e9, "GFLOP/cpu-s")
	}
}

// BenchmarkGEMM times Packed.Mul, the product a convolution runs, with its
// weights packed once.
func BenchmarkGEMM(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, s := range benchShapes {
		b.Run(s.name, func(b *testing.B) {
			p := Pack(random(r, s.m*s.k), s.m, s.k)
			x, c := random(r, s.k*s.n), make([]float32, s.m*s.n)
			fm := meter(b, 2*float64(s.m*s.k*s.n))
			for range b.N {
				p.Mul(c, x, s.n, false)
			}
			fm.report()
		})
	}
}

// BenchmarkSpagoGEMM times spago's ag.Mul on the same shapes.
func BenchmarkSpagoGEMM(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, s := range benchShapes {
		b.Run(s.name, func(b *testing.B) {
			w := mat.NewDense[float32](mat.WithShape(s.m, s.k), mat.WithBacking(random(r, s.m*s.k)))
			x := mat.NewDense[float32](mat.WithShape(s.k, s.n), mat.WithBacking(random(r, s.k*s.n)))
			fm := meter(b, 2*float64(s.m*s.k*s.n))
			for range b.N {
				ag.Mul(w, x)
			}
			fm.report()
		})
	}
}

// gramShapes are feature maps C×(H·W) whose Gram matrices a style loss
// takes at 256×256 input.
var gramShapes = []struct {
	name string
	c, n int
}{
	{"squeezenet/fire2", 128, 63 * 63},
	{"squeezenet/fire5", 256, 31 * 31},
	{"densenet/conv0", 64, 128 * 128},
	{"densenet/block1", 256, 64 * 64},
	{"densenet/block2", 512, 32 * 32},
}

// BenchmarkGram times MulAAt computing F·Fᵀ.
func BenchmarkGram(b *testing.B) {
	r := rand.New(rand.NewPCG(2, 2))
	for _, s := range gramShapes {
		b.Run(s.name, func(b *testing.B) {
			f, g := random(r, s.c*s.n), make([]float32, s.c*s.c)
			fm := meter(b, 2*float64(s.c*s.c*s.n))
			for range b.N {
				MulAAt(g, f, s.c, s.n)
			}
			fm.report()
		})
	}
}

// BenchmarkSpagoGram times spago's ag.Mul(f, ag.T(f)) on the same maps.
func BenchmarkSpagoGram(b *testing.B) {
	r := rand.New(rand.NewPCG(2, 2))
	for _, s := range gramShapes {
		b.Run(s.name, func(b *testing.B) {
			f := mat.NewDense[float32](mat.WithShape(s.c, s.n), mat.WithBacking(random(r, s.c*s.n)))
			fm := meter(b, 2*float64(s.c*s.c*s.n))
			for range b.N {
				ag.Mul(f, ag.T(f))
			}
			fm.report()
		})
	}
}
