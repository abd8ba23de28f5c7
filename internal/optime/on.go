//go:build optime

package optime

import (
	"time"

	"sentiment/internal/cputime"
)

// Enabled reports whether marks are recorded (the build tag optime).
const Enabled = true

var (
	stack []Kind
	last  time.Duration // CPU time when the innermost mark last began or resumed
	spent Times
)

// Begin marks the start of work of kind k, nested in the current mark.
func Begin(k Kind) {
	now := cputime.Now()
	if n := len(stack); n > 0 {
		spent[stack[n-1]] += now - last
	}
	stack = append(stack, k)
	last = now
}

// End marks the end of the innermost work begun.
func End() {
	now := cputime.Now()
	n := len(stack)
	spent[stack[n-1]] += now - last
	stack = stack[:n-1]
	last = now
}

// Read returns the time spent on each kind since the program started.
func Read() Times { return spent }
