//go:build unix

package outfile

import (
	"os"
	"syscall"
)

// lock takes the writer's lock on f, held until f is closed or the
// process ends, however it ends.
func lock(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// stale reports whether no process holds the writer's lock on f; if so, f
// holds it now, so that no writer can start on it before it is removed.
func stale(f *os.File) bool {
	// Any failure (held, or a file system without locks) leaves it.
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}

// rename puts the locked temporary file f, named tmp, in place as path.
// It stays locked until it is closed, after the rename.
func rename(f *os.File, tmp, path string) error { return os.Rename(tmp, path) }
