package op

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"

	"sentiment/internal/cputime"
)

// stack is a small backbone-like stack: conv 3×3 → batch norm → ReLU → max
// pool 3×3/2 → fire-like 1×1 squeeze and 1×1 + 3×3 expand → concat →
// Gram → squared distance to a target, on a 3×64×64 input.
type stack struct {
	conv1, squeeze, expand1, expand3 *Conv
	bn                               *ChannelAffine
	target                           []float32
}

func newStack(r *rand.Rand) *stack {
	must := func(c *Conv, err error) *Conv {
		if err != nil {
			panic(err)
		}
		return c
	}
	s := &stack{
		conv1:   must(NewConv(normals(r, 32*3*9), normals(r, 32), 32, 3, 3, 3, 1, 1)),
		squeeze: must(NewConv(normals(r, 16*32), normals(r, 16), 16, 32, 1, 1, 1, 0)),
		expand1: must(NewConv(normals(r, 32*16), normals(r, 32), 32, 16, 1, 1, 1, 0)),
		expand3: must(NewConv(normals(r, 32*16*9), normals(r, 32), 32, 16, 3, 3, 1, 1)),
		target:  normals(r, 64*64),
	}
	s.bn, _ = BatchNormAffine(normals(r, 32), normals(r, 32), normals(r, 32), make([]float32, 32), 1e-5)
	return s
}

// pass runs forward and backward and returns the input gradient.
func (s *stack) pass(x Map) (mat.Tensor, error) {
	y, err := s.conv1.Apply(x)
	if err != nil {
		return nil, err
	}
	y, _ = s.bn.ApplyReLU(y)
	y, _ = MaxPool(y, 3, 2, 1)
	q, _ := s.squeeze.Apply(y)
	q = ReLU(q)
	e1, _ := s.expand1.Apply(q)
	e3, _ := s.expand3.Apply(q)
	cat, _ := Concat(ReLU(e1), ReLU(e3))
	loss, err := SquaredDistance(Gram(cat), s.target)
	if err != nil {
		return nil, err
	}
	if err := ag.Backward(loss); err != nil {
		return nil, err
	}
	return x.Node.Grad(), nil
}

// BenchmarkConvStack times one forward and input-gradient pass of the
// stack, the unit of work of an image optimization.
func BenchmarkConvStack(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	s := newStack(r)
	x := normals(r, 3*64*64)
	b.ReportAllocs()
	b.ResetTimer()
	t0 := cputime.Now()
	for range b.N {
		if _, err := s.pass(leaf(b, x, 3, 64, 64, true)); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, t0)
}

// reportCPU reports the CPU time per operation since t0, which other
// processes on a shared machine disturb less than wall time. Natively it
// sums all threads.
func reportCPU(b *testing.B, t0 time.Duration) {
	if t := cputime.Now() - t0; t > 0 {
		b.ReportMetric(float64(t.Microseconds())/1e3/float64(b.N), "cpu-ms/op")
	}
}

// BenchmarkGramPass times Gram forward and backward on a 256×(32·32) map
// (a DenseNet block-2 output at 256×256 input), with our operator.
func BenchmarkGramPass(b *testing.B) {
	r := rand.New(rand.NewPCG(2, 2))
	f := normals(r, 256*1024)
	target := make([]float32, 256*256)
	b.ReportAllocs()
	b.ResetTimer()
	t0 := cputime.Now()
	defer reportCPU(b, t0)
	for range b.N {
		x := leaf(b, f, 256, 32, 32, true)
		loss, _ := SquaredDistance(Gram(x), target)
		if err := ag.Backward(loss); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSpagoGramPass does the same with spago's ag.Mul(f, ag.T(f)).
func BenchmarkSpagoGramPass(b *testing.B) {
	r := rand.New(rand.NewPCG(2, 2))
	f := normals(r, 256*1024)
	target := make([]float32, 256*256)
	b.ReportAllocs()
	b.ResetTimer()
	t0 := cputime.Now()
	defer reportCPU(b, t0)
	for range b.N {
		x := leaf(b, f, 256, 32, 32, true)
		loss, _ := SquaredDistance(ag.Mul(x.Node, ag.T(x.Node)), target)
		if err := ag.Backward(loss); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkConvLayer times forward and input gradient of single layers at
// their 256×256-input sizes: a DenseNet121 block-1 3×3 conv (128→32 on
// 64×64) and 1×1 bottleneck (224→128), and SqueezeNet's conv1 (3→64,
// 3×3/2 on 256×256).
func BenchmarkConvLayer(b *testing.B) {
	for _, l := range []struct {
		name                         string
		cin, h, cout, k, stride, pad int
	}{
		{"densenet-block1-3x3", 128, 64, 32, 3, 1, 1},
		{"densenet-block1-1x1", 224, 64, 128, 1, 1, 0},
		{"squeezenet-conv1", 3, 256, 64, 3, 2, 0},
	} {
		b.Run(l.name, func(b *testing.B) {
			r := rand.New(rand.NewPCG(3, 3))
			conv, err := NewConv(normals(r, l.cout*l.cin*l.k*l.k), nil, l.cout, l.cin, l.k, l.k, l.stride, l.pad)
			if err != nil {
				b.Fatal(err)
			}
			x := normals(r, l.cin*l.h*l.h)
			oh, _ := conv.OutSize(l.h, l.h)
			dy := normals(r, l.cout*oh*oh)
			b.ReportAllocs()
			b.ResetTimer()
			t0 := cputime.Now()
			for range b.N {
				m := leaf(b, x, l.cin, l.h, l.h, true)
				y, _ := conv.Apply(m)
				y.Node.AccGrad(dense(dy, l.cout, oh*oh))
				if err := ag.Backward(y.Node); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, t0)
			flops := 2 * 2 * float64(l.cout*l.cin*l.k*l.k*oh*oh) * float64(b.N)
			b.ReportMetric(flops/(cputime.Now()-t0).Seconds()/1e9, "GFLOP/cpu-s")
		})
	}
}
