package gemm

import "sync"

// scratch keeps released buffers for reuse. Unlike sync.Pool it survives
// garbage collections: an optimization calls the multiply hundreds of times
// with the same sizes, and reallocating after every collection is the churn
// we want to avoid in WebAssembly.
var scratch struct {
	sync.Mutex
	free  [][]float32
	bytes int // total capacity of free, in bytes
}

// Bounds on what scratch keeps: buffers beyond them are left to the
// garbage collector. The peak of a pass is a few buffers at a time (an
// im2col matrix, a gradient), so this holds a backbone's working set
// without keeping every size ever asked for.
const (
	maxFree      = 32
	maxFreeBytes = 256 << 20
)

// getScratch returns a buffer of length n with unspecified contents.
func getScratch(n int) []float32 {
	scratch.Lock()
	defer scratch.Unlock()
	// Best fit: the smallest free buffer that is large enough, but not a
	// large buffer for a small request, which a later large request would
	// then have to allocate again.
	best := -1
	for i, s := range scratch.free {
		if cap(s) >= n && (best < 0 || cap(s) < cap(scratch.free[best])) {
			best = i
		}
	}
	if best < 0 || (cap(scratch.free[best]) > 4*n && n < 1<<16) {
		return make([]float32, n)
	}
	s := scratch.free[best]
	last := len(scratch.free) - 1
	scratch.free[best] = scratch.free[last]
	scratch.free[last] = nil
	scratch.free = scratch.free[:last]
	scratch.bytes -= 4 * cap(s)
	return s[:n]
}

// putScratch releases a buffer from getScratch.
func putScratch(s []float32) {
	scratch.Lock()
	defer scratch.Unlock()
	if len(scratch.free) >= maxFree || scratch.bytes+4*cap(s) > maxFreeBytes {
		return
	}
	scratch.free = append(scratch.free, s)
	scratch.bytes += 4 * cap(s)
}

// Buffer returns scratch memory of length n with unspecified contents, for
// the operands of products that callers build around them (a
// convolution's im2col columns, for instance). Release it when done: it is
// then reused by later calls instead of becoming garbage.
func Buffer(n int) []float32 { return getScratch(n) }

// Release returns a buffer from Buffer for reuse. The caller must not use
// it afterwards.
func Release(buf []float32) { putScratch(buf) }
