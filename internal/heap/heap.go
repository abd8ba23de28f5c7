// Package heap measures what code allocates, for tests that bound the
// memory an input may cost: unlike peak RSS, the bytes allocated are the
// same from run to run on a busy machine.
package heap

import "runtime"

// Allocated returns the bytes f allocates on the heap, all goroutines
// together, so f should be the only thing running.
func Allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
