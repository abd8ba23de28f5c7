//go:build !js && !windows && !plan9 && !wasip1

// Package cputime reads the CPU time the process has used, for benchmarks:
// on a shared machine CPU time measures the work done, where wall time also
// counts the waits for a core.
package cputime

import (
	"syscall"
	"time"
)

// Now returns the CPU time the process has used so far, all threads
// together (getrusage), or 0 where it cannot be read.
func Now() time.Duration {
	var u syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &u) != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
