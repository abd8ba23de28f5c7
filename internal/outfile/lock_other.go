//go:build !unix

package outfile

import "os"

// Without flock a killed writer's temporary file cannot be told from a
// living one's: none is taken for stale.

func lock(*os.File) error { return nil }
func stale(*os.File) bool { return false }

// rename closes f first: an open file cannot be renamed everywhere.
func rename(f *os.File, tmp, path string) error {
	f.Close()
	return os.Rename(tmp, path)
}
