//go:build !js && !windows && !plan9 && !wasip1

package op

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time the process has used so far, all threads
// together: on a shared machine it measures the work done, where wall time
// also counts the waits for a core.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &u) != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
