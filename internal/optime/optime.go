// Package optime measures where an optimization step spends its time, by
// kind of work, for the profile tables in the README. WebAssembly has no
// CPU profiler (Go's profiler samples on signals, which js/wasm lacks), so
// the engine's operators mark their own time instead.
//
// The marks cost nothing unless the build has the tag optime: Begin and
// End are then empty and inlined away, and Enabled is a false constant.
// Marks read the process's CPU time (see internal/cputime), which a busy
// machine disturbs less than wall time. Measuring assumes one goroutine
// runs the marked work, as in WebAssembly.
package optime

import "time"

// Kind is a kind of work an optimization step does.
type Kind int

// The kinds that are marked. Time inside a mark of one kind that is marked
// as another (a convolution's GEMM) counts for the inner kind only.
const (
	GEMM          Kind = iota // a convolution's products
	Im2col                    // a convolution's input as columns
	Col2im                    // a convolution's column gradient back onto its input
	Conv                      // the rest of a convolution: bias, gradient accumulation
	BatchNormReLU             // per-channel affine maps, with or without a ReLU
	ReLU                      // ReLU alone
	Pooling                   // max, average and global average pooling
	Concat                    // channel concatenation
	Gram                      // Gram matrices, their products included
	Loss                      // squared distances to the targets
	NumKinds
)

var names = [NumKinds]string{"gemm", "im2col", "col2im", "conv-other", "bn-relu", "relu", "pool", "concat", "gram", "loss"}

// String returns a short name of k, fit for a benchmark metric.
func (k Kind) String() string {
	if k < 0 || k >= NumKinds {
		return "unknown"
	}
	return names[k]
}

// Times is the CPU time spent on each kind of work.
type Times [NumKinds]time.Duration

// Sum returns the time spent on all kinds.
func (t Times) Sum() time.Duration {
	var s time.Duration
	for _, d := range t {
		s += d
	}
	return s
}
