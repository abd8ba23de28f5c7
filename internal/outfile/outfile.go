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
	"os"
	"path/filepath"
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
// place: Commit renames it over its path, Discard removes it.
type File struct {
	path, tmp string
}

// Create writes an output for path with write, into a temporary file in
// path's folder. On error nothing is left and path is untouched.
func Create(path string, write func(io.Writer) error) (*File, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, err
	}
	err = write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644) // CreateTemp's 0600 is not what a user expects
	}
	if err != nil {
		os.Remove(f.Name())
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &File{path, f.Name()}, nil
}

// Commit puts the file in place, replacing what path held.
func (f *File) Commit() error {
	if err := os.Rename(f.tmp, f.path); err != nil {
		os.Remove(f.tmp)
		return err
	}
	return nil
}

// Discard removes the unwritten output; path is left as it was.
func (f *File) Discard() { os.Remove(f.tmp) }

// Write writes path with write through a temporary file, in place only
// when complete.
func Write(path string, write func(io.Writer) error) error {
	f, err := Create(path, write)
	if err != nil {
		return err
	}
	return f.Commit()
}
