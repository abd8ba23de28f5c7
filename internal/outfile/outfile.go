// Package outfile writes output files so that no reader, and no later
// failure, ever leaves half of one: each is written to a temporary file in
// its folder and renamed into place only when complete. A rename within a
// folder replaces the old file in one step, so an interrupted run leaves
// the old file (or none), never a truncated one.
package outfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Check reports, before any work, whether path can be written: its folder
// exists and takes new files, and path is not a folder. It leaves nothing
// behind.
func Check(path string) error {
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("%s: no folder %s to write it in", path, dir)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s: %s is not a folder", path, dir)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("%s is a folder, not a file", path)
	}
	f, err := os.CreateTemp(dir, ".sentiment-check-*")
	if err != nil {
		return fmt.Errorf("%s: cannot write in %s: %w", path, dir, errors.Unwrap(err))
	}
	f.Close()
	return os.Remove(f.Name())
}

// File is an output written in full to a temporary file and not yet in
// place: Commit renames it over its path, Discard removes it. The
// temporary file is held open and locked until then, so that another run
// can tell it from one whose writer was killed (see Create).
type File struct {
	path, tmp string
	f         *os.File
}

// Create writes an output for path with write, into a temporary file in
// path's folder named .BASE.NUMBER.tmp. On error nothing is left and path
// is untouched.
//
// The new file gets the mode of the file it replaces (a private 0600
// output stays private), or, for a new path, the mode any program's new
// file gets (0666 less the umask). Temporary files of path left by a run
// that was killed (SIGKILL, a power cut) are removed first: a writer
// holds a lock on its temporary file while it lives, so one that nobody
// locks is stale.
func Create(path string, write func(io.Writer) error) (*File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	removeStale(dir, base)
	perm, keep := os.FileMode(0o666), false
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		perm, keep = fi.Mode().Perm(), true
	}
	f, err := createTemp(dir, base, perm, keep)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	err = write(f)
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		os.Remove(f.Name())
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &File{path, f.Name(), f}, nil
}

// createTemp creates and locks a new temporary file for base in dir with
// mode perm: exactly perm if keep, else perm less the umask.
func createTemp(dir, base string, perm os.FileMode, keep bool) (*os.File, error) {
	for range 100 {
		name := filepath.Join(dir, "."+base+"."+strconv.FormatUint(uint64(rand.Uint32()), 10)+".tmp")
		// Created private and opened up once the lock is held, so that its
		// bytes are never readable more widely than the file it replaces.
		mode := perm
		if keep {
			mode = 0o600
		}
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, mode)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		err = lock(f)
		if err == nil && !still(f, name) {
			// Another run took it for stale between its creation and the
			// lock, and removed it: this one is no longer in the folder.
			f.Close()
			continue
		}
		if err == nil && keep {
			err = f.Chmod(perm)
		}
		if err != nil {
			os.Remove(name)
			f.Close()
			return nil, err
		}
		return f, nil
	}
	return nil, errors.New("no free temporary name")
}

// still reports whether the open file f is still the file name.
func still(f *os.File, name string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(name)
	return err == nil && os.SameFile(a, b)
}

// removeStale removes the temporary files of base in dir that no living
// writer holds. A file that cannot be locked is left as it is.
func removeStale(dir, base string) {
	names, _ := filepath.Glob(filepath.Join(dir, "."+globEscape(base)+".*.tmp"))
	for _, name := range names {
		if fi, err := os.Lstat(name); err != nil || !fi.Mode().IsRegular() {
			continue
		}
		f, err := os.OpenFile(name, os.O_RDWR, 0)
		if err != nil {
			continue
		}
		if stale(f) {
			os.Remove(name)
		}
		f.Close()
	}
}

// globEscape quotes the characters filepath.Match treats specially.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Commit puts the file in place, replacing what path held.
func (f *File) Commit() error {
	err := rename(f.f, f.tmp, f.path)
	if err != nil {
		os.Remove(f.tmp)
	}
	if cerr := f.f.Close(); err == nil && !errors.Is(cerr, os.ErrClosed) {
		err = cerr
	}
	return err
}

// Discard removes the unwritten output; path is left as it was.
func (f *File) Discard() {
	os.Remove(f.tmp)
	f.f.Close()
}

// Write writes path with write through a temporary file, in place only
// when complete.
func Write(path string, write func(io.Writer) error) error {
	f, err := Create(path, write)
	if err != nil {
		return err
	}
	return f.Commit()
}
