//go:build js

package op

import (
	"syscall/js"
	"time"
)

// cpuTime returns the CPU time node has used so far (process.cpuUsage):
// on a shared machine it measures the work done, where wall time also
// counts the waits for a core.
func cpuTime() time.Duration {
	u := js.Global().Get("process").Call("cpuUsage")
	return time.Duration(u.Get("user").Float()+u.Get("system").Float()) * time.Microsecond
}
