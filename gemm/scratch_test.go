package gemm

import "testing"

func TestScratchReuse(t *testing.T) {
	a := Buffer(1 << 20)
	Release(a)
	b := Buffer(1<<20 - 5)
	if &a[0] != &b[0] {
		t.Error("a released buffer was not reused for a request it fits")
	}
	// A small request does not take the large buffer.
	c := Buffer(10)
	if cap(c) >= 1<<20 {
		t.Error("a 10-value request got a 1M-value buffer")
	}
	Release(b)
	Release(c)
}

// TestMulAllocs checks that repeated products make no garbage once the
// scratch buffers exist.
func TestMulAllocs(t *testing.T) {
	p := Pack(make([]float32, 33*70), 33, 70)
	b, c := make([]float32, 70*301), make([]float32, 33*301)
	p.Mul(c, b, 301, false)
	if n := testing.AllocsPerRun(20, func() { p.Mul(c, b, 301, false) }); n != 0 {
		t.Errorf("Packed.Mul allocates %v times per call", n)
	}
	a := make([]float32, 33*70)
	Mul(c, a, b, 33, 70, 301, false)
	if n := testing.AllocsPerRun(20, func() { Mul(c, a, b, 33, 70, 301, false) }); n != 0 {
		t.Errorf("Mul allocates %v times per call", n)
	}
}
