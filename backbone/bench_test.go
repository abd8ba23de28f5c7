package backbone

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"

	"sentiment/internal/cputime"
	"sentiment/op"
)

// BenchmarkForwardBackward times what one optimization step asks of a
// backbone: the forward pass through its default taps and the gradient of
// a loss on every tap back to the image. DenseNet121 runs with the
// assets' real weights (Keras's, as the page ships them in float16).
//
// Besides time it reports memory: live-MB, the heap in use once the
// gradient has reached the image (the graph and its gradients all alive,
// the peak of a step) above the heap in use before the step, and
// heapsys-MB, the heap the runtime holds from the system at the end (a
// WebAssembly instance's memory never shrinks, so this is what a tab
// keeps). cpu-ms/op is the process's CPU time per step, the figure to
// compare on a shared machine.
func BenchmarkForwardBackward(b *testing.B) {
	nets := []struct {
		name string
		net  func(testing.TB) Network
	}{
		{"squeezenet", func(t testing.TB) Network { return squeezeNet(t) }},
		{"densenet121", func(t testing.TB) Network {
			kerasDenseNet(t)
			return keras.net16
		}},
	}
	for _, nn := range nets {
		var net Network
		for _, size := range []int{128, 192, 256} {
			b.Run(fmt.Sprintf("%s/%dpx", nn.name, size), func(b *testing.B) {
				if net == nil {
					net = nn.net(b)
				}
				img := randomImage(size, size, 1)
				taps := net.DefaultTaps().Names()
				var ms runtime.MemStats
				live := 0.0
				var cpu time.Duration
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					runtime.GC()
					runtime.ReadMemStats(&ms)
					before := ms.HeapInuse
					c0 := cputime.Now()
					b.StartTimer()
					x, err := Input(img)
					if err != nil {
						b.Fatal(err)
					}
					feats, err := net.Features(x, taps...)
					if err != nil {
						b.Fatal(err)
					}
					var loss mat.Tensor
					for _, name := range taps {
						m := feats[name]
						d, err := op.SquaredDistance(m.Node, make([]float32, m.C*m.H*m.W))
						if err != nil {
							b.Fatal(err)
						}
						if loss == nil {
							loss = d
						} else {
							loss = ag.Add(loss, d)
						}
					}
					if err := ag.Backward(loss); err != nil {
						b.Fatal(err)
					}
					if x.Node.Grad() == nil {
						b.Fatal("no gradient")
					}
					b.StopTimer()
					cpu += cputime.Now() - c0
					runtime.ReadMemStats(&ms)
					live = max(live, float64(ms.HeapInuse-before)/(1<<20))
					runtime.KeepAlive(loss)
					b.StartTimer()
				}
				b.StopTimer()
				runtime.ReadMemStats(&ms)
				b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
				b.ReportMetric(live, "live-MB")
				b.ReportMetric(float64(ms.HeapSys)/(1<<20), "heapsys-MB")
			})
		}
	}
}
