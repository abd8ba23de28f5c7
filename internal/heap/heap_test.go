package heap

import "testing"

var sink []byte

func TestAllocated(t *testing.T) {
	const n = 10 << 20
	got := Allocated(func() { sink = make([]byte, n) })
	if got < n || got > n+64<<10 {
		t.Errorf("a %d-byte slice: %d bytes allocated", n, got)
	}
	if got := Allocated(func() {}); got > 1<<10 {
		t.Errorf("nothing: %d bytes allocated", got)
	}
}
