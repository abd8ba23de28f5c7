package heap

import "testing"

var sink []byte

func TestAllocated(t *testing.T) {
	const n = 10 << 20
	got := Allocated(func() { sink = make([]byte, n) })
	if got < n || got > n+64<<10 {
		t.Errorf("a %d-byte slice: %d bytes allocated", n, got)
	}
	// The runtime's own goroutines may allocate a little meanwhile.
	if got := Allocated(func() {}); got > 64<<10 {
		t.Errorf("nothing: %d bytes allocated", got)
	}
}
