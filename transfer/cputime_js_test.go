package transfer

import (
	"syscall/js"
	"time"
)

// cpuTime is the process's user+system CPU time (node's process.cpuUsage):
// on a shared machine it varies far less than wall-clock time.
func cpuTime() time.Duration {
	u := js.Global().Get("process").Call("cpuUsage")
	return time.Duration(u.Get("user").Float()+u.Get("system").Float()) * time.Microsecond
}
