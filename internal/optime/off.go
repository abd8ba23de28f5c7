//go:build !optime

package optime

// Enabled reports whether marks are recorded (the build tag optime).
const Enabled = false

// Begin marks the start of work of kind k: nothing without the tag optime.
func Begin(k Kind) {}

// End marks the end of the innermost work begun: nothing without the tag
// optime.
func End() {}

// Read returns the time spent on each kind: zero without the tag optime.
func Read() Times { return Times{} }
