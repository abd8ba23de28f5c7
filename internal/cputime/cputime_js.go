//go:build js

package cputime

import (
	"syscall/js"
	"time"
)

// Now returns the CPU time node has used so far (process.cpuUsage), or 0
// outside node.
func Now() time.Duration {
	p := js.Global().Get("process")
	if p.IsUndefined() || p.Get("cpuUsage").IsUndefined() {
		return 0
	}
	u := p.Call("cpuUsage")
	return time.Duration(u.Get("user").Float()+u.Get("system").Float()) * time.Microsecond
}
